/**
 * A page that plays Shopify admin for one shop: at its own origin it frames Settle's embedded admin
 * (`/admin?shop=…&host=…&embedded=1`), shows the app's title bar, nav menu, toasts and loading bar,
 * and answers App Bridge's requests for session tokens, signed as Shopify signs them (HS256 with the
 * app's secret). App Bridge's script comes from Shopify's CDN, out of reach here: `useAppBridgeStandIn`
 * answers the browser's request for it with a stand-in that speaks to this page over postMessage,
 * so the product's HTML still names the real CDN.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { BrowserContext } from 'playwright-core';

export const APP_BRIDGE_CDN = 'https://cdn.shopify.com/shopifycloud/app-bridge.js';

/** How the next session tokens are made: as Shopify does, expired a minute ago, or signed with another secret. */
export type TokenKind = 'valid' | 'expired' | 'forged';

export interface ShopifyAdmin {
  origin: string;
  /** The admin page of the shop with Settle open in it. */
  appUrl: string;
  tokenKind: TokenKind;
  /** Every token issued to the frame, in order. */
  issued: string[];
  close(): Promise<void>;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A session token with Shopify's claims: iss, dest, aud, sub, exp (1 min), nbf, iat, jti, sid. */
export function signSessionToken(options: { shop: string; clientId: string; secret: string; userId?: string; now?: number }): string {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const body = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({
    iss: `https://${options.shop}/admin`, dest: `https://${options.shop}`, aud: options.clientId, sub: options.userId ?? '42',
    exp: now + 60, nbf: now, iat: now, jti: randomUUID(), sid: randomUUID(),
  })}`;
  return `${body}.${createHmac('sha256', options.secret).update(body).digest('base64url')}`;
}

export async function startShopifyAdmin(options: { shop: string; clientId: string; secret: string; settleUrl: string }): Promise<ShopifyAdmin> {
  const handle = options.shop.replace(/\.myshopify\.com$/, '');
  const host = Buffer.from(`admin.shopify.com/store/${handle}`).toString('base64url');
  const frameUrl = `${options.settleUrl}/admin?${new URLSearchParams({ shop: options.shop, host, embedded: '1', locale: 'en' })}`;
  const settleOrigin = new URL(options.settleUrl).origin;

  const admin: ShopifyAdmin = { origin: '', appUrl: '', tokenKind: 'valid', issued: [], close: async () => undefined };
  const token = () => {
    const now = Math.floor(Date.now() / 1000) - (admin.tokenKind === 'expired' ? 120 : 0);
    const secret = admin.tokenKind === 'forged' ? `${options.secret}-not` : options.secret;
    const issued = signSessionToken({ shop: options.shop, clientId: options.clientId, secret, now });
    admin.issued.push(issued);
    return issued;
  };

  const server: Server = createServer((req, res) => {
    if (req.url === '/session-token' && req.method === 'POST') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ token: token() }));
    }
    if (req.url === `/store/${handle}/apps/settle`) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      return res.end(adminPage(options.shop, frameUrl, settleOrigin));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  admin.origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  admin.appUrl = `${admin.origin}/store/${handle}/apps/settle`;
  admin.close = () => new Promise((resolve) => server.close(() => resolve()));
  return admin;
}

/** Answers the browser's request for Shopify's App Bridge script with the stand-in that talks to `admin`. */
export async function useAppBridgeStandIn(context: BrowserContext, admin: ShopifyAdmin): Promise<void> {
  await context.route(APP_BRIDGE_CDN, (route) =>
    route.fulfill({ status: 200, contentType: 'text/javascript', body: `var __name = (f) => f; (${appBridgeStandIn.toString()})(${JSON.stringify(admin.origin)});` }),
  );
}

/** Shopify admin's frame around the app: title bar, nav, toasts, loading bar, and session tokens on request. */
function adminPage(shop: string, frameUrl: string, settleOrigin: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Settle · ${shop} · Shopify</title>
<style>
  body{margin:0;font:14px system-ui,sans-serif;background:#f1f1f1;display:grid;grid-template:48px 40px 1fr/220px 1fr;height:100vh}
  header{grid-column:1/3;background:#1a1a1a;color:#fff;display:flex;align-items:center;padding:0 16px;gap:12px}
  nav{grid-row:2/4;background:#ebebeb;padding:12px}nav a{display:block;padding:6px 8px;color:#303030;text-decoration:none;cursor:pointer}
  #title-bar{background:#fff;display:flex;align-items:center;padding:0 16px;font-weight:600;border-bottom:1px solid #ddd}
  iframe{border:0;width:100%;height:100%;background:#fff}
  #loading{position:fixed;top:0;left:0;height:3px;width:100%;background:#36a3ff;display:none}
  #toasts{position:fixed;bottom:24px;left:50%;transform:translateX(-50%)}
  #toasts div{background:#303030;color:#fff;padding:10px 16px;border-radius:8px;margin-top:8px}#toasts div.error{background:#c70a24}
</style></head><body>
<div id="loading" role="progressbar" aria-label="Loading"></div>
<header><strong>Shopify</strong><span>${shop}</span></header>
<nav aria-label="Settle"><div>Settle</div><div id="app-nav"></div></nav>
<div id="title-bar" data-testid="title-bar"></div>
<main><iframe name="app-iframe" title="Settle" src="${frameUrl}"></iframe></main>
<div id="toasts" role="status"></div>
<script>
  const settle = ${JSON.stringify(settleOrigin)};
  const frame = document.querySelector('iframe');
  const reply = (id, result) => frame.contentWindow.postMessage({ appBridge: true, id, result }, settle);
  window.addEventListener('message', async (event) => {
    // Shopify admin answers only its own app frame, at the app's origin.
    if (event.origin !== settle || event.source !== frame.contentWindow || !event.data || !event.data.appBridge) return;
    const { id, type, payload } = event.data;
    if (type === 'idToken') reply(id, (await (await fetch('/session-token', { method: 'POST' })).json()).token);
    if (type === 'toast') {
      const toast = document.createElement('div');
      toast.textContent = payload.message;
      if (payload.isError) toast.className = 'error';
      document.getElementById('toasts').append(toast);
    }
    if (type === 'loading') document.getElementById('loading').style.display = payload.on ? 'block' : 'none';
    if (type === 'title') document.getElementById('title-bar').textContent = payload.title;
    if (type === 'nav') {
      const nav = document.getElementById('app-nav');
      nav.replaceChildren(...payload.links.map((link) => {
        const a = document.createElement('a');
        a.textContent = link.label;
        a.onclick = () => frame.contentWindow.postMessage({ appBridge: true, navigate: link.href }, settle);
        return a;
      }));
    }
  });
</script></body></html>`;
}

