/**
 * A model of one USD merchant's Stripe account, small enough to trust by reading: payments with
 * their charge, partial refunds that may fail, disputes that may be won, and automatic payouts.
 * Every change adds balance transactions (never edits one, as in Stripe) and the webhook events
 * Stripe would send. The fee rule is books.md's: 2.9% + 30 (domestic card), round half up.
 */
import { money, roundHalfUp } from '../../core/money';
import type { BalanceMovement, DisputeFacts, PayoutFacts, RefundFacts } from '../../core/payments/processor';

export const CURRENCY = 'USD';
const DAY_MS = 86_400_000;
const EPOCH = Date.UTC(2025, 0, 6);
/** books.md: a charge's funds become available 2 days after it; refunds and disputes move the balance at once. */
const CHARGE_HOLD_DAYS = 2;
const DISPUTE_FEE = 1500;

/** One thing that happens in the business. `pick` chooses among the payments/refunds/disputes it can apply to. */
export type Step =
  /**
   * `outside`: taken in Stripe (dashboard, payment link), not through Settle's checkout: no Settle
   * payment, no order. `declinedFirst`: the shopper's first card was declined, the second paid.
   */
  | { kind: 'sale'; items: number; shipping: number; tax: number; outside?: boolean; declinedFirst?: boolean }
  | { kind: 'refund'; pick: number; percent: number; pending: boolean }
  | { kind: 'refund_outcome'; pick: number; fails: boolean }
  | { kind: 'dispute'; pick: number }
  | { kind: 'close_dispute'; pick: number; won: boolean }
  /** The daily automatic payout; it reaches the bank at once or stays in transit until `payout_arrives`. */
  | { kind: 'payout'; arrives: boolean }
  | { kind: 'payout_arrives'; pick: number };

/** A webhook as Stripe sends it, reduced to what Settle reads (type and the object's id). */
export interface WebhookEvent {
  id: string;
  object: 'event';
  type: string;
  data: { object: { id: string; object: string } };
}

export interface ModelPayment {
  ref: string; orderId: string; orderNumber: string; items: number; shipping: number; tax: number; amount: number; chargeTxn: string; dispute: string | null;
  outside: boolean;
}
export interface ModelRefund { id: string; paymentRef: string; amount: number; status: 'pending' | 'succeeded' | 'failed'; settleRefundId: string | null; txn: string; failureTxn: string | null }
export interface ModelDispute { id: string; paymentRef: string; amount: number; status: 'needs_response' | 'won' | 'lost'; txns: string[] }
export interface ModelPayout { id: string; amount: number; ownTxn: string; carried: string[]; status: 'in_transit' | 'paid' }

export const usd = (amount: number) => money(amount, CURRENCY);
export const stripeFee = (amount: number) => Number(roundHalfUp(BigInt(amount) * 290n, 10_000n)) + 30;

export class StripeModel {
  day = 0;
  readonly payments = new Map<string, ModelPayment>();
  readonly refunds = new Map<string, ModelRefund>();
  readonly disputes = new Map<string, ModelDispute>();
  readonly payouts = new Map<string, ModelPayout>();
  /** Every balance transaction, in the order they happened. */
  readonly movements = new Map<string, BalanceMovement>();
  /** Balance transaction → the payout carrying it (a payout's own transaction included), once that payout is paid. */
  readonly paidOutBy = new Map<string, string>();
  /** Balance transactions some payout carries, paid or still in transit: no later payout takes them. */
  private readonly carried = new Set<string>();
  readonly events: WebhookEvent[] = [];
  private seq = 0;

  /** Applies one step a day later than the last; a step that fits nothing (no payment to refund…) changes nothing. */
  apply(step: Step): void {
    this.day += 1;
    if (step.kind === 'sale') this.sale(step.items, step.shipping, step.tax, step.outside ?? false, step.declinedFirst ?? false);
    else if (step.kind === 'refund') this.refundStep(step.pick, step.percent, step.pending);
    else if (step.kind === 'refund_outcome') this.refundOutcome(step.pick, step.fails);
    else if (step.kind === 'dispute') this.openDispute(step.pick);
    else if (step.kind === 'close_dispute') this.closeDispute(step.pick, step.won);
    else if (step.kind === 'payout') this.payout(step.arrives);
    else this.payoutArrives(step.pick);
  }

  /**
   * Σ net of the balance transactions no paid payout has carried: what the clearing account must
   * hold (Settle books a payout when it is paid, so money in transit is still in clearing).
   */
  unpaidBalance(): number {
    return this.bookable().filter((m) => !this.paidOutBy.has(m.id)).reduce((sum, m) => sum + m.net.amount, 0);
  }

