import type Stripe from 'stripe';
import type { CardSetupSession, OffSessionOutcome, PaymentProcessor, ShopperSession } from '../../core/payments/processor';
import { RetryableError, SettleError } from '../../core/errors';
import { notePlatformTrouble, troubleOf } from '../platform-trouble';
import { ProcessorAccessEndedError } from '../../core/payments/processor';
import type { ConnectionStatus } from '../../core/merchants/connections';
import { disputeEvidenceParams, disputeFactsFrom, failureMessageOf, stripeAmount, movementFrom, paymentFactsFrom, payoutFactsFrom, processorEventFrom, refundFactsFrom } from './mapping';
import { cardSetupFactsFrom, invoiceFactsFrom, subscriptionFactsFrom } from './billing-mapping';

/**
 * What may be shown of a merchant's Stripe connection. With API keys: the webhook endpoint Settle
 * registered on their account. Through Connect (OAuth): the connected account, reached with the
 * platform's key and `Stripe-Account`, and whether access still holds.
 */
export type StripeSettings =
  | { mode?: 'keys'; publishableKey: string; webhookEndpointId: string }
  | {
      mode: 'connect';
      /** The connected Stripe account (acct_…). */
      accountId: string;
      /** The connected account's own publishable key: the payment page sends card data straight to it. */
      publishableKey: string;
      scope: string;
      livemode: boolean;
      status: ConnectionStatus;
      connectedAt: string;
    };

