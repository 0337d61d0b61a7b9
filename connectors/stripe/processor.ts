import type Stripe from 'stripe';
import type { CardSetupSession, OffSessionOutcome, PaymentProcessor, ShopperSession } from '../../core/payments/processor';
import { RetryableError, SettleError } from '../../core/errors';
import { disputeFactsFrom, failureMessageOf, movementFrom, paymentFactsFrom, payoutFactsFrom, processorEventFrom, refundFactsFrom } from './mapping';
import { cardSetupFactsFrom, invoiceFactsFrom, subscriptionFactsFrom } from './billing-mapping';

export interface StripeSettings {
  publishableKey: string;
  webhookEndpointId: string;
}

/** Read with the intent: the captured charge's balance transaction (the sale's fee and net). */
const SALE = ['latest_charge.balance_transaction'];

/** Stripe's own refund reasons; anything else the merchant wrote travels in metadata. */
const STRIPE_REFUND_REASONS = new Set(['duplicate', 'fraudulent', 'requested_by_customer']);

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
          // The payment page sends only cards, but follows a redirect for 3-D Secure (its return_url
          // brings the shopper back), which Stripe allows only when redirects are.
          automatic_payment_methods: { enabled: true, allow_redirects: 'always' },
          capture_method: input.captureMethod,
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

  async paymentFacts(processorRef: string) {
    return paymentFactsFrom(await unknownOutcomeIsRetryable(() => this.stripe.paymentIntents.retrieve(processorRef, { expand: SALE })));
  }

  async capture(input: Parameters<PaymentProcessor['capture']>[0]) {
    const intent = await unknownOutcomeIsRetryable(() =>
      this.stripe.paymentIntents.capture(input.processorRef, { amount_to_capture: input.amount.amount, expand: SALE }, { idempotencyKey: input.idempotencyKey }),
    );
    return paymentFactsFrom(intent);
  }

  async cancel(input: Parameters<PaymentProcessor['cancel']>[0]) {
    return paymentFactsFrom(await unknownOutcomeIsRetryable(() => this.stripe.paymentIntents.cancel(input.processorRef, {}, { idempotencyKey: input.idempotencyKey })));
  }

  async movement(movementId: string) {
    return movementFrom(await unknownOutcomeIsRetryable(() => this.stripe.balanceTransactions.retrieve(movementId, { expand: ['source'] })));
  }

  async refund(input: Parameters<PaymentProcessor['refund']>[0]) {
    const reason = input.reason && STRIPE_REFUND_REASONS.has(input.reason) ? (input.reason as Stripe.RefundCreateParams.Reason) : undefined;
    const refund = await unknownOutcomeIsRetryable(() =>
      this.stripe.refunds.create(
        {
          payment_intent: input.processorRef,
          amount: input.amount.amount,
          ...(reason ? { reason } : {}),
          metadata: { settle_refund: input.settleRefundId, ...(input.reason && !reason ? { settle_reason: input.reason.slice(0, 500) } : {}) },
        },
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    return refundFactsFrom(refund);
  }

  async refundFacts(refundId: string) {
    return refundFactsFrom(await unknownOutcomeIsRetryable(() => this.stripe.refunds.retrieve(refundId)));
  }

  async dispute(disputeId: string) {
    return disputeFactsFrom(await unknownOutcomeIsRetryable(() => this.stripe.disputes.retrieve(disputeId)));
  }

  async payout(payoutId: string) {
    const payout = await unknownOutcomeIsRetryable(() => this.stripe.payouts.retrieve(payoutId));
    // A payout can carry thousands of transactions: page through them all, 100 at a time.
    const transactions: Stripe.BalanceTransaction[] = [];
    await unknownOutcomeIsRetryable(() =>
      this.stripe.balanceTransactions.list({ payout: payoutId, limit: 100, expand: ['data.source'] }).autoPagingEach((t) => void transactions.push(t)),
    );
    return payoutFactsFrom(payout, transactions);
  }

  async createCustomer(input: Parameters<PaymentProcessor['createCustomer']>[0]) {
    const customer = await unknownOutcomeIsRetryable(() =>
      this.stripe.customers.create(
        { ...(input.email ? { email: input.email } : {}), ...(input.name ? { name: input.name } : {}), metadata: { settle_customer: input.settleCustomerId } },
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    return { customerRef: customer.id };
  }

  async startCardSetup(input: Parameters<PaymentProcessor['startCardSetup']>[0]): Promise<CardSetupSession> {
    const setup = await unknownOutcomeIsRetryable(() =>
      this.stripe.setupIntents.create(
        // Saved for charges made without the customer present (off-session orders, subscriptions).
        { customer: input.customerRef, usage: 'off_session', payment_method_types: ['card'], metadata: { settle_card_setup: input.settleSetupId } } as Stripe.SetupIntentCreateParams,
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    if (!setup.client_secret) throw new Error(`card setup ${setup.id} has no client secret`);
    return { setupRef: setup.id, apiBase: this.apiBase, publishableKey: this.settings.publishableKey, clientSecret: setup.client_secret };
  }

  async cardSetupFacts(setupRef: string) {
    const setup = await unknownOutcomeIsRetryable(() => this.stripe.setupIntents.retrieve(setupRef, { expand: ['payment_method'] }));
    return cardSetupFactsFrom(setup, failureMessageOf);
  }

  async createSavedCardPayment(input: Parameters<PaymentProcessor['createSavedCardPayment']>[0]) {
    const intent = await unknownOutcomeIsRetryable(() =>
      this.stripe.paymentIntents.create(
        {
          amount: input.amount.amount, currency: input.amount.currency.toLowerCase(), customer: input.customerRef, payment_method: input.cardRef,
          // Cards only: the customer may be sent the payment page to authenticate it.
          allowed_payment_method_types: ['card'], description: input.description, metadata: input.metadata,
        } as Stripe.PaymentIntentCreateParams,
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    return { processorRef: intent.id };
  }

  async chargeOffSession(input: Parameters<PaymentProcessor['chargeOffSession']>[0]): Promise<OffSessionOutcome> {
    try {
      const intent = await unknownOutcomeIsRetryable(() =>
        this.stripe.paymentIntents.confirm(input.processorRef, { payment_method: input.cardRef, off_session: true }, { idempotencyKey: input.idempotencyKey }),
      );
      return { status: intent.status === 'succeeded' ? 'succeeded' : 'processing', failureMessage: null };
    } catch (error) {
      // A decline is an answer, not a failure to answer: the bank said no, or wants the customer.
      const e = error as { type?: string; code?: string; message?: string };
      if (e.type !== 'StripeCardError') throw error;
      return {
        status: e.code === 'authentication_required' ? 'requires_authentication' : 'failed',
        failureMessage: failureMessageOf({ code: e.code, message: e.message }),
      };
    }
  }

  async createSubscription(input: Parameters<PaymentProcessor['createSubscription']>[0]) {
    const key = input.idempotencyKey;
    const metadata = { settle_subscription: input.settleSubscriptionId };
    const price = await unknownOutcomeIsRetryable(() =>
      this.stripe.prices.create(
        {
          currency: input.amount.currency.toLowerCase(), unit_amount: input.amount.amount, recurring: { interval: input.interval },
          product_data: { name: input.description.slice(0, 250) }, metadata,
        },
        { idempotencyKey: `${key}-price` },
      ),
    );
    const subscription = await unknownOutcomeIsRetryable(() =>
      this.stripe.subscriptions.create(
        { customer: input.customerRef, items: [{ price: price.id }], default_payment_method: input.cardRef, description: input.description, metadata },
        { idempotencyKey: `${key}-subscription` },
      ),
    );
    return subscriptionFactsFrom(subscription);
  }

  async cancelSubscription(input: Parameters<PaymentProcessor['cancelSubscription']>[0]) {
    return subscriptionFactsFrom(await unknownOutcomeIsRetryable(() => this.stripe.subscriptions.cancel(input.subscriptionRef, {}, { idempotencyKey: input.idempotencyKey })));
  }

  async subscriptionFacts(subscriptionRef: string) {
    return subscriptionFactsFrom(await unknownOutcomeIsRetryable(() => this.stripe.subscriptions.retrieve(subscriptionRef)));
  }

  async invoiceFacts(invoiceRef: string) {
    return invoiceFactsFrom(await unknownOutcomeIsRetryable(() => this.stripe.invoices.retrieve(invoiceRef, { expand: ['payment_intent'] })), failureMessageOf);
  }

  readEvent(payload: unknown) {
    return processorEventFrom(payload as Stripe.Event);
  }
}

/**
 * A 5xx, 429 or lost connection says nothing about what happened: retry the job, re-reading.
 * Stripe refusing the request (already refunded, disputed, too large) is a fact to show the merchant.
 */
async function unknownOutcomeIsRetryable<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const e = error as { type?: string; statusCode?: number; message?: string; code?: string };
    if (e.type === 'StripeConnectionError' || e.type === 'StripeAPIError' || e.type === 'StripeRateLimitError' || (e.statusCode ?? 0) >= 500) {
      throw new RetryableError(`Stripe did not answer clearly: ${e.message ?? 'unknown error'}`);
    }
    if (e.type === 'StripeInvalidRequestError' && e.code && e.code !== 'parameter_unknown' && e.code !== 'parameter_missing') {
      throw new SettleError(`stripe_${e.code}`, `Stripe refused: ${e.message ?? e.code}`, 409);
    }
    throw error;
  }
}
