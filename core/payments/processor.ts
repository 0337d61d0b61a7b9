import type { Money } from '../money';

/** What the shopper's browser needs to confirm the payment with the processor directly. */
export interface ShopperSession {
  /** Where the browser sends card data (the processor's API, never Settle). */
  apiBase: string;
  publishableKey: string;
  clientSecret: string;
  processorRef: string;
}

/** A payment that has settled into the merchant's processor balance, in the settlement currency. */
export interface SettledCharge {
  processorRef: string;
  chargeId: string;
  balanceTransactionId: string;
  gross: Money;
  fee: Money;
  net: Money;
  /** Presentment amount, when the shopper paid in another currency than the merchant settles in. */
  presented: Money;
  settledAt: Date;
}

export interface PayoutFacts {
  payoutId: string;
  amount: Money;
  arrivedAt: Date;
  /** Balance transaction ids the payout carries; their sum is the payout. */
  balanceTransactionIds: string[];
}

/** An event from the processor, already verified and reduced to what core acts on. */
export type ProcessorEvent =
  | { kind: 'payment_succeeded'; processorRef: string }
  | { kind: 'payment_failed'; processorRef: string; message: string }
  | { kind: 'payout_paid'; payoutId: string }
  | { kind: 'ignored'; reason: string };

/** The payments port: one merchant's account at a payment processor (Stripe). */
export interface PaymentProcessor {
  /** Creates the payment; `idempotencyKey` derives from Settle's ids so a retry cannot charge twice. */
  createPayment(input: { amount: Money; description: string; metadata: Record<string, string>; idempotencyKey: string }): Promise<{ processorRef: string }>;
  shopperSession(processorRef: string): Promise<ShopperSession>;
  settledCharge(processorRef: string): Promise<SettledCharge>;
  payout(payoutId: string): Promise<PayoutFacts>;
  /** Reads a stored raw webhook payload as core's event. */
  readEvent(payload: unknown): ProcessorEvent;
}
