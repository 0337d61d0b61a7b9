import type { Books } from './books/books';
import type { JobQueue } from './jobs/queue';
import type { PaymentProcessor } from './payments/processor';
import type { CardReaders } from './payments/card-readers';
import type { Database } from './storage/database';
import type { Store } from './stores/store';

/** Finds each merchant's connected platforms; implemented in connectors/ from the stored connections. */
export interface PlatformDirectory {
  processorFor(merchantId: string): Promise<PaymentProcessor>;
  storeFor(merchantId: string, platform: Store['platform']): Promise<Store>;
  booksFor(merchantId: string): Promise<Books>;
  /** The merchant's card readers for counter sales (through their payment processor's account). */
  cardReadersFor(merchantId: string): Promise<CardReaders>;
}

/** Everything core's use cases need from the outside world. */
export interface Settle {
  db: Database;
  jobs: JobQueue;
  platforms: PlatformDirectory;
}
