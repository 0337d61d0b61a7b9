// What Settle's setup checks read from Stripe: the account behind a key (country, settlement
// currency), its country's payment currencies, and whether a key and its objects are live.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeSandbox, type StripeSandbox } from './index';
import { sdk } from './test-helpers';

let sandbox: StripeSandbox;
beforeAll(async () => {
  sandbox = await startStripeSandbox({ webhookRetryDelaysMs: [] });
});
afterAll(async () => sandbox?.close());

describe('the account and its country spec', () => {
  it('GET /v1/account names the country and the default currency of the key’s account', async () => {
    const keys = sandbox.createAccount({ country: 'JP', default_currency: 'jpy' });
    const account = await sdk(sandbox, keys.secret_key).accounts.retrieveCurrent();
    expect(account).toMatchObject({ id: keys.id, object: 'account', country: 'JP', default_currency: 'jpy', charges_enabled: true });
  });

  it('GET /v1/country_specs lists the payment currencies; an unknown country is a 404', async () => {
    const stripe = sdk(sandbox, sandbox.createAccount().secret_key);
    const spec = await stripe.countrySpecs.retrieve('US');
    expect(spec.default_currency).toBe('usd');
    expect(spec.supported_payment_currencies).toEqual(expect.arrayContaining(['usd', 'eur', 'jpy']));
    expect(spec.supported_payment_currencies).not.toContain('chf');
    await expect(stripe.countrySpecs.retrieve('ZZ')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('a publishable key may not read the account', async () => {
    const keys = sandbox.createAccount();
    await expect(sdk(sandbox, keys.publishable_key).accounts.retrieveCurrent()).rejects.toMatchObject({ statusCode: 403 });
  });
});

describe('live-mode accounts', () => {
  it('have sk_live_/pk_live_ keys and their webhook endpoints say livemode: true; test accounts say false', async () => {
    const live = sandbox.createAccount({ livemode: true });
    expect(live.secret_key).toMatch(/^sk_live_/);
    expect(live.publishable_key).toMatch(/^pk_live_/);
    const endpoint = await sdk(sandbox, live.secret_key).webhookEndpoints.create({ url: 'https://settle.example/hooks', enabled_events: ['*'] });
    expect(endpoint.livemode).toBe(true);
    const test = sandbox.createAccount();
    expect(test.secret_key).toMatch(/^sk_test_/);
    const testEndpoint = await sdk(sandbox, test.secret_key).webhookEndpoints.create({ url: 'https://settle.example/hooks', enabled_events: ['*'] });
    expect(testEndpoint.livemode).toBe(false);
  });

  it('refuses a livemode that is not a boolean', async () => {
    const response = await fetch(`${sandbox.url}/_sandbox/accounts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ livemode: 'yes' }) });
    expect(response.status).toBe(400);
  });
});

describe('rolling a webhook signing secret (the Dashboard’s "Roll secret")', () => {
  it('signs later deliveries with the new secret, which only the Dashboard shows', async () => {
    const { createServer } = await import('node:http');
    const { createHmac } = await import('node:crypto');
    const got: { signature: string; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => { got.push({ signature: String(req.headers['stripe-signature']), body }); res.end('ok'); });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const keys = sandbox.createAccount();
    const stripe = sdk(sandbox, keys.secret_key);
    const endpoint = await stripe.webhookEndpoints.create({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, enabled_events: ['payment_intent.canceled'] });
    const rolled = sandbox.rollWebhookSecret(endpoint.id);
    expect(rolled.secret).not.toBe(endpoint.secret);
    expect(sandbox.webhookEndpoints(keys.id)[0]!.secret).toBe(rolled.secret);
    const intent = await stripe.paymentIntents.create({ amount: 500, currency: 'usd' });
    await stripe.paymentIntents.cancel(intent.id);
    await sandbox.webhooksIdle();
    server.close();
    const [delivery] = got;
    const [t, v1] = delivery!.signature.split(',').map((part) => part.split('=')[1]!);
    expect(v1).toBe(createHmac('sha256', rolled.secret).update(`${t}.${delivery!.body}`).digest('hex'));
    expect(() => sandbox.rollWebhookSecret('we_missing')).toThrow(/no such webhook endpoint/);
  });
});
