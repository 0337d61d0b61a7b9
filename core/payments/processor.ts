import type { Money } from '../money';
import { SettleError } from '../errors';

/** What the shopper's browser needs to confirm the payment with the processor directly. */
export interface ShopperSession {
  /** Where the browser sends card data (the processor's API, never Settle). */
  apiBase: string;
  publishableKey: string;
  clientSecret: string;
  processorRef: string;
}

/**
 * Why money moved in the merchant's processor balance, in Stripe's reporting categories
 * (charge, refund, refund_failure, dispute, dispute_reversal, payout, payout_reversal, fee,
 * adjustment, …). Kept as Stripe's word: the ledger maps the ones it knows and books the rest
 * as adjustments, so a new category is never lost.
 */
export type MovementCategory = string;

/**
 * One balance transaction: a fact about the merchant's processor balance, in the settlement
 * currency. `amount - fee = net`; `net` is what the balance (the clearing account) changed by.
 */
export interface BalanceMovement {
  id: string;
  category: MovementCategory;
  amount: Money;
  fee: Money;
  net: Money;
  feeDetails: { type: string; description: string | null; amount: Money }[];
  /** Settlement per presentment unit, as the processor reports it (a decimal string), when converted. */
  exchangeRate: string | null;
  /** The charge, refund, dispute or payout that caused it. */
  sourceId: string | null;
  /** The payment (processor reference) it belongs to, when it belongs to one. */
  paymentRef: string | null;
  occurredAt: Date;
  availableOn: Date;
  description: string | null;
}

export interface RefundFacts {
  refundId: string;
  paymentRef: string;
  amount: Money;
  status: 'pending' | 'succeeded' | 'failed' | 'canceled' | 'requires_action';
  failureReason: string | null;
  /** Settle's own refund id when Settle asked for it; absent for refunds made in the processor's dashboard. */
  settleRefundId: string | null;
  reason: string | null;
  movementIds: string[];
}

/**
 * What a merchant tells the shopper's bank to contest a dispute, in plain text. `explanation` is the
 * merchant's own account of the sale; the rest are the facts banks look for first.
 */
export interface DisputeEvidence {
  customerName?: string;
  customerEmailAddress?: string;
  productDescription?: string;
  shippingCarrier?: string;
  shippingTrackingNumber?: string;
  shippingDate?: string;
  explanation?: string;
}

export interface DisputeFacts {
  disputeId: string;
  paymentRef: string;
  amount: Money;
  status: string;
  reason: string;
  evidenceDueBy: Date | null;
  movements: BalanceMovement[];
}

export interface PayoutFacts {
  payoutId: string;
  amount: Money;
  status: string;
  arrivedAt: Date;
  /** Why the bank returned it (failed payouts only), as the processor words it. */
  failure: { code: string | null; message: string | null } | null;
  /** The movement that put a failed payout's money back in the balance, once there is one. */
  failureMovement: BalanceMovement | null;
  /** `completed` once the processor has matched every transaction the payout carries. */
  reconciliationStatus: string | null;
  /** Every balance transaction the payout carries, and its own (category payout): they sum to zero. */
  movements: BalanceMovement[];
}

/**
 * A payment as the processor holds it now. `authorized`: the card holds `capturable` until it is
 * captured; `canceled`: released or expired, nothing taken (`expired` says which).
 */
export interface PaymentFacts {
  processorRef: string;
  status: 'awaiting_payment' | 'processing' | 'authorized' | 'succeeded' | 'canceled';
  capturable: Money;
  /** What was taken from the card (presentment currency). */
  received: Money;
  expired: boolean;
  failureMessage: string | null;
  /** The processor's code for the last declined attempt (Stripe's decline_code, else its error code), when there was one. */
  declineCode?: string | null;
  /** How the shopper paid (card, sepa_debit, card_present, …), when the processor says. */
  methodType: string | null;
  /** The sale's balance transaction, once money was taken (at capture, for a manual capture). */
  sale: BalanceMovement | null;
  /** The subscription invoice this payment pays, when it pays one. */
  invoiceRef?: string | null;
}

