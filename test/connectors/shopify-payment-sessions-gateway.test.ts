/**
 * The Payments Apps calls that answer Shopify's sessions: every document validates against
 * Shopify's real 2026-07 schema; against a stand-in Payments Apps endpoint, a resolve returns the
 * order status page, a session already in the asked state counts as done (a retried resolve does not
 * fail the session), a refusal is an error to show, and throttling or a 5xx is retried later.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { buildClientSchema, parse, validate, type IntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetryableError, SettleError } from '../../core/errors';
import { PAYMENT_SESSION_DOCUMENTS, ShopifyPaymentSessionsGateway } from '../../connectors/shopify/payment-sessions-gateway';
import { contractPath } from '../support/contracts';

const SHOP = 'corner-lamps.myshopify.com';
const GID = 'gid://shopify/PaymentSession/abc';

describe('the documents', () => {
  it('validate against the Payments Apps 2026-07 schema, and a misspelt field would not', () => {
    const introspection = JSON.parse(readFileSync(contractPath('shopify/payments-apps-graphql/payments-apps_2026-07.introspection.json'), 'utf8')) as
      { data?: IntrospectionQuery } & IntrospectionQuery;
    const schema = buildClientSchema(introspection.data ?? introspection);
    expect(PAYMENT_SESSION_DOCUMENTS).toHaveLength(8);
    for (const document of PAYMENT_SESSION_DOCUMENTS) expect(validate(schema, parse(document)).map((e) => e.message), document).toEqual([]);
    expect(validate(schema, parse(PAYMENT_SESSION_DOCUMENTS[0]!.replace('redirectUrl', 'redirectURL')))).not.toEqual([]);
  });
});

describe('against a stand-in Payments Apps endpoint', () => {
  let server: Server;
  let template: string;
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
    template = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/shops/{shop}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const gateway = () => new ShopifyPaymentSessionsGateway({ accessTokenFor: async (shop) => (shop === SHOP ? 'shpat_token' : undefined) }, template);
  const session = (code: string, extra: Record<string, unknown> = {}) => ({ id: GID, state: { __typename: `PaymentSessionState${code}`, code }, ...extra });

  it('resolves a payment session and returns Shopify’s next page for the shopper', async () => {
    answer = () => ({ status: 200, json: { data: { paymentSessionResolve: {
      paymentSession: session('RESOLVED', { nextAction: { action: 'REDIRECT', context: { __typename: 'PaymentSessionActionsRedirect', redirectUrl: 'https://shop/orders/1' } } }),
      userErrors: [],
    } } } });
    expect(await gateway().resolvePayment({ shop: SHOP, gid: GID })).toEqual({ nextUrl: 'https://shop/orders/1' });
    expect(seen.at(-1)).toMatchObject({ url: `/shops/${SHOP}/payments_apps/api/2026-07/graphql.json`, token: 'shpat_token', body: { variables: { id: GID } } });
  });

  it('a session already resolved (a retried resolve) is done; one rejected meanwhile is an error', async () => {
    answer = () => ({ status: 200, json: { data: { refundSessionResolve: {
      refundSession: { id: GID, state: { __typename: 'RefundSessionStateResolved', code: 'RESOLVED' } }, userErrors: [{ field: ['id'], message: 'invalid state', code: 'REFUND_SESSION_INVALID_STATE' }],
    } } } });
    await expect(gateway().resolveRefund({ shop: SHOP, gid: GID })).resolves.toBeUndefined();
    answer = () => ({ status: 200, json: { data: { captureSessionResolve: {
      captureSession: { id: GID, state: { __typename: 'CaptureSessionStateRejected', code: 'REJECTED', reason: 'PROCESSING_ERROR' } },
      userErrors: [{ field: ['id'], message: 'Capture session is rejected', code: 'CAPTURE_SESSION_INVALID_STATE' }],
    } } } });
    const refused = await gateway().resolveCapture({ shop: SHOP, gid: GID }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SettleError);
    expect((refused as SettleError).message).toContain('Capture session is rejected');
  });

  it('sends the rejection reason and the merchant’s message', async () => {
    answer = () => ({ status: 200, json: { data: { voidSessionReject: { voidSession: { id: GID, state: { __typename: 'VoidSessionStateRejected', code: 'REJECTED', reason: 'PROCESSING_ERROR' } }, userErrors: [] } } } });
    await gateway().rejectVoid({ shop: SHOP, gid: GID }, { code: 'PROCESSING_ERROR', merchantMessage: 'already captured' });
    expect(seen.at(-1)?.body.variables).toEqual({ id: GID, reason: { code: 'PROCESSING_ERROR', merchantMessage: 'already captured' } });
  });

  it('throttling and server errors are retried later; a shop without a token is a person’s problem', async () => {
    answer = () => ({ status: 200, json: { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }] } });
    await expect(gateway().resolveVoid({ shop: SHOP, gid: GID })).rejects.toBeInstanceOf(RetryableError);
    answer = () => ({ status: 503, json: {} });
    await expect(gateway().resolveVoid({ shop: SHOP, gid: GID })).rejects.toBeInstanceOf(RetryableError);
    const missing = await gateway().resolveVoid({ shop: 'other.myshopify.com', gid: GID }).catch((e: unknown) => e);
    expect((missing as SettleError).code).toBe('shopify_not_installed');
  });
});
