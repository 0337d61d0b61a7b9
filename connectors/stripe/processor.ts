import type Stripe from 'stripe';
import type { PaymentProcessor, ShopperSession } from '../../core/payments/processor';
import { RetryableError } from '../../core/errors';
import { payoutFactsFrom, processorEventFrom, settledChargeFrom } from './mapping';

export interface StripeSettings {
  publishableKey: string;
  webhookEndpointId: string;
}

/** One merchant's Stripe account as core's PaymentProcessor. */
export class StripeProcessor implements PaymentProcessor {
  constructor(
    private readonly stripe: Stripe,
    private readonly settings: StripeSettings,
    private readonly apiBase: string,
  ) {}

  async createPayment(input: Parameters<PaymentProcessor['createPayment']>[0]) {
    const intent = await unknownOutcomeIsRetryable(() =>
      this.stripe.paymentIntents.create(
        {
          amount: input.amount.amount,
          currency: input.amount.currency.toLowerCase(),
          // Cards and card wallets; no redirect-based methods, since the payment page confirms in place.
          automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
          description: input.description,
          metadata: input.metadata,
        },
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    return { processorRef: intent.id };
  }

  async shopperSession(processorRef: string): Promise<ShopperSession> {
    const intent = await unknownOutcomeIsRetryable(() => this.stripe.paymentIntents.retrieve(processorRef));
    if (!intent.client_secret) throw new Error(`payment ${processorRef} has no client secret`);
    return { apiBase: this.apiBase, publishableKey: this.settings.publishableKey, clientSecret: intent.client_secret, processorRef };
  }

  async settledCharge(processorRef: string) {
    const intent = await unknownOutcomeIsRetryable(() =>
      this.stripe.paymentIntents.retrieve(processorRef, { expand: ['latest_charge.balance_transaction'] }),
    );
    return settledChargeFrom(intent);
  }

  async payout(payoutId: string) {
    const payout = await unknownOutcomeIsRetryable(() => this.stripe.payouts.retrieve(payoutId));
    const transactions = await unknownOutcomeIsRetryable(() =>
      this.stripe.balanceTransactions.list({ payout: payoutId, limit: 100 }).autoPagingToArray({ limit: 10_000 }),
    );
    return payoutFactsFrom(payout, transactions);
  }

  readEvent(payload: unknown) {
    return processorEventFrom(payload as Stripe.Event);
  }
}

/** A 5xx, 429 or lost connection says nothing about what happened: retry the job, re-reading. */
async function unknownOutcomeIsRetryable<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const e = error as { type?: string; statusCode?: number; message?: string };
    if (e.type === 'StripeConnectionError' || e.type === 'StripeAPIError' || e.type === 'StripeRateLimitError' || (e.statusCode ?? 0) >= 500) {
      throw new RetryableError(`Stripe did not answer clearly: ${e.message ?? 'unknown error'}`);
    }
    throw error;
  }
}
