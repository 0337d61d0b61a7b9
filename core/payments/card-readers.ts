import type { Money } from '../money';

/** What a card reader is doing now, as the processor reports it. */
export interface ReaderAction {
  status: 'in_progress' | 'succeeded' | 'failed';
  /** The payment it is collecting (processor reference), when it collects one. */
  processorRef: string | null;
  failureCode: string | null;
  failureMessage: string | null;
}

/** A card reader at the merchant's counter (Stripe Terminal). */
export interface ReaderFacts {
  readerId: string;
  label: string;
  locationId: string;
  /** `offline`: the reader cannot take payments until it is back on the network. */
  status: 'online' | 'offline';
  action: ReaderAction | null;
}

/** Where the readers stand: the shop's address, as the processor needs it. */
export interface ShopAddress {
  displayName: string;
  line1: string;
  city: string;
  postalCode: string;
  /** ISO 3166-1 alpha-2 */
  country: string;
  state?: string;
}

/**
 * The in-person payments port: one merchant's card readers at a payment processor. Registering and
 * creating the payment carry keys derived from Settle's own ids, so a retry does them once.
 * Sending a payment to the reader (or stopping it) is deliberately a new request each time: after
 * a declined card the same payment must reach the reader again, and a reader action cannot take
 * money twice (the payment succeeds once at most; a second send while one waits is refused as busy).
 */
export interface CardReaders {
  /** Registers a reader by the code it shows, at a location made for the shop's address. */
  registerReader(input: { registrationCode: string; label: string; address: ShopAddress; idempotencyKey: string }): Promise<ReaderFacts>;
  reader(readerId: string): Promise<ReaderFacts>;
  /** A payment that only a reader can collect (a card tapped or inserted), captured at once. */
  createInPersonPayment(input: { amount: Money; description: string; metadata: Record<string, string>; idempotencyKey: string }): Promise<{ processorRef: string }>;
  /** Sends the payment to the reader, which then waits for the shopper's card. */
  collectOnReader(input: { readerId: string; processorRef: string }): Promise<ReaderFacts>;
  /** Stops the reader waiting for a card; the payment stays open to collect again. */
  cancelReaderAction(input: { readerId: string }): Promise<ReaderFacts>;
}
