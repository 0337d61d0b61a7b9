/**
 * Settle's answers to Shopify's payment, refund, capture and void sessions, against the Shopify
 * sandbox: Shopify's checkout posts each session (to a stand-in for Settle's URLs) and the sandbox's
 * Payments Apps API validates and executes every call on Shopify's real 2026-07 schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shopifyApp } from '../../../connectors/shopify/app';
import { ShopifyGraphql } from '../../../connectors/shopify/graphql/client';
import { ShopifyUserErrors } from '../../../connectors/shopify/graphql/errors';
import { rejectionCodeFor, ShopifyPaymentSessions } from '../../../connectors/shopify/payments-apps';
import { installedShop, receiver, SCOPES, type Installed } from '../../sandbox/shopify/test-helpers';

let s: Installed;
let app: Awaited<ReturnType<typeof receiver>>;
let sessions: ShopifyPaymentSessions;

beforeAll(async () => {
  // Settle's session URLs, played by a receiver that answers each payment session with a page.
  app = await receiver({ answer: (path) => (path === '/payment' ? { status: 201, body: JSON.stringify({ redirect_url: 'https://settle.example/pay/pay_1' }) } : { status: 201 }) });
  s = await installedShop({
    scopes: [...SCOPES, 'write_payment_gateways', 'write_payment_sessions'],
    app: { payments: { paymentSessionUrl: `${app.url}/payment`, refundSessionUrl: `${app.url}/refund`, captureSessionUrl: `${app.url}/capture`, voidSessionUrl: `${app.url}/void` } },
  });
  const shopify = shopifyApp({ SHOPIFY_API_KEY: s.clientId, SHOPIFY_API_SECRET: s.clientSecret, SHOPIFY_SCOPES: 'write_payment_sessions', SHOPIFY_SHOP_URL: s.sandbox.shopUrlTemplate, publicUrl: 'https://settle.example' })!;
  sessions = new ShopifyPaymentSessions(new ShopifyGraphql(shopify, { shop: s.shop, accessToken: s.token }, { api: 'payments-apps' }));
});
afterAll(async () => {
  await s?.sandbox.close();
  await app?.close();
});

/** A buyer checks out with Settle at Shopify: the session Shopify posted. */
const checkout = async (kind: 'sale' | 'authorization' = 'sale') => s.sandbox.startPaymentSession(s.shop, { clientId: s.clientId, amount: '20.00', kind });
const state = (id: string) => s.sandbox.paymentSession(s.shop, id).state;

describe('ShopifyPaymentSessions', () => {
  it('tells Shopify the merchant is ready to take payments, and only then does checkout offer Settle', async () => {
    await expect(checkout()).rejects.toThrow(/paymentsAppConfigure/);
    expect(await sessions.configure(true, 'acct_1Merchant')).toEqual({ ready: true, externalHandle: 'acct_1Merchant' });
    expect(s.sandbox.paymentsConfiguration(s.shop, s.clientId)).toMatchObject({ ready: true, externalHandle: 'acct_1Merchant' });
  });

  it('resolves a paid session once; a retry finds it resolved, and the shopper goes on to the thank-you page', async () => {
    const session = await checkout();
    const resolved = await sessions.resolvePayment(session.gid);
    expect(resolved.state.code).toBe('RESOLVED');
    expect(resolved.nextAction?.context.redirectUrl).toMatch(/thank-you$/);
    expect((await sessions.resolvePayment(session.gid)).state.code).toBe('RESOLVED');
    expect(state(session.id)).toBe('RESOLVED');
  });

  it("rejects a declined payment with Shopify's reason for Stripe's decline code", async () => {
    const session = await checkout();
    const rejected = await sessions.rejectPayment(session.gid, rejectionCodeFor('insufficient_funds'), 'The card has insufficient funds.');
    expect(rejected.state).toMatchObject({ code: 'REJECTED', rejectedReason: 'INSUFFICIENT_FUNDS', merchantMessage: 'The card has insufficient funds.' });
    expect(rejectionCodeFor('lost_card')).toBe('PICK_UP_CARD');
    expect(rejectionCodeFor('some_new_code')).toBe('CARD_DECLINED');
    expect(rejectionCodeFor(null)).toBe('PROCESSING_ERROR');
  });

  it('cannot resolve a session it already rejected: Shopify refuses, and says why', async () => {
    const session = await checkout();
    await sessions.rejectPayment(session.gid, 'CARD_DECLINED');
    await expect(sessions.resolvePayment(session.gid)).rejects.toBeInstanceOf(ShopifyUserErrors);
    expect(state(session.id)).toBe('REJECTED');
  });

  it('marks a bank debit pending until it settles, then resolves it', async () => {
    const session = await checkout();
    const pending = await sessions.paymentPending(session.gid, 'NETWORK_ACTION_REQUIRED', new Date(Date.now() + 86_400_000));
    expect(pending.state).toMatchObject({ code: 'PENDING', pendingReason: 'NETWORK_ACTION_REQUIRED' });
    expect((await sessions.resolvePayment(session.gid)).state.code).toBe('RESOLVED');
  });

  it('resolves and rejects refund, capture and void sessions', async () => {
    const sale = await checkout();
    await sessions.resolvePayment(sale.gid);
    const held = await checkout('authorization');
    await sessions.resolvePayment(held.gid);
    const other = await checkout('authorization');
    await sessions.resolvePayment(other.gid);
    const refund = await s.sandbox.startFollowUpSession(s.shop, 'refund', { paymentId: sale.gid, amount: '5.00' });
    const failedRefund = await s.sandbox.startFollowUpSession(s.shop, 'refund', { paymentId: sale.gid, amount: '5.00' });
    const capture = await s.sandbox.startFollowUpSession(s.shop, 'capture', { paymentId: held.gid });
    const voided = await s.sandbox.startFollowUpSession(s.shop, 'void', { paymentId: other.gid });
    expect((await sessions.resolveRefund(refund.gid)).state.code).toBe('RESOLVED');
    expect((await sessions.rejectCapture(capture.gid, 'AUTHORIZATION_EXPIRED', 'The authorization lapsed after 7 days.')).state).toMatchObject({ code: 'REJECTED', reason: 'AUTHORIZATION_EXPIRED' });
    expect((await sessions.resolveVoid(voided.gid)).state.code).toBe('RESOLVED');
    expect((await sessions.rejectRefund(failedRefund.gid, 'The card issuer refused the refund.')).state).toMatchObject({ code: 'REJECTED', reason: 'PROCESSING_ERROR' });
    expect([refund, capture, voided, failedRefund].map((x) => state(x.id))).toEqual(['RESOLVED', 'REJECTED', 'RESOLVED', 'REJECTED']);
  });
});
