/**
 * Settle's answers to Shopify's payment, refund, capture and void sessions, against a stand-in
 * Payments Apps API that validates and executes each call on Shopify's real 2026-07 schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShopifyGraphql } from '../../../connectors/shopify/graphql/client';
import { ShopifyUserErrors } from '../../../connectors/shopify/graphql/errors';
import { rejectionCodeFor, ShopifyPaymentSessions } from '../../../connectors/shopify/payments-apps';
import { FAKE_TOKEN, startFakeShop } from './fake-shop';

let fake: Awaited<ReturnType<typeof startFakeShop>>;
let sessions: ShopifyPaymentSessions;

beforeAll(async () => {
  fake = await startFakeShop();
  sessions = new ShopifyPaymentSessions(new ShopifyGraphql(fake.shopify, { shop: fake.shop.shop, accessToken: FAKE_TOKEN }, { api: 'payments-apps' }));
});
afterAll(() => fake.close());

describe('ShopifyPaymentSessions', () => {
  it('resolves a paid session once; a retry finds it resolved, and the shopper goes back to checkout', async () => {
    const session = fake.paymentsApps.open('PaymentSession');
    const resolved = await sessions.resolvePayment(session.id);
    expect(resolved.state.code).toBe('RESOLVED');
    expect(resolved.nextAction?.context.redirectUrl).toMatch(/thank-you$/);
    expect((await sessions.resolvePayment(session.id)).state.code).toBe('RESOLVED');
    expect(session.state).toBe('RESOLVED');
  });

  it("rejects a declined payment with Shopify's reason for Stripe's decline code", async () => {
    const session = fake.paymentsApps.open('PaymentSession');
    const rejected = await sessions.rejectPayment(session.id, rejectionCodeFor('insufficient_funds'), 'The card has insufficient funds.');
    expect(rejected.state).toMatchObject({ code: 'REJECTED', rejectedReason: 'INSUFFICIENT_FUNDS', merchantMessage: 'The card has insufficient funds.' });
    expect(rejectionCodeFor('some_new_code')).toBe('CARD_DECLINED');
    expect(rejectionCodeFor(null)).toBe('PROCESSING_ERROR');
  });

  it('cannot resolve a session it already rejected: Shopify refuses, and says why', async () => {
    const session = fake.paymentsApps.open('PaymentSession');
    await sessions.rejectPayment(session.id, 'CARD_DECLINED');
    await expect(sessions.resolvePayment(session.id)).rejects.toBeInstanceOf(ShopifyUserErrors);
    expect(session.state).toBe('REJECTED');
  });

  it('marks a bank debit pending until it settles', async () => {
    const session = fake.paymentsApps.open('PaymentSession');
    const pending = await sessions.paymentPending(session.id, 'PARTNER_ACTION_REQUIRED', new Date('2026-12-08T00:00:00Z'));
    expect(pending.state).toMatchObject({ code: 'PENDING', pendingReason: 'PARTNER_ACTION_REQUIRED' });
  });

  it('resolves and rejects refund, capture and void sessions', async () => {
    const refund = fake.paymentsApps.open('RefundSession');
    const capture = fake.paymentsApps.open('CaptureSession');
    const voided = fake.paymentsApps.open('VoidSession');
    const failedRefund = fake.paymentsApps.open('RefundSession');
    expect((await sessions.resolveRefund(refund.id)).state.code).toBe('RESOLVED');
    expect((await sessions.rejectCapture(capture.id, 'AUTHORIZATION_EXPIRED', 'The authorization lapsed after 7 days.')).state).toMatchObject({ code: 'REJECTED', reason: 'AUTHORIZATION_EXPIRED' });
    expect((await sessions.resolveVoid(voided.id)).state.code).toBe('RESOLVED');
    expect((await sessions.rejectRefund(failedRefund.id, 'The card issuer refused the refund.')).state).toMatchObject({ code: 'REJECTED', reason: 'PROCESSING_ERROR' });
    expect([refund, capture, voided, failedRefund].map((s) => s.state)).toEqual(['RESOLVED', 'REJECTED', 'RESOLVED', 'REJECTED']);
  });

  it('tells Shopify the merchant is ready to take payments', async () => {
    expect(await sessions.configure(true, 'acct_1Merchant')).toEqual({ ready: true, externalHandle: 'acct_1Merchant' });
    expect(fake.paymentsApps.configuration).toEqual({ ready: true, externalHandle: 'acct_1Merchant' });
  });
});
