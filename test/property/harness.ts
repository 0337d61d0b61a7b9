/**
 * Settle wired to the Stripe model: a PaymentProcessor and a Store answered from the model, a job
 * queue that only records, and a real (in-memory PGlite) database. Events are recorded in the inbox
 * and applied one by one, as the webhook route and the worker do.
 */
import type { Settle } from '../../core/ports';
import type { Database } from '../../core/storage/database';
import type { JobQueue, QueueName } from '../../core/jobs/queue';
import type { PaymentProcessor } from '../../core/payments/processor';
import type { Store, StoreOrder } from '../../core/stores/store';
import { openDatabase } from '../../connectors/database/open';
import { processorEventFrom } from '../../connectors/stripe/mapping';
import { createMerchant } from '../../core/merchants/merchants';
import { startCheckout } from '../../core/payments/checkout';
import { recordInboundEvent } from '../../core/inbox/inbox';
import { applyInboundEvent } from '../../core/payments/settlement';
import { StripeModel, usd, type WebhookEvent } from './stripe-model';

const notModelled = async (): Promise<never> => { throw new Error('the model has no customers, saved cards or subscriptions'); };
const NO_SAVED_CARDS: Pick<PaymentProcessor, 'createCustomer' | 'startCardSetup' | 'cardSetupFacts' | 'createSavedCardPayment' | 'chargeOffSession'
  | 'createSubscription' | 'cancelSubscription' | 'subscriptionFacts' | 'invoiceFacts'> = {
  createCustomer: notModelled, startCardSetup: notModelled, cardSetupFacts: notModelled, createSavedCardPayment: notModelled, chargeOffSession: notModelled,
  createSubscription: notModelled, cancelSubscription: notModelled, subscriptionFacts: notModelled, invoiceFacts: notModelled,
};

/** The port answered from the model: always the model's current facts, as Stripe's API answers now. */
export function modelProcessor(model: StripeModel): PaymentProcessor {
  return {
    // Idempotent per order, as Settle's key makes it: the model already holds the payment for the order.
    createPayment: async ({ metadata }) => {
      const payment = model.paymentForOrder(metadata.order_id ?? '');
      if (!payment) throw new Error(`the model has no payment for order ${metadata.order_id}`);
      return { processorRef: payment.ref };
    },
    shopperSession: async (processorRef) => ({ apiBase: 'http://stripe.invalid', publishableKey: 'pk_test_model', clientSecret: `${processorRef}_secret`, processorRef }),
    // Every model payment is captured at once (no manual capture here): succeeded, with its sale.
    paymentFacts: async (ref) => {
      const p = model.payments.get(ref);
      return {
        processorRef: ref, status: 'succeeded', capturable: usd(0), received: usd(p?.amount ?? 0), expired: false, failureMessage: null, methodType: 'card',
        sale: model.movementFacts(p?.chargeTxn ?? `charge of ${ref}`),
      };
    },
    capture: async () => { throw new Error('the model has no manual capture'); },
    submitDisputeEvidence: async () => { throw new Error('the model takes no dispute evidence'); },
    assertChargeable: () => undefined,
    cancel: async () => { throw new Error('the model has no manual capture'); },
    movement: async (id) => model.movementFacts(id),
    refund: async ({ processorRef, amount, settleRefundId }) => model.refundFacts(model.createRefund(processorRef, amount.amount, settleRefundId, 'succeeded').id),
    refundFacts: async (id) => model.refundFacts(id),
    // The model always answers, so no answer is ever lost and there is nothing to re-read.
    findRefund: async () => null,
    findPayment: async ({ metadata }) => {
      const payment = model.paymentForOrder(metadata.order_id ?? '');
      return payment ? { processorRef: payment.ref } : null;
    },
    dispute: async (id) => model.disputeFacts(id),
    payout: async (id) => model.payoutFacts(id),
    ...NO_SAVED_CARDS,
    // The real connector's reading of a Stripe event, so the event types are the ones Settle maps.
    readEvent: (payload) => processorEventFrom(payload as Parameters<typeof processorEventFrom>[0]),
  };
}

