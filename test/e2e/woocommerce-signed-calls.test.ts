/**
 * The WooCommerce plugin's calls signed with the store's connection secret, and its single-sign-on
 * link to Settle's admin, over HTTP against the real server and sandboxes. A good signature goes
 * through; a stale, forged or replayed one is a 401 with a stable code and changes nothing.
 */
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSettleStack, type SettleStack } from '../support/stack';
import { placeOrder, readPayments, signUpAndConnect, type ConnectedMerchant } from '../support/journey';

const hmac = (secret: string, message: string) => createHmac('sha256', secret).update(message).digest('hex');
const now = () => Math.floor(Date.now() / 1000);
const havePhp = spawnSync('php', ['--version']).status === 0;
const API_PHP = fileURLToPath(new URL('../../plugins/woocommerce/settle-payments/includes/class-settle-api.php', import.meta.url));

/** What the plugin itself (PHP) computes: the header for a body, or the SSO link. */
function fromPlugin(code: string, ...args: string[]): string {
  const run = spawnSync('php', ['-r', `define('ABSPATH', '/'); function __($t) { return $t; } require '${API_PHP}'; ${code}`, '--', ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr || run.stdout);
  return run.stdout;
}

describe('signed calls and single sign-on from the WooCommerce plugin', { timeout: 120_000 }, () => {
  let stack: SettleStack;
  let m: ConnectedMerchant;
  let secret: string;

  beforeAll(async () => {
    stack = await startSettleStack();
    m = await signUpAndConnect(stack.settleUrl, stack.sandboxes, 'Signed Calls Co');
    const response = await fetch(`${stack.settleUrl}/api/connections/woocommerce/connection-secret`, { headers: { Authorization: `Bearer ${m.apiKey}` } });
    const body = await response.json() as { storeId: string; connectionSecret: string };
    expect(body.storeId).toBe(m.merchantId);
    secret = body.connectionSecret;
  }, 100_000);
  afterAll(async () => stack?.stop());

  async function post(path: string, body: unknown, sign?: { t?: number; secret?: string }) {
    const raw = JSON.stringify(body);
    const headers: Record<string, string> = { Authorization: `Bearer ${m.apiKey}`, 'Content-Type': 'application/json' };
    if (sign) {
      const t = sign.t ?? now();
      headers['X-Settle-Signature'] = `t=${t},v1=${hmac(sign.secret ?? secret, `${t}.${raw}`)}`;
    }
    const response = await fetch(`${stack.settleUrl}${path}`, { method: 'POST', headers, body: raw });
    return { status: response.status, body: await response.json() as { error?: { code: string } } };
  }
  const paymentCount = async () => (await readPayments(stack.settleUrl, m.apiKey)).payments.length;
  const newOrder = async () => {
    const product = (await m.woo.post('products', { name: 'Mug', regular_price: '12.00' })).data;
    return (await placeOrder(m.woo, { productId: product.id, quantity: 1 })).id;
  };

  it('a checkout signed with the connection secret creates the payment', async () => {
    const before = await paymentCount();
    const answer = await post('/api/checkouts', { storePlatform: 'woocommerce', orderId: String(await newOrder()) }, {});
    expect(answer.status).toBe(201);
    expect(await paymentCount()).toBe(before + 1);
  });

  it('stale, forged and replayed signatures are refused with a stable code, and no payment is made', async () => {
    const before = await paymentCount();
    const body = { storePlatform: 'woocommerce', orderId: String(await newOrder()) };
    expect(await post('/api/checkouts', body, { t: now() - 301 })).toMatchObject({ status: 401, body: { error: { code: 'signature_stale' } } });
    expect(await post('/api/checkouts', body, { secret: 'sss_not_the_secret' })).toMatchObject({ status: 401, body: { error: { code: 'signature_invalid' } } });
    // A signature over another body (the attacker changed the order id).
    const t = now();
    const signedOther = `t=${t},v1=${hmac(secret, `${t}.${JSON.stringify({ ...body, orderId: '1' })}`)}`;
    const tampered = await fetch(`${stack.settleUrl}/api/checkouts`, {
      method: 'POST', headers: { Authorization: `Bearer ${m.apiKey}`, 'Content-Type': 'application/json', 'X-Settle-Signature': signedOther }, body: JSON.stringify(body),
    });
    expect(tampered.status).toBe(401);
    expect(await post('/api/payments/pay_none/refunds', { amount: 100, origin: 'store' }, { secret: 'sss_not_the_secret' })).toMatchObject({ status: 401 });
    expect(await paymentCount()).toBe(before);

    // Replayed: the same signed call twice; the second changes nothing.
    const raw = JSON.stringify(body);
    const headers = { Authorization: `Bearer ${m.apiKey}`, 'Content-Type': 'application/json', 'X-Settle-Signature': `t=${t},v1=${hmac(secret, `${t}.${raw}`)}` };
    expect((await fetch(`${stack.settleUrl}/api/checkouts`, { method: 'POST', headers, body: raw })).status).toBe(201);
    const replay = await fetch(`${stack.settleUrl}/api/checkouts`, { method: 'POST', headers, body: raw });
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { error: { code: string } }).error.code).toBe('signature_replayed');
    expect(await paymentCount()).toBe(before + 1);
  });

  it('a store that requires signed calls refuses unsigned ones', async () => {
    const orderId = String(await newOrder());
    expect((await post('/api/checkouts', { storePlatform: 'woocommerce', orderId })).status).toBe(201); // not yet required
    const keys = await (await fetch(`${stack.sandboxes.woo.url}_sandbox/api-keys`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ permissions: 'read_write' }) })).json() as { consumer_key: string; consumer_secret: string };
    const put = await fetch(`${stack.settleUrl}/api/connections/woocommerce`, {
      method: 'PUT', headers: { Authorization: `Bearer ${m.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ siteUrl: stack.sandboxes.woo.url, consumerKey: keys.consumer_key, consumerSecret: keys.consumer_secret, requireSignedRequests: true }),
    });
    expect(((await put.json()) as { connectionSecret: string }).connectionSecret).toBe(secret); // reconnecting keeps the secret
    const before = await paymentCount();
    const other = String(await newOrder());
    expect(await post('/api/checkouts', { storePlatform: 'woocommerce', orderId: other })).toMatchObject({ status: 401, body: { error: { code: 'signature_required' } } });
    expect(await paymentCount()).toBe(before);
    expect((await post('/api/checkouts', { storePlatform: 'woocommerce', orderId: other }, {})).status).toBe(201);
  });

  it.skipIf(!havePhp)('the plugin\'s own PHP signature and SSO link are accepted', async () => {
    const raw = JSON.stringify({ storePlatform: 'woocommerce', orderId: String(await newOrder()) });
    const header = fromPlugin('echo Settle_Api::signature($argv[1], $argv[2], time());', secret, raw);
    const answer = await fetch(`${stack.settleUrl}/api/checkouts`, {
      method: 'POST', headers: { Authorization: `Bearer ${m.apiKey}`, 'Content-Type': 'application/json', 'X-Settle-Signature': header }, body: raw,
    });
    expect(answer.status).toBe(201);
    const link = fromPlugin('echo Settle_Api::sso_url($argv[1], $argv[2], $argv[3], time());', stack.settleUrl, m.merchantId, secret);
    expect((await fetch(link, { redirect: 'manual' })).status).toBe(303);
  });

  describe('single sign-on link', () => {
    const link = (t: number, key = secret, store = m.merchantId) =>
      `${stack.settleUrl}/admin/sso?store=${encodeURIComponent(store)}&t=${t}&sig=${hmac(key, `sso.${store}.${t}`)}`;
    const open = async (url: string) => {
      const response = await fetch(url, { redirect: 'manual' });
      const cookie = response.headers.get('set-cookie')?.split(';')[0];
      return { status: response.status, cookie };
    };

    it('signs the merchant into their own admin once; the same link again is refused', async () => {
      const url = link(now() - 5); // another second than the plugin's own link above: same second, same link
      const first = await open(url);
      expect(first.status).toBe(303);
      const payments = await fetch(`${stack.settleUrl}/api/payments`, { headers: { Cookie: first.cookie! } });
      expect(payments.status).toBe(200);
      expect(await open(url)).toEqual({ status: 401, cookie: undefined });
    });

    it('refuses a stale link (older than 60 s), a forged one and one naming another store', async () => {
      expect(await open(link(now() - 61))).toEqual({ status: 401, cookie: undefined });
      expect(await open(link(now(), 'sss_forged'))).toEqual({ status: 401, cookie: undefined });
      const t = now();
      const otherStore = `${stack.settleUrl}/admin/sso?store=mer_someone_else&t=${t}&sig=${hmac(secret, `sso.${m.merchantId}.${t}`)}`;
      expect(await open(otherStore)).toEqual({ status: 401, cookie: undefined });
    });
  });
});
