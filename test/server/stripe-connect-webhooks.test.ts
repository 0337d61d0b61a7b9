import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMerchant } from '../../core/merchants/merchants';
import { applyInboundEvent } from '../../core/payments/settlement';
import { startSettleInProcess } from '../support/in-process';

const SECRET = 'whsec_test_connect_platform';
const stripe = new Stripe('sk_test_unused');

/** The platform's Connect endpoint: verified with the platform's secret, routed by `event.account`. */
describe('Stripe Connect webhook endpoint', () => {
  let settle: Awaited<ReturnType<typeof startSettleInProcess>>;
  const merchants: Record<'a' | 'b', string> = { a: '', b: '' };
  const inboxOf = async (merchantId: string) =>
    (await settle.services.db.query<{ event_id: string }>('SELECT event_id FROM inbox WHERE merchant_id = $1 ORDER BY id', [merchantId])).map((r) => r.event_id);
  const event = (id: string, account?: string) =>
    JSON.stringify({ id, object: 'event', ...(account ? { account } : {}), type: 'payment_intent.succeeded', data: { object: { id: 'pi_1', object: 'payment_intent' } } });
  const deliver = (body: string, secret = SECRET) =>
    fetch(`${settle.url}/webhooks/stripe/connect`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'Stripe-Signature': stripe.webhooks.generateTestHeaderString({ payload: body, secret }) }, body,
    });

  beforeAll(async () => {
    settle = await startSettleInProcess({ STRIPE_CONNECT_CLIENT_ID: 'ca_test_platform', STRIPE_PLATFORM_SECRET_KEY: 'sk_test_platform', STRIPE_CONNECT_WEBHOOK_SECRET: SECRET });
    for (const key of ['a', 'b'] as const) {
      merchants[key] = (await createMerchant(settle.services.db, `Connect Shop ${key}`)).merchant.id;
      await settle.services.connections.save({
        merchantId: merchants[key], platform: 'stripe', secrets: {},
        settings: { mode: 'connect', accountId: `acct_${key}`, publishableKey: 'pk_test_x', scope: 'read_write', livemode: false, status: 'active', connectedAt: new Date().toISOString() },
      });
    }
  });
  afterAll(() => settle.close());

  it("records an event for the merchant whose account it names, once, and never for another merchant", async () => {
    const body = event('evt_for_a', 'acct_a');
    expect(await (await deliver(body)).json()).toEqual({ received: true, duplicate: false });
    expect(await (await deliver(body)).json()).toEqual({ received: true, duplicate: true });
    expect(await inboxOf(merchants.a)).toEqual(['evt_for_a']);
    expect(await inboxOf(merchants.b)).toEqual([]);
  });

  it('answers 200 and records nothing for an account no merchant holds, or a platform event', async () => {
    const unknown = await deliver(event('evt_stranger', 'acct_nobody'));
    expect(unknown.status).toBe(200);
    expect(await unknown.json()).toEqual({ received: true, ignored: 'unknown_account' });
    expect(await (await deliver(event('evt_platform'))).json()).toEqual({ received: true, ignored: 'platform_event' });
    const n = (await settle.services.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM inbox WHERE event_id IN ('evt_stranger', 'evt_platform')`))[0]!.n;
    expect(n).toBe(0);
  });

  it("refuses an event signed with another secret (a merchant's own endpoint secret, say)", async () => {
    const response = await deliver(event('evt_forged', 'acct_b'), 'whsec_someone_else');
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('invalid_signature');
    expect(await inboxOf(merchants.b)).toEqual([]);
  });

  it('deauthorization, once processed, revokes the connection; later events are finished without retrying', async () => {
    const deauthorized = JSON.stringify({ id: 'evt_deauth_a', object: 'event', account: 'acct_a', type: 'account.application.deauthorized', data: { object: { id: 'ca_test_platform', object: 'application' } } });
    await deliver(deauthorized);
    const inboxId = async (eventId: string) => (await settle.services.db.query<{ id: number }>('SELECT id FROM inbox WHERE event_id = $1', [eventId]))[0]!.id;
    expect(await applyInboundEvent(settle.services, await inboxId('evt_deauth_a'))).toBe('processor access revoked');
    const status = async (m: string) => (await settle.services.connections.list(m)).find((c) => c.platform === 'stripe')?.status;
    expect(await status(merchants.a)).toBe('revoked');
    expect(await status(merchants.b)).toBe('active');

    // Stripe can no longer be asked about A's payment: the event is closed with the reason, not retried forever.
    await deliver(event('evt_after_revoke', 'acct_a'));
    expect(await applyInboundEvent(settle.services, await inboxId('evt_after_revoke'))).toMatch(/^not applied: Settle no longer has access to your Stripe account/);
    const processed = await settle.services.db.query<{ processed_at: Date | null }>(`SELECT processed_at FROM inbox WHERE event_id = 'evt_after_revoke'`);
    expect(processed[0]!.processed_at).not.toBeNull();
  });
});
