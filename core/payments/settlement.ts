import type { Settle } from '../ports';
import { RetryableError } from '../errors';
import { loadInboundEvent, markInboundProcessed, type InboxEvent } from '../inbox/inbox';
import type { Queryable } from '../storage/database';
import { addToOutbox, QUEUE_FOR_TOPIC } from '../outbox/outbox';
import { findPaymentByProcessorRef, noteFailure, setPaymentMethodType, setPaymentStatus } from './payments';
import { recordCardSetupFacts } from '../customers/customers';
import { paymentForInvoice } from '../subscriptions/invoices';
import { recordSubscriptionFacts } from '../subscriptions/subscriptions';
import { recordRefundFacts } from './refunds';
import { recordAuthorizationFacts } from './authorizations';
import { paymentSessionWork } from './sessions/sessions';
import { recordDisputeFacts } from './disputes';
import { notePayoutStatus, recordPayout } from './payouts';
import { assignToPayout, movementContext, recordMovement, recordedMovementIds, type OutboxWork } from './movements';
import { ProcessorAccessEndedError, type BalanceMovement, type PaymentProcessor } from './processor';
import { endConnection, type Platform } from '../merchants/connections';
import type { MovementContext } from '../ledger/entries';

/**
 * Applies one recorded webhook. The event only says what changed; the facts are re-read from the
 * processor, so duplicates and events arriving out of order come to the same result. Everything
 * the event changes (payment, refunds, ledger, outbox, the inbox row) commits in one transaction:
 * a crash leaves either nothing or everything, and running it again finds the work done.
 */
export async function applyInboundEvent(settle: Settle, inboxId: number): Promise<string> {
  const event = await loadInboundEvent(settle.db, inboxId);
  if (!event) return 'unknown inbox id';
  if (event.processedAt) return 'already processed';
  try {
    return await applyEvent(settle, event);
  } catch (error) {
    // Access ended (revoked or disconnected): the facts can no longer be read, now or on any retry.
    if (error instanceof ProcessorAccessEndedError) return finish(settle, event, `not applied: ${error.message}`);
    throw error;
  }
}

