/**
 * Core's PaymentSessionsGateway as the worker uses it, over the shared Payments Apps client, against
 * a stand-in Payments Apps endpoint reached through Settle's shop URL template: a resolve returns the
 * order status page, a repeated resolve Shopify answers with the resolved session is done (a retried
 * job does not fail the session), a session that went the other way is an error to show, throttling
 * or a 5xx ends as a RetryableError (the job retries later) and a refused token as a person's problem.
 * The documents themselves are validated by test/contract/shopify-documents.test.ts.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetryableError, SettleError } from '../../core/errors';
import { shopifyApp, type ShopifyAppSettings } from '../../connectors/shopify/app';
import { ShopifyGraphql } from '../../connectors/shopify/graphql/client';
import { CostBuckets } from '../../connectors/shopify/graphql/cost-bucket';
import { ShopifyPaymentSessions } from '../../connectors/shopify/payments-apps';
import { ShopifyPaymentSessionsGateway } from '../../connectors/shopify/payment-sessions-gateway';

const SHOP = 'corner-lamps.myshopify.com';
const GID = 'gid://shopify/PaymentSession/abc';

describe('against a stand-in Payments Apps endpoint', () => {
  let server: Server;
  let settings: ShopifyAppSettings;
  const seen: { url: string; token: string; body: { query: string; variables: Record<string, unknown> } }[] = [];
  let answer: (body: { query: string; variables: Record<string, unknown> }) => { status: number; json: unknown };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const body = JSON.parse(raw) as { query: string; variables: Record<string, unknown> };
        seen.push({ url: req.url ?? '', token: String(req.headers['x-shopify-access-token']), body });
        const { status, json } = answer(body);
        res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(json));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const template = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/shops/{shop}`;
    settings = { SHOPIFY_API_KEY: 'settle-client-id', SHOPIFY_API_SECRET: 'shpss_secret', SHOPIFY_SCOPES: 'write_payment_sessions', SHOPIFY_SHOP_URL: template, publicUrl: 'https://settle.test' };
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  // The client's waits between retries pass at once: only what Settle ends up saying is asserted.
  const instant = new CostBuckets({ now: () => Date.now(), sleep: async () => undefined });
  const gateway = () => {
    const app = shopifyApp(settings)!;
    return new ShopifyPaymentSessionsGateway(async (shop) => new ShopifyPaymentSessions(new ShopifyGraphql(app, { shop, accessToken: 'shpat_token' }, { api: 'payments-apps', buckets: instant, attempts: 3 })));
  };
  const session = (code: string, extra: Record<string, unknown> = {}) => ({ id: GID, state: { __typename: `PaymentSessionState${code}`, code }, ...extra });

  it('resolves a payment session and returns Shopify’s next page for the shopper', async () => {
    answer = () => ({ status: 200, json: { data: { paymentSessionResolve: {
      paymentSession: session('RESOLVED', { nextAction: { action: 'REDIRECT', context: { __typename: 'PaymentSessionActionsRedirect', redirectUrl: 'https://shop/orders/1' } } }),
      userErrors: [],
    } } } });
    expect(await gateway().resolvePayment({ shop: SHOP, gid: GID })).toEqual({ nextUrl: 'https://shop/orders/1' });
    expect(seen.at(-1)).toMatchObject({ url: `/shops/${SHOP}/payments_apps/api/2026-07/graphql.json`, token: 'shpat_token', body: { variables: { id: GID } } });
  });

  it('a repeated resolve Shopify answers with the resolved session is done; a session rejected meanwhile is an error to show', async () => {
    // What Shopify (and its sandbox) answers a second refundSessionResolve: the session, resolved, and no userErrors.
    answer = () => ({ status: 200, json: { data: { refundSessionResolve: {
      refundSession: { id: GID, state: { __typename: 'RefundSessionStateResolved', code: 'RESOLVED' } }, userErrors: [],
    } } } });
    await expect(gateway().resolveRefund({ shop: SHOP, gid: GID })).resolves.toBeUndefined();
    answer = () => ({ status: 200, json: { data: { captureSessionResolve: {
      captureSession: null, userErrors: [{ field: ['id'], message: 'Capture session has already been rejected', code: 'CAPTURE_SESSION_INVALID_STATE' }],
    } } } });
    const refused = await gateway().resolveCapture({ shop: SHOP, gid: GID }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SettleError);
    expect(refused).not.toBeInstanceOf(RetryableError);
    expect((refused as SettleError).code).toBe('shopify_session_refused');
    expect((refused as SettleError).message).toContain('Capture session has already been rejected');
  });

  it('sends the rejection reason and the merchant’s message', async () => {
    answer = () => ({ status: 200, json: { data: { voidSessionReject: { voidSession: { id: GID, state: { __typename: 'VoidSessionStateRejected', code: 'REJECTED', reason: 'PROCESSING_ERROR' } }, userErrors: [] } } } });
    await gateway().rejectVoid({ shop: SHOP, gid: GID }, { code: 'PROCESSING_ERROR', merchantMessage: 'already captured' });
    expect(seen.at(-1)?.body.variables).toEqual({ id: GID, reason: { code: 'PROCESSING_ERROR', merchantMessage: 'already captured' } });
  });

  it('throttling and server errors, still there after the client’s retries, are retried by the job; a refused token is a person’s problem', async () => {
    const before = seen.length;
    answer = () => ({ status: 200, json: { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }] } });
    await expect(gateway().resolveVoid({ shop: SHOP, gid: GID })).rejects.toBeInstanceOf(RetryableError);
    expect(seen.length - before).toBe(3);
    answer = () => ({ status: 503, json: {} });
    await expect(gateway().resolveVoid({ shop: SHOP, gid: GID })).rejects.toBeInstanceOf(RetryableError);
    answer = () => ({ status: 429, json: { errors: 'Exceeded 2 calls per second for api client.' } });
    await expect(gateway().resolveVoid({ shop: SHOP, gid: GID })).rejects.toBeInstanceOf(RetryableError);
    for (const status of [401, 403]) {
      answer = () => ({ status, json: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' } });
      const denied = await gateway().resolveVoid({ shop: SHOP, gid: GID }).catch((e: unknown) => e);
      expect(denied).toBeInstanceOf(SettleError);
      expect(denied).not.toBeInstanceOf(RetryableError);
      expect((denied as SettleError).code).toBe('shopify_access_revoked');
    }
  });
});