/** A customer's card as the processor keeps it: only what a merchant recognises it by. */
export interface SavedCardFacts {
  cardRef: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

/** Saving a card (a SetupIntent): `card` once the processor has saved it on the customer. */
export interface CardSetupFacts {
  setupRef: string;
  customerRef: string | null;
  status: 'awaiting_card' | 'requires_authentication' | 'succeeded' | 'failed' | 'canceled';
  card: SavedCardFacts | null;
  failureMessage: string | null;
}

/** What the shopper's browser needs to save a card with the processor directly. */
export interface CardSetupSession {
  setupRef: string;
  apiBase: string;
  publishableKey: string;
  clientSecret: string;
}

/** An off-session charge's outcome; `requires_authentication`: the bank wants the customer present. */
export interface OffSessionOutcome {
  status: 'succeeded' | 'processing' | 'requires_authentication' | 'failed';
  failureMessage: string | null;
}

/** A subscription as the processor holds it. */
export interface SubscriptionFacts {
  subscriptionRef: string;
  /** Settle's subscription id, when Settle created it. */
  settleSubscriptionId: string | null;
  status: string;
  currentPeriodEnd: Date | null;
}

/** One invoice of a subscription: paid by the payment `paymentRef` (or its decline, `failureMessage`). */
export interface InvoiceFacts {
  invoiceRef: string;
  number: string | null;
  subscriptionRef: string | null;
  settleSubscriptionId: string | null;
  customerRef: string;
  amount: Money;
  status: 'draft' | 'open' | 'paid' | 'void' | 'uncollectible';
  paymentRef: string | null;
  failureMessage: string | null;
}

/** An event from the processor, already verified and reduced to what core acts on. */
export type ProcessorEvent =
  | { kind: 'payment_succeeded'; processorRef: string }
  /** Authorized, canceled or expired: the facts are re-read (paymentFacts) to learn which. */
  | { kind: 'payment_changed'; processorRef: string }
  | { kind: 'payment_failed'; processorRef: string; message: string }
  | { kind: 'refund_changed'; refundId: string }
  | { kind: 'dispute_changed'; disputeId: string }
  | { kind: 'payout_changed'; payoutId: string }
  | { kind: 'card_setup_changed'; setupRef: string }
  /** Paid or failed: the invoice is re-read. */
  | { kind: 'invoice_changed'; invoiceRef: string }
  | { kind: 'subscription_changed'; subscriptionRef: string }
  /** The account's owner took away Settle's access (Stripe Connect deauthorization). */
  | { kind: 'access_revoked'; accountId: string | null }
  | { kind: 'ignored'; reason: string };

/** The payments port: one merchant's account at a payment processor (Stripe). */
export interface PaymentProcessor {
  /**
   * Creates the payment; `idempotencyKey` derives from Settle's ids so a retry cannot charge twice.
   * With `captureMethod: 'manual'` the shopper's card is only authorized until `capture`.
   */
  createPayment(input: {
    amount: Money; description: string; metadata: Record<string, string>; idempotencyKey: string; captureMethod: 'automatic' | 'manual';
  }): Promise<{ processorRef: string }>;
  shopperSession(processorRef: string): Promise<ShopperSession>;
  paymentFacts(processorRef: string): Promise<PaymentFacts>;
  /** Takes `amount` (at most what is authorized; the rest is released). The key derives from Settle's payment id and the amount. */
  capture(input: { processorRef: string; amount: Money; idempotencyKey: string }): Promise<PaymentFacts>;
  /** Releases an authorization (or a payment not yet made); nothing is taken from the card. */
  cancel(input: { processorRef: string; idempotencyKey: string }): Promise<PaymentFacts>;
  movement(movementId: string): Promise<BalanceMovement>;
  /**
   * Throws a SettleError when the processor would refuse to move this amount at all (Stripe takes
   * three-decimal currencies only in steps of ten), so a request can be refused before it is recorded.
   */
  assertChargeable(amount: Money): void;
  /** Refunds the payment; the key derives from Settle's refund id, so a retry refunds once. */
  refund(input: { processorRef: string; amount: Money; settleRefundId: string; reason: string | null; idempotencyKey: string }): Promise<RefundFacts>;
  refundFacts(refundId: string): Promise<RefundFacts>;
  /**
   * Re-reads, without the key, whether a refund Settle asked for exists (its id travels in the
   * refund's metadata): how an answer lost to a 5xx or a timeout is settled.
   */
  findRefund(input: { processorRef: string; settleRefundId: string }): Promise<RefundFacts | null>;
  /** Re-reads whether a payment with all of `metadata` was created since then (a lost create's answer). */
  findPayment(input: { metadata: Record<string, string>; createdSince: Date }): Promise<{ processorRef: string } | null>;
  dispute(disputeId: string): Promise<DisputeFacts>;
  /** Sends the evidence and submits it for the bank's review; the key derives from the dispute and the evidence. */
  submitDisputeEvidence(input: { disputeId: string; evidence: DisputeEvidence; idempotencyKey: string }): Promise<DisputeFacts>;
  payout(payoutId: string): Promise<PayoutFacts>;
  /** A customer at the processor; the key derives from Settle's customer id. */
  createCustomer(input: { email: string | null; name: string | null; settleCustomerId: string; idempotencyKey: string }): Promise<{ customerRef: string }>;
  /** Starts saving a card for off-session use; the shopper confirms it in their browser. */
  startCardSetup(input: { customerRef: string; settleSetupId: string; idempotencyKey: string }): Promise<CardSetupSession>;
  cardSetupFacts(setupRef: string): Promise<CardSetupFacts>;
  /**
   * A payment of a customer's saved card, created but not yet charged (so Settle records it before
   * any money moves and any webhook can arrive); `chargeOffSession` then charges it.
   */
  createSavedCardPayment(input: {
    amount: Money; description: string; metadata: Record<string, string>; customerRef: string; cardRef: string; idempotencyKey: string;
  }): Promise<{ processorRef: string }>;
  /** Charges it with nobody present; a bank asking for 3-D Secure is `requires_authentication`, not an error. */
  chargeOffSession(input: { processorRef: string; cardRef: string; idempotencyKey: string }): Promise<OffSessionOutcome>;
  /** A subscription charging `amount` every `interval` to the saved card; the keys derive from Settle's id. */
  createSubscription(input: {
    customerRef: string; cardRef: string; amount: Money; interval: 'day' | 'week' | 'month' | 'year'; description: string;
    settleSubscriptionId: string; idempotencyKey: string;
  }): Promise<SubscriptionFacts>;
  cancelSubscription(input: { subscriptionRef: string; idempotencyKey: string }): Promise<SubscriptionFacts>;
  subscriptionFacts(subscriptionRef: string): Promise<SubscriptionFacts>;
  invoiceFacts(invoiceRef: string): Promise<InvoiceFacts>;
  /** Reads a stored raw webhook payload as core's event. */
  readEvent(payload: unknown): ProcessorEvent;
  /**
   * Every event the processor created at or after `createdFrom` (Unix seconds), oldest first, as
   * its webhook would have carried it (`payload`: the event's JSON, as readEvent takes it). The
   * sweep feeds them to the inbox, which keeps one per event id: a webhook that never arrived is
   * recovered, one that did is not doubled.
   */
  eventsSince?(createdFrom: number): Promise<PastEvent[]>;
  /**
   * Every balance movement the processor created at or after `createdFrom` (Unix seconds), oldest
   * first, read as `movement` reads one. The sweep records those the ledger lacks: money that moved
   * with no event Settle heard of (an adjustment, a fee, a sale whose events were all lost).
   */
  movementsSince?(createdFrom: number): Promise<BalanceMovement[]>;
}

/** An event read back from the processor's event list. */
export interface PastEvent {
  id: string;
  type: string;
  /** Unix seconds. */
  created: number;
  payload: string;
}

/**
 * The merchant's processor account no longer lets Settle in (access revoked, or disconnected from
 * Settle). Not retryable: nothing changes until the merchant connects again.
 */
export class ProcessorAccessEndedError extends SettleError {
  constructor(code: string, message: string) {
    super(code, message, 409);
    this.name = 'ProcessorAccessEndedError';
  }
}