async function applyEvent(settle: Settle, event: InboxEvent): Promise<string> {
  const processor = await settle.platforms.processorFor(event.merchantId);
  const fact = processor.readEvent(event.payload);
  const merchantId = event.merchantId;

  switch (fact.kind) {
    case 'payment_succeeded':
    case 'payment_changed': {
      // Authorized, captured, released or expired: Stripe's answer now says which, whatever the event.
      const facts = await processor.paymentFacts(fact.processorRef);
      // A subscription invoice's payment may be heard of before its invoice: make its Settle payment now.
      if (facts.invoiceRef) await paymentForInvoice(settle.db, merchantId, await processor.invoiceFacts(facts.invoiceRef));
      const payment = await findPaymentByProcessorRef(settle.db, merchantId, fact.processorRef);
      if (facts.status === 'succeeded' && facts.sale) {
        const movements = await withContext(settle, merchantId, [facts.sale]);
        // A sale taken in Stripe itself (dashboard, payment link) has no Settle payment, but its charge
        // is in the balance all the same. Post it now, as its refunds and disputes are posted: left to
        // the payout that carries it, the clearing account would miss it until then.
        if (!payment) return finish(settle, event, `sale ${fact.processorRef} recorded (no Settle payment)`, (tx) => recordAll(tx, merchantId, movements));
        return finish(settle, event, 'payment recorded', async (tx) => {
          await setPaymentStatus(tx, payment.id, 'succeeded', null, facts.received.amount);
          await setPaymentMethodType(tx, payment.id, facts.methodType);
          const work = await recordAll(tx, merchantId, movements);
          // A counter sale or a payment link's sale has no store order to mark paid: it becomes one in the
          // store, if one is connected. (A subscription invoice has none either; the store job only notes the invoice paid.)
          if (payment.storePlatform === 'counter' || payment.storePlatform === 'link') return [...work, { id: `store-sale:${payment.id}`, topic: 'store.record_sale', payload: { paymentId: payment.id } }];
          // A Shopify payment session: Shopify marks its order paid once Settle resolves the session.
          const session = await paymentSessionWork(tx, payment, 'succeeded');
          if (session.length > 0) return [...work, ...session];
          return [...work, { id: `store:${payment.id}`, topic: 'store.mark_paid', payload: { paymentId: payment.id } }];
        });
      }
      if (!payment && facts.status !== 'succeeded') return finish(settle, event, `payment ${fact.processorRef} is ${facts.status} (no Settle payment)`);
      if (!payment) throw new RetryableError(`sale ${fact.processorRef} has no balance transaction yet`);
      return finish(settle, event, `payment ${facts.status}`, (tx) => recordAuthorizationFacts(tx, payment, facts));
    }
    case 'payment_failed': {
      const payment = await findPaymentByProcessorRef(settle.db, merchantId, fact.processorRef);
      if (!payment) return finish(settle, event, `no Settle payment for ${fact.processorRef}`);
      // A bank debit fails days later and only its charge says why: read it for the merchant.
      const facts = await processor.paymentFacts(fact.processorRef);
      // A declined attempt: the shopper may try another card, so the payment stays open for it.
      // Off-session nobody is there to try again: the status Settle gave it stands, the reason is kept.
      return finish(settle, event, 'decline recorded', async (tx) => {
        const message = facts.failureMessage ?? fact.message;
        if (payment.offSession) await noteFailure(tx, payment.id, message);
        else await setPaymentStatus(tx, payment.id, 'awaiting_payment', message);
        // A Shopify checkout hears of a decline that ends it (sessions/declines.ts), once per event.
        return payment.offSession ? [] : paymentSessionWork(tx, payment, `declined-${event.id}`);
      });
    }
    case 'card_setup_changed': {
      const facts = await processor.cardSetupFacts(fact.setupRef);
      let outcome = '';
      await finish(settle, event, 'card setup', async (tx) => {
        outcome = await recordCardSetupFacts(tx, merchantId, facts);
        return [];
      });
      return outcome;
    }
    case 'subscription_changed': {
      const facts = await processor.subscriptionFacts(fact.subscriptionRef);
      return finish(settle, event, `subscription ${facts.subscriptionRef} ${facts.status}`, async (tx) => {
        await recordSubscriptionFacts(tx, merchantId, facts);
        return [];
      });
    }
    case 'invoice_changed': {
      const invoice = await processor.invoiceFacts(fact.invoiceRef);
      const payment = await paymentForInvoice(settle.db, merchantId, invoice);
      if (!payment) return finish(settle, event, `invoice ${invoice.invoiceRef} is not for a Settle subscription (or not charged)`);
      // Paid: the sale is posted when its payment's event is applied (payment_intent.succeeded).
      if (invoice.status === 'paid' || !invoice.failureMessage) return finish(settle, event, `invoice ${invoice.invoiceRef} ${invoice.status}`);
      // A failed renewal, visible on the subscription's payments with the bank's reason.
      return finish(settle, event, `invoice ${invoice.invoiceRef} payment failed`, async (tx) => {
        await setPaymentStatus(tx, payment.id, 'failed', invoice.failureMessage);
        await noteFailure(tx, payment.id, invoice.failureMessage!);
        return [];
      });
    }
    case 'refund_changed': {
      const facts = await processor.refundFacts(fact.refundId);
      const payment = await findPaymentByProcessorRef(settle.db, merchantId, facts.paymentRef);
      const movements = await withContext(settle, merchantId, await newMovements(settle, processor, merchantId, facts.movementIds));
      return finish(settle, event, `refund ${facts.refundId} ${facts.status}`, async (tx) => {
        const storeWork = payment ? await recordRefundFacts(tx, merchantId, payment, facts) : [];
        return [...storeWork, ...(await recordAll(tx, merchantId, movements))];
      });
    }
    case 'dispute_changed': {
      const facts = await processor.dispute(fact.disputeId);
      const payment = await findPaymentByProcessorRef(settle.db, merchantId, facts.paymentRef);
      const recorded = await recordedMovementIds(settle.db, merchantId, facts.movements.map((m) => m.id));
      const movements = await withContext(settle, merchantId, facts.movements.filter((m) => !recorded.has(m.id)));
      return finish(settle, event, `dispute ${facts.disputeId} ${facts.status}`, async (tx) => {
        if (payment) await recordDisputeFacts(tx, merchantId, payment, facts);
        return recordAll(tx, merchantId, movements);
      });
    }
    case 'payout_changed': {
      const payout = await processor.payout(fact.payoutId);
      if (payout.status !== 'paid' && payout.status !== 'failed') {
        return finish(settle, event, `payout ${payout.payoutId} is ${payout.status}`, async (tx) => {
          await notePayoutStatus(tx, merchantId, payout);
          return [];
        });
      }
      // The payout carries every movement it pays out: any whose webhook was missed is posted here.
      // A failed one was paid first; the bank returned it, and the money is back in the balance
      // (its failure movement reverses the payout in the ledger and waits for the next payout).
      const carried = [...payout.movements, ...(payout.failureMovement ? [payout.failureMovement] : [])];
      const recorded = await recordedMovementIds(settle.db, merchantId, carried.map((m) => m.id));
      const movements = await withContext(settle, merchantId, carried.filter((m) => !recorded.has(m.id)));
      return finish(settle, event, `payout ${payout.payoutId} ${payout.status} recorded`, async (tx) => {
        const work = await recordAll(tx, merchantId, movements);
        await assignToPayout(tx, merchantId, payout.payoutId, payout.movements.map((m) => m.id));
        await recordPayout(tx, merchantId, payout);
        return work;
      });
    }
    case 'access_revoked':
      return finish(settle, event, 'processor access revoked', async (tx) => {
        await endConnection(tx, merchantId, event.platform as Platform, fact.accountId, 'revoked');
        return [];
      });
    case 'ignored':
      return finish(settle, event, fact.reason);
  }
}