/**
 * Runs in the app's frame in place of Shopify's app-bridge.js: the `shopify` global's parts Settle
 * uses (config, idToken, toast, loading) and the <ui-title-bar>/<ui-nav-menu> elements, all relayed
 * to the parent page. Serialised into the page, so it refers to nothing outside itself.
 */
function appBridgeStandIn(adminOrigin: string): void {
  const params = new URLSearchParams(window.location.search);
  const waiting = new Map<number, (value: string) => void>();
  let next = 0;
  const post = (type: string, payload: unknown = {}) => {
    const id = ++next;
    window.parent.postMessage({ appBridge: true, id, type, payload }, adminOrigin);
    return id;
  };
  window.addEventListener('message', (event: MessageEvent<{ appBridge?: boolean; id?: number; result?: string; navigate?: string }>) => {
    if (event.origin !== adminOrigin || event.source !== window.parent || !event.data?.appBridge) return;
    if (event.data.navigate) {
      const target = new URL(event.data.navigate, window.location.href);
      window.location.assign(target.href);
      if (target.pathname + target.search === window.location.pathname + window.location.search) window.location.reload();
      return;
    }
    const resolve = waiting.get(event.data.id ?? -1);
    waiting.delete(event.data.id ?? -1);
    resolve?.(event.data.result ?? '');
  });
  const apiKey = document.querySelector<HTMLMetaElement>('meta[name="shopify-api-key"]')?.content ?? '';
  (window as unknown as { shopify: unknown }).shopify = {
    config: { apiKey, shop: params.get('shop') ?? undefined, host: params.get('host') ?? undefined, locale: params.get('locale') ?? 'en' },
    origin: adminOrigin,
    ready: Promise.resolve(),
    idToken: () => new Promise<string>((resolve) => waiting.set(post('idToken'), resolve)),
    toast: { show: (message: string, options?: { isError?: boolean }) => String(post('toast', { message, isError: Boolean(options?.isError) })), hide: () => undefined },
    loading: (on = true) => void post('loading', { on }),
  };
  customElements.define('ui-title-bar', class extends HTMLElement {
    static observedAttributes = ['title'];
    attributeChangedCallback() {
      post('title', { title: this.getAttribute('title') ?? '' });
    }
  });
  customElements.define('ui-nav-menu', class extends HTMLElement {
    connectedCallback() {
      this.style.display = 'none'; // shown by Shopify admin, not in the app's frame (as App Bridge does)
      // The links are its children, added by React after the element itself.
      queueMicrotask(() => post('nav', { links: [...this.querySelectorAll('a')].filter((a) => a.getAttribute('rel') !== 'home').map((a) => ({ label: a.textContent, href: a.getAttribute('href') })) }));
    }
  });
}