  /**
   * The balance transactions the ledger must hold once every event is in: all of them but the own
   * transaction of a payout still in transit (Settle books a payout when the bank has it).
   */
  bookable(): BalanceMovement[] {
    const inTransit = new Set([...this.payouts.values()].filter((p) => p.status !== 'paid').map((p) => p.ownTxn));
    return [...this.movements.values()].filter((m) => !inTransit.has(m.id));
  }

  paymentForOrder(orderId: string): ModelPayment | undefined {
    return [...this.payments.values()].find((p) => p.orderId === orderId);
  }

  /** What is left to refund or dispute: the charge less every refund that has not failed. */
  refundable(p: ModelPayment): number {
    return p.amount - [...this.refunds.values()].filter((r) => r.paymentRef === p.ref && r.status !== 'failed').reduce((s, r) => s + r.amount, 0);
  }

  private sale(items: number, shipping: number, tax: number, outside: boolean, declinedFirst: boolean) {
    const n = ++this.seq;
    const amount = items + shipping + tax;
    // Without a store order there is no split: the whole amount is the sale's.
    if (outside) [items, shipping, tax] = [amount, 0, 0];
    const ref = `pi_${n}`;
    const chargeTxn = this.movement('charge', amount, stripeFee(amount), `ch_${n}`, ref, CHARGE_HOLD_DAYS);
    this.payments.set(ref, { ref, orderId: `order_${n}`, orderNumber: `${1000 + n}`, items, shipping, tax, amount, chargeTxn, dispute: null, outside });
    if (declinedFirst) this.emit('payment_intent.payment_failed', ref, 'payment_intent');
    this.emit('charge.succeeded', `ch_${n}`, 'charge'); // recorded and ignored by Settle
    this.emit('payment_intent.succeeded', ref, 'payment_intent');
  }

  private refundStep(pick: number, percent: number, pending: boolean) {
    // Stripe refuses to refund a disputed charge.
    const open = [...this.payments.values()].filter((p) => !p.dispute && this.refundable(p) > 0);
    const p = open[pick % Math.max(open.length, 1)];
    if (!p) return;
    this.createRefund(p.ref, Math.max(1, Math.floor((this.refundable(p) * percent) / 100)), null, pending ? 'pending' : 'succeeded');
  }

  /** A refund, as the dashboard or the API makes it: its balance transaction exists from the start. */
  createRefund(paymentRef: string, amount: number, settleRefundId: string | null, status: 'pending' | 'succeeded'): ModelRefund {
    const id = `re_${++this.seq}`;
    const txn = this.movement('refund', -amount, 0, id, paymentRef, 0);
    const refund: ModelRefund = { id, paymentRef, amount, status, settleRefundId, txn, failureTxn: null };
    this.refunds.set(id, refund);
    this.emit('refund.created', id, 'refund');
    return refund;
  }

  private refundOutcome(pick: number, fails: boolean) {
    const live = [...this.refunds.values()].filter((r) => r.status !== 'failed');
    const r = live[pick % Math.max(live.length, 1)];
    if (!r || (!fails && r.status === 'succeeded')) return;
    if (fails) {
      // The card issuer refused: Stripe returns the money to the balance (refund_failure, +amount).
      r.status = 'failed';
      r.failureTxn = this.movement('refund_failure', r.amount, 0, r.id, r.paymentRef, 0);
      this.emit('refund.updated', r.id, 'refund');
      this.emit('refund.failed', r.id, 'refund');
    } else {
      r.status = 'succeeded';
      this.emit('refund.updated', r.id, 'refund');
    }
  }

  private openDispute(pick: number) {
    const open = [...this.payments.values()].filter((p) => !p.dispute && this.refundable(p) > 0);
    const p = open[pick % Math.max(open.length, 1)];
    if (!p) return;
    const id = `dp_${++this.seq}`;
    const amount = this.refundable(p);
    const txn = this.movement('dispute', -amount, DISPUTE_FEE, id, p.ref, 0);
    p.dispute = id;
    this.disputes.set(id, { id, paymentRef: p.ref, amount, status: 'needs_response', txns: [txn] });
    this.emit('charge.dispute.created', id, 'dispute');
    this.emit('charge.dispute.funds_withdrawn', id, 'dispute');
  }