/** Refusals once access has ended: stable codes the merchant's integration can act on. */
export function accessEnded(status: ConnectionStatus): ProcessorAccessEndedError | undefined {
  if (status === 'revoked') return new ProcessorAccessEndedError('stripe_access_revoked', 'Settle no longer has access to your Stripe account (it was removed in Stripe). Connect Stripe again in Settle to take payments.');
  if (status === 'disconnected') return new ProcessorAccessEndedError('stripe_disconnected', 'Stripe is disconnected from Settle. Connect Stripe again in Settle to take payments.');
  return undefined;
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
    const amount = stripeAmount(input.amount);
    const intent = await this.call(() =>
      this.stripe.paymentIntents.create(
        {
          amount,
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
    const intent = await this.call(() => this.stripe.paymentIntents.retrieve(processorRef));
    if (!intent.client_secret) throw new Error(`payment ${processorRef} has no client secret`);
    return { apiBase: this.apiBase, publishableKey: this.settings.publishableKey, clientSecret: intent.client_secret, processorRef };
  }

  async paymentFacts(processorRef: string) {
    return paymentFactsFrom(await this.call(() => this.stripe.paymentIntents.retrieve(processorRef, { expand: SALE })));
  }

  async capture(input: Parameters<PaymentProcessor['capture']>[0]) {
    const amount = stripeAmount(input.amount);
    const intent = await this.call(() =>
      this.stripe.paymentIntents.capture(input.processorRef, { amount_to_capture: amount, expand: SALE }, { idempotencyKey: input.idempotencyKey }),
    );
    return paymentFactsFrom(intent);
  }

  async cancel(input: Parameters<PaymentProcessor['cancel']>[0]) {
    return paymentFactsFrom(await this.call(() => this.stripe.paymentIntents.cancel(input.processorRef, {}, { idempotencyKey: input.idempotencyKey })));
  }

  assertChargeable(amount: Parameters<PaymentProcessor['assertChargeable']>[0]) {
    stripeAmount(amount);
  }

  async movement(movementId: string) {
    return movementFrom(await this.call(() => this.stripe.balanceTransactions.retrieve(movementId, { expand: ['source'] })));
  }

  async refund(input: Parameters<PaymentProcessor['refund']>[0]) {
    const reason = input.reason && STRIPE_REFUND_REASONS.has(input.reason) ? (input.reason as Stripe.RefundCreateParams.Reason) : undefined;
    const amount = stripeAmount(input.amount);
    const refund = await this.call(() =>
      this.stripe.refunds.create(
        {
          payment_intent: input.processorRef,
          amount,
          ...(reason ? { reason } : {}),
          metadata: { settle_refund: input.settleRefundId, ...(input.reason && !reason ? { settle_reason: input.reason.slice(0, 500) } : {}) },
        },
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    return refundFactsFrom(refund);
  }

  async findPayment(input: Parameters<PaymentProcessor['findPayment']>[0]) {
    // A list, not Search: Search lags writes by up to a minute, and this re-read follows a write.
    const created = { gte: Math.floor(input.createdSince.getTime() / 1000) - 60 };
    const wanted = Object.entries(input.metadata);
    return this.call(async () => {
      for await (const intent of this.stripe.paymentIntents.list({ created, limit: 100 })) {
        if (wanted.every(([k, v]) => intent.metadata?.[k] === v)) return { processorRef: intent.id };
      }
      return null;
    });
  }

  async findRefund(input: Parameters<PaymentProcessor['findRefund']>[0]) {
    const found = await this.call(async () => {
      for await (const refund of this.stripe.refunds.list({ payment_intent: input.processorRef, limit: 100 })) {
        if (refund.metadata?.settle_refund === input.settleRefundId) return refund;
      }
      return null;
    });
    return found && refundFactsFrom(found);
  }

  async refundFacts(refundId: string) {
    return refundFactsFrom(await this.call(() => this.stripe.refunds.retrieve(refundId)));
  }

  async dispute(disputeId: string) {
    return disputeFactsFrom(await this.call(() => this.stripe.disputes.retrieve(disputeId)));
  }

  async submitDisputeEvidence(input: Parameters<PaymentProcessor['submitDisputeEvidence']>[0]) {
    const dispute = await this.call(() =>
      this.stripe.disputes.update(input.disputeId, { evidence: disputeEvidenceParams(input.evidence), submit: true }, { idempotencyKey: input.idempotencyKey }),
    );
    return disputeFactsFrom(dispute);
  }

  async payout(payoutId: string) {
    const payout = await this.call(() => this.stripe.payouts.retrieve(payoutId));
    // A payout can carry thousands of transactions: page through them all, 100 at a time.
    const transactions: Stripe.BalanceTransaction[] = [];
    await this.call(() =>
      this.stripe.balanceTransactions.list({ payout: payoutId, limit: 100, expand: ['data.source'] }).autoPagingEach((t) => void transactions.push(t)),
    );
    // A returned payout put its money back in the balance with one more transaction: read it too.
    const failure = typeof payout.failure_balance_transaction === 'string' ? await this.movement(payout.failure_balance_transaction) : null;
    return payoutFactsFrom(payout, transactions, failure);
  }

  /** Every Stripe call: refused at once when access has ended, and its failures sorted. */
  private call<T>(request: () => Promise<T>): Promise<T> {
    const ended = this.settings.mode === 'connect' ? accessEnded(this.settings.status) : undefined;
    if (ended) return Promise.reject(ended);
    return unknownOutcomeIsRetryable(request);
  }

  async createCustomer(input: Parameters<PaymentProcessor['createCustomer']>[0]) {
    const customer = await this.call(() =>
      this.stripe.customers.create(
        { ...(input.email ? { email: input.email } : {}), ...(input.name ? { name: input.name } : {}), metadata: { settle_customer: input.settleCustomerId } },
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    return { customerRef: customer.id };
  }

  async startCardSetup(input: Parameters<PaymentProcessor['startCardSetup']>[0]): Promise<CardSetupSession> {
    const setup = await this.call(() =>
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
    const setup = await this.call(() => this.stripe.setupIntents.retrieve(setupRef, { expand: ['payment_method'] }));
    return cardSetupFactsFrom(setup, failureMessageOf);
  }

  async createSavedCardPayment(input: Parameters<PaymentProcessor['createSavedCardPayment']>[0]) {
    const amount = stripeAmount(input.amount);
    const intent = await this.call(() =>
      this.stripe.paymentIntents.create(
        {
          amount, currency: input.amount.currency.toLowerCase(), customer: input.customerRef, payment_method: input.cardRef,
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
      const intent = await this.call(() =>
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
    const amount = stripeAmount(input.amount);
    const metadata = { settle_subscription: input.settleSubscriptionId };
    const price = await this.call(() =>
      this.stripe.prices.create(
        {
          currency: input.amount.currency.toLowerCase(), unit_amount: amount, recurring: { interval: input.interval },
          product_data: { name: input.description.slice(0, 250) }, metadata,
        },
        { idempotencyKey: `${key}-price` },
      ),
    );
    const subscription = await this.call(() =>
      this.stripe.subscriptions.create(
        { customer: input.customerRef, items: [{ price: price.id }], default_payment_method: input.cardRef, description: input.description, metadata },
        { idempotencyKey: `${key}-subscription` },
      ),
    );
    return subscriptionFactsFrom(subscription);
  }

  async cancelSubscription(input: Parameters<PaymentProcessor['cancelSubscription']>[0]) {
    return subscriptionFactsFrom(await this.call(() => this.stripe.subscriptions.cancel(input.subscriptionRef, {}, { idempotencyKey: input.idempotencyKey })));
  }

  async subscriptionFacts(subscriptionRef: string) {
    return subscriptionFactsFrom(await this.call(() => this.stripe.subscriptions.retrieve(subscriptionRef)));
  }

  async invoiceFacts(invoiceRef: string) {
    return invoiceFactsFrom(await this.call(() => this.stripe.invoices.retrieve(invoiceRef, { expand: ['payment_intent'] })), failureMessageOf);
  }

  readEvent(payload: unknown) {
    return processorEventFrom(payload as Stripe.Event);
  }

  async eventsSince(createdFrom: number) {
    // Stripe lists newest first; the sweep applies them oldest first, as they happened.
    const events: Stripe.Event[] = [];
    await this.call(() =>
      this.stripe.events.list({ created: { gte: createdFrom }, limit: 100 }).autoPagingEach((e) => void events.push(e)),
    );
    return events.reverse().map((e) => ({ id: e.id, type: e.type, created: e.created, payload: JSON.stringify(e) }));
  }

  async movementsSince(createdFrom: number) {
    // Expanded sources say which payment each belongs to, as `movement` reads one; newest first, so reversed.
    const transactions: Stripe.BalanceTransaction[] = [];
    await this.call(() =>
      this.stripe.balanceTransactions.list({ created: { gte: createdFrom }, limit: 100, expand: ['data.source'] }).autoPagingEach((t) => void transactions.push(t)),
    );
    return transactions.reverse().map((t) => movementFrom(t));
  }
}

/** How often a throttled call (429: refused before Stripe ran it, so safe to repeat) is tried again. */
const THROTTLE_RETRIES = 3;

/**
 * A 5xx, 429 or lost connection says nothing about what happened: retry the job, re-reading.
 * Stripe refusing the request (already refunded, disputed, too large) is a fact to show the merchant.
 * The SDK already retried 5xx and lost connections with the same idempotency key; it does not retry
 * 429, which Stripe refuses before running anything, so that is repeated here after a short back-off.
 */
export async function unknownOutcomeIsRetryable<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const e = error as { type?: string; statusCode?: number; message?: string; code?: string };
      const trouble = e.type === 'StripeRateLimitError' ? 'throttled' : troubleOf(e.statusCode);
      if (trouble) notePlatformTrouble('stripe', trouble);
      if (e.type === 'StripeRateLimitError' && attempt < THROTTLE_RETRIES) {
        await new Promise((r) => setTimeout(r, 250 * 2 ** attempt * (0.5 + Math.random())));
        continue;
      }
      if (e.type === 'StripeConnectionError' || e.type === 'StripeAPIError' || e.type === 'StripeRateLimitError' || (e.statusCode ?? 0) >= 500) {
        throw new RetryableError(`Stripe did not answer clearly: ${e.message ?? 'unknown error'}`);
      }
      // Stripe-Account refused: the account's owner removed Settle (its webhook may still be on its way).
      if (e.type === 'StripePermissionError' && e.code === 'account_invalid') throw accessEnded('revoked')!;
      if (e.type === 'StripeInvalidRequestError' && e.code && e.code !== 'parameter_unknown' && e.code !== 'parameter_missing') {
        throw new SettleError(`stripe_${e.code}`, `Stripe refused: ${e.message ?? e.code}`, 409);
      }
      throw error;
    }
  }
}
