// Creating a subscription when Stripe does not answer (outcome unknown), then asking again: the
// second request resumes the first with the same idempotency keys, so the customer is never
// subscribed twice. The processor here is a stand-in that records the keys it was sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/storage/database';
import type { Settle } from '../../core/ports';
import type { PaymentProcessor } from '../../core/payments/processor';
import { createMerchant } from '../../core/merchants/merchants';
import { RetryableError } from '../../core/errors';
import { createSubscription } from '../../core/subscriptions/subscriptions';
import { TEST_DATABASE_URL, freshSchemaName } from '../support/databases';
import { openDatabase } from '../../connectors/database/open';

describe('subscribing again after an unknown outcome', () => {
  let db: Database;
  let settle: Settle;
  let merchantId: string;
  const keys: string[] = [];
  let answers = 0;

  beforeAll(async () => {
    db = await openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: '', schema: freshSchemaName() });
    merchantId = (await createMerchant(db, 'Retry Roasters')).merchant.id;
    await db.query(`INSERT INTO customers (id, merchant_id, processor_ref) VALUES ('cus_1', $1, 'cus_stripe')`, [merchantId]);
    await db.query(`INSERT INTO saved_cards (id, merchant_id, customer_id, processor_ref, brand, last4, exp_month, exp_year)
                    VALUES ('card_1', $1, 'cus_1', 'pm_1', 'visa', '4242', 12, 2031)`, [merchantId]);
    const processor = {
      createSubscription: async (input: { idempotencyKey: string; settleSubscriptionId: string }) => {
        keys.push(input.idempotencyKey);
        // The first call times out after Stripe may have acted; the second is answered.
        if (answers++ === 0) throw new RetryableError('Stripe did not answer clearly: timeout');
        return { subscriptionRef: 'sub_stripe', settleSubscriptionId: input.settleSubscriptionId, status: 'active', currentPeriodEnd: new Date('2027-01-01') };
      },
    } as unknown as PaymentProcessor;
    settle = { db, jobs: undefined as never, platforms: { processorFor: async () => processor, storeFor: async () => { throw new Error('no store'); }, booksFor: async () => { throw new Error('no books'); },
      cardReadersFor: async () => { throw new Error('no card readers'); } } };
  });
  afterAll(() => db?.close());

  it('the retry sends the same key and leaves one subscription', async () => {
    const request = { cardId: 'card_1', amount: 2500, currency: 'USD', interval: 'month' as const, description: 'Coffee club' };
    await expect(createSubscription(settle, merchantId, 'cus_1', request)).rejects.toThrow(RetryableError);
    const subscription = await createSubscription(settle, merchantId, 'cus_1', request);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(subscription).toMatchObject({ status: 'active', processorRef: 'sub_stripe' });
    const rows = await db.query('SELECT id FROM subscriptions WHERE merchant_id = $1', [merchantId]);
    expect(rows).toEqual([{ id: subscription.id }]);
  });
});
