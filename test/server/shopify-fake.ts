/**
 * What the Shopify app tests sign and answer as Shopify does, until the Shopify sandbox lands
 * (test/sandbox/shopify): App Bridge session tokens (HS256 JWT with the app's secret), OAuth
 * callback HMACs (hex HMAC-SHA256 of the sorted query), webhook HMACs (base64 HMAC-SHA256 of the raw
 * body) and the shops' token endpoint (authorization code and token exchange), refusing what
 * Shopify refuses: a wrong client secret, an unknown code, a session token not signed by the app.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';

export const CLIENT_ID = 'settle_test_client_id';
export const CLIENT_SECRET = 'shpss_test_client_secret';

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** A session token as App Bridge hands it to the embedded admin (claims overridable to forge bad ones). */
export function sessionToken(shop: string, overrides: Record<string, unknown> = {}, secret = CLIENT_SECRET): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: `https://${shop}/admin`, dest: `https://${shop}`, aud: CLIENT_ID, sub: '42', exp: now + 60, nbf: now - 1, iat: now - 1,
    jti: randomBytes(8).toString('hex'), sid: randomBytes(8).toString('hex'), ...overrides,
  };
  const body = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** Shopify's signature on the query of an admin redirect (the OAuth callback). */
export function signQuery(params: Record<string, string>, secret = CLIENT_SECRET): URLSearchParams {
  const sorted = new URLSearchParams(Object.entries(params).sort(([a], [b]) => a.localeCompare(b)));
  sorted.set('hmac', createHmac('sha256', secret).update(sorted.toString()).digest('hex'));
  return sorted;
}

/** The headers of one webhook delivery, signed over exactly `body`. */
export function webhookHeaders(shop: string, topic: string, body: string, eventId: string, secret = CLIENT_SECRET, triggeredAt = new Date()): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'X-Shopify-Hmac-Sha256': createHmac('sha256', secret).update(body).digest('base64'),
    'X-Shopify-Topic': topic,
    'X-Shopify-Shop-Domain': shop,
    'X-Shopify-API-Version': '2026-07',
    'X-Shopify-Webhook-Id': randomBytes(12).toString('hex'),
    'X-Shopify-Event-Id': eventId,
    'X-Shopify-Triggered-At': triggeredAt.toISOString(),
  };
}

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';

/** The merchant's browser at Settle's install link: where it is sent, with the state cookie it was given. */
export async function beginInstall(settleUrl: string, shop: string) {
  const res = await fetch(`${settleUrl}/shopify/install?shop=${shop}`, { redirect: 'manual', headers: { 'User-Agent': BROWSER } });
  if (res.status !== 302) throw new Error(`Settle's install link answered ${res.status}: ${await res.text()}`);
  const consent = new URL(res.headers.get('location')!);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { consent, cookie, state: consent.searchParams.get('state')! };
}

/** The browser back from the consent page, at Settle's callback. */
export const installCallback = (settleUrl: string, query: URLSearchParams, cookie: string) =>
  fetch(`${settleUrl}/shopify/callback?${query}`, { redirect: 'manual', headers: { 'User-Agent': BROWSER, Cookie: cookie } });

/** What Shopify's consent page sends back when the merchant approves: a code, the state, a fresh timestamp. */
export const callbackQuery = (shopify: FakeShopify, shop: string, state: string, extra: Record<string, string> = {}) => ({
  code: shopify.issueCode(shop), shop, state, timestamp: String(Math.floor(Date.now() / 1000)), host: Buffer.from(`${shop}/admin`).toString('base64url'), ...extra,
});

/** The whole install as the merchant goes through it: Settle's link, approval at Shopify, Settle's callback. */
export async function installThroughOAuth(settleUrl: string, shopify: FakeShopify, shop: string): Promise<Response> {
  const { cookie, state } = await beginInstall(settleUrl, shop);
  return installCallback(settleUrl, signQuery(callbackQuery(shopify, shop, state)), cookie);
}

export interface FakeShopify {
  url: string;
  /** Authorization codes the consent page handed out, per shop. */
  issueCode(shop: string): string;
  /** Access tokens granted, per shop (to check none is stored in plaintext). */
  granted: Map<string, string[]>;
  /** Shops that removed the app: token exchange for them is refused, as Shopify does. */
  uninstalled: Set<string>;
  close(): Promise<void>;
}

/**
 * Serves `/shops/{shop}/admin/oauth/access_token`, the only Shopify endpoint the install needs:
 * authorization code, token exchange and refresh, with expiring offline tokens when asked for.
 */
export async function startFakeShopify(): Promise<FakeShopify> {
  const codes = new Map<string, string>();
  const granted = new Map<string, string[]>();
  const uninstalled = new Set<string>();
  const refreshTokens = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const match = /^\/shops\/([a-z0-9-]+\.myshopify\.com)\/admin\/oauth\/access_token$/.exec(req.url ?? '');
      const answer = (status: number, body: unknown) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      // The smallest Admin API answer: the shop's name, for a token the shop granted.
      const graphql = /^\/shops\/([a-z0-9-]+\.myshopify\.com)\/admin\/api\/2026-07\/graphql\.json$/.exec(req.url ?? '');
      if (graphql) {
        const token = String(req.headers['x-shopify-access-token'] ?? '');
        if (!granted.get(graphql[1]!)?.includes(token)) return answer(401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
        return answer(200, { data: { shop: { name: graphql[1]!.split('.')[0] } } });
      }
      if (!match || req.method !== 'POST') return answer(404, { errors: 'Not Found' });
      const shop = match[1]!;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>;
      if (body.client_id !== CLIENT_ID || body.client_secret !== CLIENT_SECRET) return answer(400, { error: 'invalid_client' });
      if (body.grant_type === 'refresh_token') {
        // Each refresh token works once; its replacement comes with the new access token.
        if (refreshTokens.get(body.refresh_token ?? '') !== shop) return answer(400, { error: 'invalid_grant' });
        refreshTokens.delete(body.refresh_token!);
      } else if (body.grant_type === 'urn:ietf:params:oauth:grant-type:token-exchange') {
        const [head, claims, signature] = (body.subject_token ?? '').split('.');
        const expected = createHmac('sha256', CLIENT_SECRET).update(`${head}.${claims}`).digest('base64url');
        if (signature !== expected || uninstalled.has(shop)) return answer(400, { error: 'invalid_subject_token' });
      } else if (!body.code || codes.get(body.code) !== shop) {
        return answer(400, { error: 'invalid_request', error_description: 'The authorization code was not found or was already used' });
      } else {
        codes.delete(body.code);
      }
      const token = `shpat_${randomBytes(16).toString('hex')}`;
      granted.set(shop, [...(granted.get(shop) ?? []), token]);
      if (body.expiring !== '1' && body.grant_type !== 'refresh_token') return answer(200, { access_token: token, scope: 'read_orders,write_orders' });
      const refresh = `shprt_${randomBytes(16).toString('hex')}`;
      refreshTokens.set(refresh, shop);
      answer(200, { access_token: token, scope: 'read_orders,write_orders', expires_in: 3600, refresh_token: refresh, refresh_token_expires_in: 7_776_000 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    issueCode(shop) {
      const code = randomBytes(12).toString('hex');
      codes.set(code, shop);
      return code;
    },
    granted,
    uninstalled,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
