// Apple Pay and Google Pay as Stripe represents them: a card token from the wallet's servers
// (`tokenization_method`), a card PaymentMethod made from it with `card.wallet`, and the charge
// repeating the wallet in `payment_method_details.card.wallet`. A token works once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { startStripeSandbox, type StripeSandbox } from './index';
import { sdk } from './test-helpers';

let sandbox: StripeSandbox;
beforeAll(async () => {
  sandbox = await startStripeSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox?.close();
});

async function walletToken(body: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${sandbox.url}/_sandbox/wallet_tokens`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('card wallets', () => {
  it.each([
    ['google_pay', 'android_pay'],
    ['apple_pay', 'apple_pay'],
  ] as const)('%s: the PaymentMethod and the charge carry the wallet', async (wallet, tokenizationMethod) => {
    const keys = sandbox.createAccount();
    const token = await walletToken({ publishable_key: keys.publishable_key, wallet, card: 'pm_card_mastercard' });
    expect(token.status).toBe(200);
    expect(token.json).toMatchObject({ object: 'token', type: 'card', used: false, card: { tokenization_method: tokenizationMethod, last4: '4444', brand: 'MasterCard' } });

    const browser = sdk(sandbox, keys.publishable_key);
    const pm = await browser.paymentMethods.create({ type: 'card', card: { token: String(token.json.id) } });
    expect(pm.card?.wallet?.type).toBe(wallet);
    expect(pm.card?.wallet?.[wallet]).toEqual({});
    expect(pm.card?.wallet?.dynamic_last4).toMatch(/^\d{4}$/);
    expect(pm.card).toMatchObject({ brand: 'mastercard', last4: '4444' });

    const server = sdk(sandbox, keys.secret_key);
    const pi = await server.paymentIntents.create({ amount: 2500, currency: 'usd', automatic_payment_methods: { enabled: true } });
    const paid = await browser.paymentIntents.confirm(pi.id, { payment_method: pm.id, client_secret: pi.client_secret! } as Stripe.PaymentIntentConfirmParams);
    expect(paid.status).toBe('succeeded');
    const charge = (await server.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] })).latest_charge as Stripe.Charge;
    expect(charge.payment_method_details?.card?.wallet?.type).toBe(wallet);
    expect(charge.payment_method_details?.card?.wallet?.dynamic_last4).toBe(pm.card?.wallet?.dynamic_last4);
  });

  it('a plain card has no wallet', async () => {
    const keys = sandbox.createAccount();
    const pm = await sdk(sandbox, keys.publishable_key).paymentMethods.create({ type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' } });
    expect(pm.card?.wallet).toBeNull();
  });

  it('a wallet token is used once, and only on its own account', async () => {
    const keys = sandbox.createAccount();
    const other = sandbox.createAccount();
    const token = String((await walletToken({ publishable_key: keys.publishable_key, wallet: 'google_pay' })).json.id);
    await expect(sdk(sandbox, other.publishable_key).paymentMethods.create({ type: 'card', card: { token } })).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
    const browser = sdk(sandbox, keys.publishable_key);
    await browser.paymentMethods.create({ type: 'card', card: { token } });
    await expect(browser.paymentMethods.create({ type: 'card', card: { token } })).rejects.toMatchObject({ statusCode: 400, code: 'token_already_used' });
  });

  it('refuses an unknown wallet, a secret key in place of the publishable one, and a bad card', async () => {
    const keys = sandbox.createAccount();
    expect((await walletToken({ publishable_key: keys.publishable_key, wallet: 'samsung_pay' })).status).toBe(400);
    expect((await walletToken({ publishable_key: keys.secret_key, wallet: 'apple_pay' })).status).toBe(400);
    expect((await walletToken({ publishable_key: keys.publishable_key, wallet: 'apple_pay', card: '4242424242424241' })).status).toBe(400);
  });
});