/** The store's order behind each model payment (a WooCommerce order with shipping and tax). */
export function modelStore(model: StripeModel): Store {
  return {
    platform: 'woocommerce',
    getOrder: async (orderId): Promise<StoreOrder> => {
      const p = model.paymentForOrder(orderId);
      if (!p || p.outside) throw new Error(`no order ${orderId}`);
      return {
        id: p.orderId, number: p.orderNumber, status: 'pending', needsPayment: true, total: usd(p.amount), itemsTotal: usd(p.items),
        shippingTotal: usd(p.shipping), taxTotal: usd(p.tax), lines: [{ name: 'Item', sku: 'SKU', quantity: 1, total: usd(p.items) }],
        customer: { email: 'shopper@example.com', name: 'Shopper' },
      };
    },
    // Only queued by the settlement (as outbox work), never run here: the ledger is what is checked.
    markOrderPaid: async () => {},
    syncRefund: async () => {},
    addOrderNote: async () => {},
    recordSaleMadeElsewhere: async () => ({ orderId: '0', number: '0' }),
    productForSale: async () => undefined,
    findProducts: async () => [],
  };
}

export class RecordingJobs implements JobQueue {
  readonly jobs: { queue: QueueName; jobId: string }[] = [];
  async enqueue(queue: QueueName, jobId: string) {
    this.jobs.push({ queue, jobId });
  }
  async close() {}
}

export const openPropertyDatabase = (): Promise<Database> => openDatabase({ dataDir: '' });

/**
 * Empties every table but the migrations' own, so each run starts from a fresh database without
 * paying PGlite's start-up again. TRUNCATE does not fire the ledger's append-only row triggers.
 */
export async function emptyDatabase(db: Database): Promise<void> {
  const tables = await db.query<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'`,
  );
  await db.query(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`);
}

export interface World {
  settle: Settle;
  jobs: RecordingJobs;
  merchantId: string;
  model: StripeModel;
  /** Payments whose checkout Settle has already run. */
  checkedOut: Set<string>;
  /** Webhook deliveries so far, repeats included. */
  delivered: number;
}

export async function newWorld(db: Database): Promise<World> {
  await emptyDatabase(db);
  const model = new StripeModel();
  const jobs = new RecordingJobs();
  const processor = modelProcessor(model);
  const store = modelStore(model);
  const settle: Settle = {
    db, jobs,
    platforms: {
      processorFor: async () => processor,
      storeFor: async () => store,
      booksFor: async () => { throw new Error('the books are not used here'); },
      cardReadersFor: async () => { throw new Error('card readers are not used here'); },
    },
  };
  const { merchant } = await createMerchant(db, 'Property Shop');
  return { settle, jobs, merchantId: merchant.id, model, checkedOut: new Set(), delivered: 0 };
}

/** Runs Settle's checkout for each sale the model has that Settle has not seen yet (the payments row, as checkout makes it). */
export async function checkOutNewSales(world: World): Promise<void> {
  for (const p of world.model.payments.values()) {
    if (world.checkedOut.has(p.ref) || p.outside) continue;
    const payment = await startCheckout(world.settle, world.merchantId, { storePlatform: 'woocommerce', orderId: p.orderId });
    if (payment.processorRef !== p.ref) throw new Error(`checkout of ${p.orderId} made ${payment.processorRef}, not ${p.ref}`);
    world.checkedOut.add(p.ref);
  }
}

/** Each delivery is recorded in the inbox (a repeat finds the first row) and applied, in the order given. */
export async function deliver(world: World, events: WebhookEvent[]): Promise<void> {
  for (const event of events) {
    const { id } = await recordInboundEvent(world.settle.db, {
      merchantId: world.merchantId, platform: 'stripe', eventId: event.id, eventType: event.type, payload: JSON.stringify(event),
    });
    await applyInboundEvent(world.settle, id);
    world.delivered += 1;
  }
}
