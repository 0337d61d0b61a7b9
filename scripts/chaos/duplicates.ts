/**
 * Duplicate and reordered webhook floods: shoppers pay while Stripe delivers every webhook twice and
 * newest first, then Stripe's events for those payments are delivered again and again, freshly
 * signed, in random order, many at once. Nothing may be posted twice: the store, the ledger and the
 * books must still show each paid order once.
 */
import { signPayload } from '../../test/sandbox/stripe/webhooks';
import { startSettleStack } from '../../test/support/stack';
import { confirmAsShopper, placeOrder, signUpAndConnect, startCheckout, stripeDashboard } from '../../test/support/journey';
import { consistent, doubled, lost, PaymentModel, until, type Tally } from './model';

export interface DuplicatesOptions {
  deliveries: number;
  payments?: number;
  concurrency?: number;
  log?: (line: string) => void;
}

export interface DuplicatesResult {
  deliveries: number;
  distinctEvents: number;
  answered2xx: number;
  answeredOther: number;
  deliveriesPerSecond: number;
  doublePostings: number;
  lost: number;
  inboxRows: number;
  final: Tally;
}

export async function runDuplicateFlood(options: DuplicatesOptions): Promise<DuplicatesResult> {
  const log = options.log ?? (() => undefined);
  const stack = await startSettleStack({ stripeSwitches: { deliver_twice: true, out_of_order: true } });
  const initialStock = 1_000_000;
  let model: PaymentModel | undefined;
  try {
    const merchant = await signUpAndConnect(stack.settleUrl, stack.sandboxes, 'Chaos Flood Shop');
    const product = (await merchant.woo.post('products', { name: 'Flood lamp', regular_price: '12.50', manage_stock: true, stock_quantity: initialStock })).data as { id: number };
    model = await PaymentModel.open(stack.sandboxes, merchant, stack.env.DATABASE_SCHEMA!, product.id, initialStock);
    const orders: number[] = [];
    const payments = options.payments ?? 20;
    for (let i = 0; i < payments; i += 4) {
      await Promise.all(Array.from({ length: Math.min(4, payments - i) }, async () => {
        const order = await placeOrder(merchant.woo, { productId: product.id, quantity: 1 });
        orders.push(order.id);
        const checkout = await startCheckout(stack.settleUrl, merchant.apiKey, order.id);
        const intent = await confirmAsShopper(stack.settleUrl, checkout.payment.id);
        if (intent.status !== 'succeeded') throw new Error(`order ${order.id} not paid: ${intent.status}`);
      }));
    }
    log(`${payments} orders paid with every webhook delivered twice, newest first`);

    // Every event Stripe made for these payments, as Stripe would deliver it again.
    const events: string[] = [];
    for await (const event of stripeDashboard(stack.sandboxes, merchant).events.list({ limit: 100 })) events.push(JSON.stringify(event));
    const endpoints = (await (await fetch(`${stack.sandboxes.stripe.url}/_sandbox/webhook_endpoints?account=${merchant.stripeAccount.id}`)).json()) as { data: { url: string; secret: string }[] };
    const endpoint = endpoints.data[0]!;
    let answered2xx = 0;
    let answeredOther = 0;
    let sent = 0;
    const started = Date.now();
    const deliverOne = async () => {
      const payload = events[Math.floor(Math.random() * events.length)]!;
      const res = await fetch(endpoint.url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signPayload(payload, endpoint.secret) }, body: payload });
      await res.arrayBuffer();
      if (res.ok) answered2xx += 1;
      else answeredOther += 1;
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 32 }, async () => {
      while (sent < options.deliveries) {
        sent += 1;
        await deliverOne().catch(() => (answeredOther += 1));
        if (sent % 10_000 === 0) log(`${sent} deliveries…`);
      }
    }));
    const seconds = (Date.now() - started) / 1000;
    log(`${options.deliveries} deliveries of ${events.length} events in ${seconds.toFixed(1)} s`);

    // Whatever the flood queued has run; then nothing may be there twice.
    const settled = await until(() => model!.tally(orders), consistent, 90_000);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const final = await model.tally(orders);
    if (!settled) log('the systems did not agree within 90 s');
    return {
      deliveries: options.deliveries, distinctEvents: events.length, answered2xx, answeredOther,
      deliveriesPerSecond: Math.round(options.deliveries / seconds),
      doublePostings: doubled(final), lost: lost(final), inboxRows: await model.inboxRows(), final,
    };
  } finally {
    await model?.close();
    await stack.stop();
  }
}
