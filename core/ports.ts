import type { Books } from './books/books';
import type { JobQueue } from './jobs/queue';
import type { PaymentProcessor } from './payments/processor';
import type { Database } from './storage/database';
import type { Store } from './stores/store';

/** Finds each merchant's connected platforms; implemented in connectors/ from the stored connections. */
export interface PlatformDirectory {
  processorFor(merchantId: string): Promise<PaymentProcessor>;
  storeFor(merchantId: string, platform: Store['platform']): Promise<Store>;
  booksFor(merchantId: string): Promise<Books>;
}

/** Everything core's use cases need from the outside world. */
export interface Settle {
  db: Database;
  jobs: JobQueue;
  platforms: PlatformDirectory;
}
