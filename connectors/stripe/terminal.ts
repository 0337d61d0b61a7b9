import type Stripe from 'stripe';
import type { CardReaders, ReaderFacts } from '../../core/payments/card-readers';
import { SettleError } from '../../core/errors';
import { unknownOutcomeIsRetryable } from './processor';

/** Stripe's reader as core's ReaderFacts. */
export function readerFactsFrom(reader: Stripe.Terminal.Reader): ReaderFacts {
  const action = reader.action;
  return {
    readerId: reader.id,
    label: reader.label,
    locationId: typeof reader.location === 'string' ? reader.location : (reader.location?.id ?? ''),
    status: reader.status === 'online' ? 'online' : 'offline',
    action: action && {
      status: action.status as 'in_progress' | 'succeeded' | 'failed',
      processorRef: action.process_payment_intent
        ? (typeof action.process_payment_intent.payment_intent === 'string' ? action.process_payment_intent.payment_intent : action.process_payment_intent.payment_intent.id)
        : null,
      failureCode: action.failure_code ?? null,
      failureMessage: action.failure_message ?? null,
    },
  };
}

/** One merchant's Stripe Terminal readers as core's CardReaders. */
export class StripeCardReaders implements CardReaders {
  constructor(private readonly stripe: Stripe) {}

  async registerReader(input: Parameters<CardReaders['registerReader']>[0]) {
    const a = input.address;
    const location = await unknownOutcomeIsRetryable(() => this.stripe.terminal.locations.create(
      { display_name: a.displayName, address: { line1: a.line1, city: a.city, postal_code: a.postalCode, country: a.country, ...(a.state ? { state: a.state } : {}) } },
      { idempotencyKey: `${input.idempotencyKey}-location` },
    ));
    const reader = await asMerchantError(() => this.stripe.terminal.readers.create(
      { registration_code: input.registrationCode, label: input.label, location: location.id },
      { idempotencyKey: input.idempotencyKey },
    ));
    return readerFactsFrom(reader);
  }

  async reader(readerId: string) {
    const reader = await unknownOutcomeIsRetryable(() => this.stripe.terminal.readers.retrieve(readerId));
    if ('deleted' in reader && reader.deleted) throw new SettleError('reader_deleted', `The card reader ${readerId} was removed in Stripe.`, 409);
    return readerFactsFrom(reader as Stripe.Terminal.Reader);
  }

  async createInPersonPayment(input: Parameters<CardReaders['createInPersonPayment']>[0]) {
    const intent = await unknownOutcomeIsRetryable(() => this.stripe.paymentIntents.create(
      {
        amount: input.amount.amount,
        currency: input.amount.currency.toLowerCase(),
        // Only a reader can collect it: a card tapped or inserted at the counter.
        allowed_payment_method_types: ['card_present'],
        capture_method: 'automatic',
        description: input.description,
        metadata: input.metadata,
      } as Stripe.PaymentIntentCreateParams,
      { idempotencyKey: input.idempotencyKey },
    ));
    return { processorRef: intent.id };
  }

  async collectOnReader(input: Parameters<CardReaders['collectOnReader']>[0]) {
    const reader = await asMerchantError(() =>
      this.stripe.terminal.readers.processPaymentIntent(input.readerId, { payment_intent: input.processorRef }));
    return readerFactsFrom(reader);
  }

  async cancelReaderAction(input: Parameters<CardReaders['cancelReaderAction']>[0]) {
    const reader = await asMerchantError(() => this.stripe.terminal.readers.cancelAction(input.readerId));
    return readerFactsFrom(reader as Stripe.Terminal.Reader);
  }
}

/** Stripe's refusals about readers, in the merchant's words. */
async function asMerchantError<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await unknownOutcomeIsRetryable(call);
  } catch (error) {
    const e = error as { code?: string; message?: string; param?: string; type?: string };
    if (e.code === 'stripe_terminal_reader_busy')
      throw new SettleError('reader_busy', 'The card reader is busy with another sale. Finish or cancel that sale first.', 409);
    if (e.code === 'stripe_terminal_reader_offline')
      throw new SettleError('reader_offline', 'The card reader is offline. Check that it is switched on and connected to the network.', 409);
    if (e.type === 'StripeInvalidRequestError' && e.param === 'registration_code')
      throw new SettleError('invalid_registration_code', 'The reader did not accept this registration code. Enter the code the reader shows (in test mode: simulated-wpe).', 400);
    throw error;
  }
}
