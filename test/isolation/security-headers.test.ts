/**
 * Security headers on every page Settle serves, read off real answers: no MIME sniffing, no
 * Referer, HSTS when Settle is served over https, a Content-Security-Policy everywhere, and no
 * framing except where it is the point: the embedded admin (by the shop's Shopify admin) and the
 * embedded payment page (by the merchant's own stores). The payment page's policy names only what
 * the page needs. Needs the built web pages (`npm run build:web`, which `npm test` runs first).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { securityHeaders } from '../../web/server/security-headers';
import { CLIENT_ID } from '../server/shopify-fake';
import { startTwoMerchants, type TwoMerchants } from './two-merchants';

const BUILT = existsSync(fileURLToPath(new URL('../../web/app/dist/admin.html', import.meta.url)));
const PUBLIC_URL = 'https://settle.example';

const directives = (csp: string) => new Map(csp.split(';').map((d) => d.trim()).filter(Boolean).map((d) => [d.split(/\s+/)[0]!, d.split(/\s+/).slice(1)] as const));

describe.runIf(BUILT)('security headers on every page', () => {
  let world: TwoMerchants;
  const get = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${world.settle.url}${path}`, { redirect: 'manual', ...init });
    await res.arrayBuffer();
    return res.headers;
  };

  beforeAll(async () => {
    world = await startTwoMerchants({ PUBLIC_URL });
  }, 60_000);
  afterAll(() => world?.close());

  /** Every page and answer kind a browser can be sent to, with who may frame it (none: nobody). */
  const pages = (): { path: string; init?: RequestInit; framedBy?: string[] }[] => {
    const { a } = world;
    return [
      { path: '/admin/' },
      { path: `/admin?embedded=1&shop=${a.shop}&host=${Buffer.from(`${a.shop}/admin`).toString('base64url')}`, framedBy: [new URL(world.settle.services.config.SHOPIFY_SHOP_URL.replace('{shop}', a.shop)).origin, 'https://admin.shopify.com'] },
      { path: `/pay/${a.paymentId}` },
      { path: `/pay/${a.paymentId}/embed`, framedBy: [new URL(a.siteUrl).origin] },
      { path: '/pay/pay_unknownunknownunknown1' },
      { path: `/pay/link/${a.linkId}` },
      { path: `/pay/link/${a.linkId}`, init: { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'email=not-an-email' } },
      { path: '/admin/login?token=forged' },
      { path: '/admin/sso?store=x&t=1&sig=00' },
      { path: '/connect/stripe/callback?state=forged&code=x' },
      { path: '/quickbooks/callback?state=forged&code=x&realmId=1' },
      { path: '/shopify/install?shop=not-a-shop' },
      { path: '/shopify/callback?shop=x&hmac=y' },
      { path: '/api/payments', init: { headers: { Authorization: `Bearer ${a.apiKey}` } } },
      { path: '/api/pay/pay_unknownunknownunknown1' },
      { path: '/healthz' },
      { path: '/embed.js' },
      { path: '/nothing-here' },
    ];
  };

  it('every answer: nosniff, no Referer, HSTS (Settle is on https), a Content-Security-Policy', async () => {
    for (const { path, init } of pages()) {
      const h = await get(path, init);
      expect([path, h.get('x-content-type-options'), h.get('referrer-policy'), h.get('strict-transport-security')])
        .toEqual([path, 'nosniff', 'no-referrer', 'max-age=63072000; includeSubDomains']);
      expect([path, h.get('content-security-policy')]).toEqual([path, expect.stringContaining('frame-ancestors')]);
    }
  });

  it('nothing is framed except the embedded admin (by the shop\'s admin) and the embedded payment page (by the store)', async () => {
    for (const { path, init, framedBy } of pages()) {
      const h = await get(path, init);
      const ancestors = directives(h.get('content-security-policy')!).get('frame-ancestors');
      if (framedBy) {
        expect([path, h.get('x-frame-options'), ancestors]).toEqual([path, null, framedBy]);
      } else {
        expect([path, h.get('x-frame-options'), ancestors]).toEqual([path, 'DENY', ["'none'"]]);
      }
    }
  });

  it("the payment page's policy allows only its own scripts, and card data only to the processor", async () => {
    const csp = directives((await get(`/pay/${world.a.paymentId}`)).get('content-security-policy')!);
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'", new URL(world.settle.services.config.STRIPE_API_BASE).origin]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect([...csp.values()].flat()).not.toContain('*');
  });

  it("the admin's policy: its own scripts only (no inline or eval), its own API, nobody frames it", async () => {
    const csp = directives((await get('/admin/')).get('content-security-policy')!);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect([...csp.values()].flat().filter((v) => v === '*' || v === "'unsafe-eval'")).toEqual([]);
    expect(world.settle.services.config.SHOPIFY_API_KEY).toBe(CLIENT_ID);
  });
});

describe('HSTS', () => {
  it('is not sent when Settle is served over plain http (browsers ignore it there)', async () => {
    const app = express().use(securityHeaders({ publicUrl: 'http://127.0.0.1:3000' })).get('/', (_req, res) => void res.send('ok'));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    const res = await fetch(`http://127.0.0.1:${port}/`);
    await new Promise((resolve) => server.close(resolve));
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