/** The movements among `ids` that the ledger does not hold yet, read from the processor. */
async function newMovements(settle: Settle, processor: PaymentProcessor, merchantId: string, ids: string[]): Promise<BalanceMovement[]> {
  const recorded = await recordedMovementIds(settle.db, merchantId, ids);
  return Promise.all(ids.filter((id) => !recorded.has(id)).map((id) => processor.movement(id)));
}

async function withContext(settle: Settle, merchantId: string, movements: BalanceMovement[]): Promise<{ movement: BalanceMovement; context: MovementContext }[]> {
  const result = [];
  for (const movement of movements) result.push({ movement, context: await movementContext(settle, merchantId, movement) });
  return result;
}

async function recordAll(tx: Queryable, merchantId: string, movements: { movement: BalanceMovement; context: MovementContext }[]): Promise<OutboxWork[]> {
  const work: OutboxWork[] = [];
  for (const { movement, context } of movements) work.push(...(await recordMovement(tx, merchantId, movement, context)));
  return work;
}

async function finish(settle: Settle, event: InboxEvent, outcome: string, change?: (tx: Queryable) => Promise<OutboxWork[]>): Promise<string> {
  const work = await settle.db.transaction(async (tx) => {
    const items = (await change?.(tx)) ?? [];
    for (const item of items) await addToOutbox(tx, { ...item, merchantId: event.merchantId });
    await markInboundProcessed(tx, event.id);
    return items;
  });
  // After commit: if this enqueue is lost to a crash, the outbox sweep enqueues the work again.
  for (const item of work) await settle.jobs.enqueue(QUEUE_FOR_TOPIC[item.topic], item.id, { outboxId: item.id });
  return outcome;
}
