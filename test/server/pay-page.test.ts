/**
 * The payment page as the server hands it out: the hosted page nobody may frame, the embedded page
 * only the merchant's own store may frame, Stripe.js named (and loaded) only in live mode, and
 * /embed.js for store plugins. Needs the built pages (`npm run build:web`).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMerchant } from '../../core/merchants/merchants';
import { insertPayment } from '../../core/payments/payments';
import { startSettleInProcess } from '../support/in-process';

const WEB_DIST = fileURLToPath(new URL('../../web/app/dist/', import.meta.url));
const SANDBOX_API = 'http://127.0.0.1:4010';

let settle: Awaited<ReturnType<typeof startSettleInProcess>>;

async function merchantWithPayment(name: string, publishableKey: string, siteUrl: string, storeStatus?: 'disconnected'): Promise<string> {
  const { services } = settle;
  const merchantId = (await createMerchant(services.db, name)).merchant.id;
  await services.connections.save({ merchantId, platform: 'stripe', settings: { publishableKey, webhookEndpointId: 'we_1' }, secrets: { secretKey: 'sk_x' } });
  await services.connections.save({ merchantId, platform: 'woocommerce', settings: { siteUrl, ...(storeStatus ? { status: storeStatus } : {}) }, secrets: { consumerKey: 'ck_1', consumerSecret: 'cs_1' } });
  const id = `pay_${randomBytes(16).toString('base64url').slice(0, 22)}`;
  await insertPayment(services.db, { id, merchantId, storePlatform: 'woocommerce', orderId: '7', orderNumber: '7', amount: { amount: 1000, currency: 'USD' }, processorRef: `pi_${id}` });
  return id;
}

async function page(path: string) {
  const res = await fetch(`${settle.url}${path}`);
  return { status: res.status, csp: res.headers.get('content-security-policy') ?? '', frameOptions: res.headers.get('x-frame-options'), html: await res.text() };
}
const directive = (csp: string, name: string) => csp.split('; ').find((d) => d.startsWith(`${name} `));

let sandboxPayment: string;
let livePayment: string;

beforeAll(async () => {
  if (!existsSync(`${WEB_DIST}pay.html`)) throw new Error(`The built web pages are missing from ${WEB_DIST}: run \`npm run build:web\` first.`);
  settle = await startSettleInProcess({ STRIPE_API_BASE: SANDBOX_API });
  sandboxPayment = await merchantWithPayment('Harbour Supplies', 'pk_test_abc', 'http://shop.example:8080/wp/');
  livePayment = await merchantWithPayment('Live Goods', 'pk_live_abc', 'https://live-goods.example');
});
afterAll(async () => {
  await settle?.close();
});

describe('the payment page’s headers and HTML', () => {
  it('hosted: framed by nobody, card data only to the sandbox, no Stripe.js', async () => {
    const { status, csp, frameOptions, html } = await page(`/pay/${sandboxPayment}`);
    expect(status).toBe(200);
    expect(html).toContain('id="card-number"');
    expect(directive(csp, 'frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(frameOptions).toBe('DENY');
    expect(directive(csp, 'connect-src')).toBe(`connect-src 'self' ${SANDBOX_API}`);
    expect(csp).not.toContain('js.stripe.com');
    expect(html).not.toContain('js.stripe.com');
  });

  it('embedded: framed only by the merchant’s store origin', async () => {
    const { status, csp, frameOptions } = await page(`/pay/${sandboxPayment}/embed`);
    expect(status).toBe(200);
    expect(directive(csp, 'frame-ancestors')).toBe('frame-ancestors http://shop.example:8080');
    expect(frameOptions).toBeNull();
  });

  it('live mode: the page loads Stripe.js from js.stripe.com and its CSP allows it, and Stripe’s API, not the sandbox', async () => {
    for (const path of [`/pay/${livePayment}`, `/pay/${livePayment}/embed`]) {
      const { csp, html } = await page(path);
      expect(html).toContain('<script src="https://js.stripe.com/v3/"></script>');
      expect(directive(csp, 'script-src')).toBe("script-src 'self' https://js.stripe.com");
      expect(directive(csp, 'connect-src')).toBe("connect-src 'self' https://api.stripe.com");
      expect(csp).not.toContain(SANDBOX_API);
    }
    expect(directive((await page(`/pay/${livePayment}/embed`)).csp, 'frame-ancestors')).toBe('frame-ancestors https://live-goods.example');
  });

  it('a store whose connection ended no longer frames the page', async () => {
    const ended = await merchantWithPayment('Closed Shop', 'pk_test_def', 'https://closed.example', 'disconnected');
    expect(directive((await page(`/pay/${ended}/embed`)).csp, 'frame-ancestors')).toBe("frame-ancestors 'none'");
  });

  it('an unknown payment still gets the page (which explains in words), framed by nobody', async () => {
    const { status, csp } = await page('/pay/pay_0000000000000000000000/embed');
    expect(status).toBe(200);
    expect(directive(csp, 'frame-ancestors')).toBe("frame-ancestors 'none'");
  });

  it('/embed.js is the store plugins’ script: Settle.mount and nothing else global', async () => {
    const res = await fetch(`${settle.url}/embed.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    const js = await res.text();
    expect(js).toContain('Settle');
    expect(js).not.toMatch(/^\s*(import|export)\b/m);
    expect(js.trim()).toMatch(/^\(\(\)=>\{[\s\S]*\}\)\(\);?$/);
  });
});
