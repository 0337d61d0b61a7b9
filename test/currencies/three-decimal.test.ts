/**
 * Three-decimal currencies (KWD): 1.234 KWD is 1234 fils everywhere in Settle — parsed from the
 * store's decimal, kept as minor units, shown as "KWD 1.234", read back from Stripe. Stripe charges
 * and refunds three-decimal amounts only in steps of ten: the Stripe sandbox refuses 1234 as Stripe
 * does, and Settle's Stripe connector refuses it before calling, in words the merchant can act on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromDecimal, toDecimal } from '../../core/money';
import { SettleError } from '../../core/errors';
import { formatMoney } from '../../web/server/format';
import { movementFrom, stripeAmount, stripeMoney } from '../../connectors/stripe/mapping';
import { StripeProcessor } from '../../connectors/stripe/processor';
import { stripeClient } from '../../connectors/stripe/client';
import { startStripeSandbox, type StripeSandbox } from '../sandbox/stripe';
import { payWithCard, sdk } from '../sandbox/stripe/test-helpers';

describe('KWD, three decimals', () => {
  let sandbox: StripeSandbox;
  let account: { id: string; secret_key: string; publishable_key: string };

  beforeAll(async () => {
    sandbox = await startStripeSandbox({ port: 0 });
    account = sandbox.createAccount({ country: 'US', default_currency: 'usd' });
  });
  afterAll(async () => sandbox?.close());

  it('1.234 KWD round-trips: store decimal → 1234 fils → "1.234" → "KWD 1.234" → Stripe minor units → 1234 fils', () => {
    const amount = fromDecimal('1.234', 'KWD');
    expect(amount).toEqual({ amount: 1234, currency: 'KWD' });
    expect(toDecimal(amount)).toBe('1.234');
    expect(formatMoney(amount).replace(/\u00a0/g, ' ')).toBe('KWD 1.234'); // Intl puts a no-break space after the code
    expect(stripeMoney(1234, 'kwd')).toEqual(amount);
    expect(toDecimal(fromDecimal('0.001', 'KWD'))).toBe('0.001');
    expect(() => fromDecimal('1.2345', 'KWD')).toThrow();
  });

  it('Stripe takes 1.230 KWD but refuses 1.234 KWD (last digit must be 0), for payments and refunds', async () => {
    const stripe = sdk(sandbox, account.secret_key);
    await expect(stripe.paymentIntents.create({ amount: 1234, currency: 'kwd' })).rejects.toMatchObject({ statusCode: 400, param: 'amount' });
    const { pi } = await payWithCard(sandbox, account, 12340, 'kwd', '4242424242424242');
    expect(pi).toMatchObject({ status: 'succeeded', amount: 12340, currency: 'kwd' });
    await expect(stripe.refunds.create({ payment_intent: pi.id, amount: 1234 })).rejects.toMatchObject({ statusCode: 400, param: 'amount' });
    const refund = await stripe.refunds.create({ payment_intent: pi.id, amount: 1230 });
    expect(refund).toMatchObject({ amount: 1230, currency: 'kwd', status: 'succeeded' });
  });

  it('a KWD sale to a USD account is converted at the kept rate: 12.340 KWD × 3.25 = $40.11, the fee on the dollars', async () => {
    const { pi, server } = await payWithCard(sandbox, account, 12340, 'kwd', '4242424242424242');
    const charge = await server.charges.retrieve(String(pi.latest_charge), { expand: ['balance_transaction'] });
    const sale = movementFrom(charge.balance_transaction as never, pi.id);
    // 40.105 rounds half up to 40.11; 2.9% + 1.0% conversion of 40.11 = 1.564… → 1.56, + 0.30.
    expect(sale).toMatchObject({ category: 'charge', amount: { amount: 4011, currency: 'USD' }, fee: { amount: 186, currency: 'USD' }, net: { amount: 3825, currency: 'USD' }, exchangeRate: '3.25' });
  });

  it('Settle’s connector refuses 1.234 KWD with a clear error before calling Stripe, and charges 1.230 KWD', async () => {
    expect(stripeAmount({ amount: 1230, currency: 'KWD' })).toBe(1230);
    const processor = new StripeProcessor(stripeClient(account.secret_key, sandbox.url), { publishableKey: account.publishable_key, webhookEndpointId: 'we_x' }, sandbox.url);
    const before = (await sdk(sandbox, account.secret_key).paymentIntents.list({ limit: 100 })).data.length;
    const refused = await processor
      .createPayment({ amount: { amount: 1234, currency: 'KWD' }, description: 'Order 7', metadata: {}, idempotencyKey: 'kwd-1234', captureMethod: 'automatic' })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SettleError);
    expect(refused).toMatchObject({ code: 'amount_not_chargeable', status: 422, message: expect.stringContaining('1.234 KWD cannot be charged') });
    expect((await sdk(sandbox, account.secret_key).paymentIntents.list({ limit: 100 })).data.length).toBe(before);
    const { processorRef } = await processor.createPayment({ amount: { amount: 1230, currency: 'KWD' }, description: 'Order 8', metadata: {}, idempotencyKey: 'kwd-1230', captureMethod: 'automatic' });
    expect(processorRef).toMatch(/^pi_/);
  });
});