  private closeDispute(pick: number, won: boolean) {
    const open = [...this.disputes.values()].filter((d) => d.status === 'needs_response');
    const d = open[pick % Math.max(open.length, 1)];
    if (!d) return;
    d.status = won ? 'won' : 'lost';
    if (won) {
      // Won: the funds and the dispute fee come back (fee −1500, so net = amount + 1500).
      d.txns.push(this.movement('dispute_reversal', d.amount, -DISPUTE_FEE, d.id, d.paymentRef, 0));
      this.emit('charge.dispute.funds_reinstated', d.id, 'dispute');
    }
    this.emit('charge.dispute.updated', d.id, 'dispute');
    this.emit('charge.dispute.closed', d.id, 'dispute');
  }

  /** The automatic daily payout: every available transaction not yet paid out, if they sum to more than zero. */
  private payout(arrives: boolean) {
    const now = this.at(0).getTime();
    const carried = [...this.movements.values()].filter((m) => !this.carried.has(m.id) && m.availableOn.getTime() <= now);
    const amount = carried.reduce((s, m) => s + m.net.amount, 0);
    if (amount <= 0) return; // Stripe pays out only a positive available balance
    const id = `po_${++this.seq}`;
    const ownTxn = this.movement('payout', -amount, 0, id, null, 0);
    const payout: ModelPayout = { id, amount, ownTxn, carried: carried.map((m) => m.id), status: 'in_transit' };
    this.payouts.set(id, payout);
    for (const txn of [...payout.carried, ownTxn]) this.carried.add(txn);
    this.emit('payout.created', id, 'payout');
    if (arrives) this.arrive(payout);
  }

  private payoutArrives(pick: number) {
    const inTransit = [...this.payouts.values()].filter((p) => p.status === 'in_transit');
    const p = inTransit[pick % Math.max(inTransit.length, 1)];
    if (p) this.arrive(p);
  }

  private arrive(payout: ModelPayout) {
    payout.status = 'paid';
    for (const txn of [...payout.carried, payout.ownTxn]) this.paidOutBy.set(txn, payout.id);
    this.emit('payout.updated', payout.id, 'payout');
    this.emit('payout.paid', payout.id, 'payout');
  }

  private movement(category: string, amount: number, fee: number, sourceId: string, paymentRef: string | null, holdDays: number): string {
    const id = `txn_${++this.seq}`;
    this.movements.set(id, {
      id, category, amount: usd(amount), fee: usd(fee), net: usd(amount - fee),
      feeDetails: fee === 0 ? [] : [{ type: 'stripe_fee', description: category.startsWith('dispute') ? 'Dispute fee' : 'Stripe processing fees', amount: usd(fee) }],
      exchangeRate: null, sourceId, paymentRef, occurredAt: this.at(0), availableOn: this.at(holdDays), description: null,
    });
    return id;
  }

  private emit(type: string, id: string, object: string) {
    this.events.push({ id: `evt_${this.events.length + 1}`, object: 'event', type, data: { object: { id, object } } });
  }

  private at(daysLater: number) {
    return new Date(EPOCH + (this.day + daysLater) * DAY_MS);
  }

  // The processor's answers, as copies: Settle must not be able to change the model's facts.

  movementFacts(id: string): BalanceMovement {
    const m = this.movements.get(id);
    if (!m) throw new Error(`no such balance transaction: ${id}`);
    return structuredClone(m);
  }

  refundFacts(id: string): RefundFacts {
    const r = this.refunds.get(id);
    if (!r) throw new Error(`no such refund: ${id}`);
    return {
      refundId: r.id, paymentRef: r.paymentRef, amount: usd(r.amount), status: r.status, failureReason: r.status === 'failed' ? 'expired_or_canceled_card' : null,
      settleRefundId: r.settleRefundId, reason: null, movementIds: [r.txn, ...(r.failureTxn ? [r.failureTxn] : [])],
    };
  }

  disputeFacts(id: string): DisputeFacts {
    const d = this.disputes.get(id);
    if (!d) throw new Error(`no such dispute: ${id}`);
    return {
      disputeId: d.id, paymentRef: d.paymentRef, amount: usd(d.amount), status: d.status, reason: 'fraudulent', evidenceDueBy: null,
      movements: d.txns.map((t) => this.movementFacts(t)),
    };
  }

  payoutFacts(id: string): PayoutFacts {
    const p = this.payouts.get(id);
    if (!p) throw new Error(`no such payout: ${id}`);
    const own = this.movementFacts(p.ownTxn);
    return { payoutId: p.id, amount: usd(p.amount), status: p.status, arrivedAt: own.occurredAt, failure: null, failureMovement: null, reconciliationStatus: 'completed', movements: [...p.carried, p.ownTxn].map((t) => this.movementFacts(t)) };
  }
}
