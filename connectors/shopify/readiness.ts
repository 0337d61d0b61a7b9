import type { Database, Queryable } from '../../core/storage/database';
import type { SecretBox } from '../../core/secrets/secret-box';
import { loadOutboxItem, markOutboxDone } from '../../core/outbox/outbox';
import type { ConnectionStore } from '../../core/merchants/connections';
import type { ShopifyAppSettings } from './app';
import { appPaymentSessions, type PaymentSessionsFor } from './payment-sessions-gateway';
import { settleBilling } from './plan';

export interface ReadinessServices {
  db: Database;
  box: SecretBox;
  connections: ConnectionStore;
  config: ShopifyAppSettings & { NODE_ENV: string };
}

/** The scope a shop grants with the payments extension; without it Settle is no payments app there. */
const PAYMENTS_SCOPE = 'write_payment_gateways';

/**
 * Tells Shopify whether the merchant's shop may offer Settle at checkout (paymentsAppConfigure),
 * for one readiness check (core/payments/sessions/readiness.ts): ready while Stripe is connected
 * and Settle's plan is accepted, not ready as soon as either stops. The answer is read from the
 * facts now, under a lock per shop, so checks run in any order, twice or at once still leave Shopify
 * with the latest answer. Shopify takes the same answer again as a no-op. `externalHandle` is the
 * merchant's Settle id, which Shopify shows beside the payment method in the merchant's admin.
 */
export async function tellShopifyReadiness(services: ReadinessServices, outboxId: string, sessionsFor: PaymentSessionsFor = appPaymentSessions(services)): Promise<string> {
  const item = await loadOutboxItem(services.db, outboxId);
  if (!item || item.doneAt) return 'already done';
  return services.db.transaction(async (tx) => {
    const shop = (await tx.query<{ shop: string; scopes: string | null }>(
      `SELECT settings->>'shop' AS shop, settings->>'scopes' AS scopes FROM connections WHERE merchant_id = $1 AND platform = 'shopify' AND settings->>'status' = 'active'`,
      [item.merchantId],
    ))[0];
    const finish = async (outcome: string) => {
      await markOutboxDone(tx, item.id);
      return outcome;
    };
    // Uninstalled: Shopify dropped the app's configuration with it; there is no one to tell.
    if (!shop) return finish('no installed Shopify shop: nothing to tell');
    if (shop.scopes !== null && !shop.scopes.split(',').includes(PAYMENTS_SCOPE)) {
      return finish(`${shop.shop} has not granted ${PAYMENTS_SCOPE} (the payments extension's scope): nothing to tell`);
    }
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`shopify-ready:${shop.shop}`]);
    const notReady = await whyNotReady(services, tx, item.merchantId, shop.shop);
    await (await sessionsFor(shop.shop)).configure(notReady === null, item.merchantId);
    await tx.query(
      `UPDATE connections SET settings = settings || jsonb_build_object('paymentsReady', $2::boolean, 'paymentsReadyReason', $3::text), updated_at = now()
        WHERE merchant_id = $1 AND platform = 'shopify'`,
      [item.merchantId, notReady === null, notReady],
    );
    return finish(notReady === null ? `${shop.shop} offers Settle at checkout` : `${shop.shop} does not offer Settle at checkout: ${notReady}`);
  });
}

/** Why the shop's checkout may not offer Settle now, in the merchant's words; null when it may. */
async function whyNotReady(services: ReadinessServices, tx: Queryable, merchantId: string, shop: string): Promise<string | null> {
  const stripe = (await tx.query<{ status: string | null }>(`SELECT settings->>'status' AS status FROM connections WHERE merchant_id = $1 AND platform = 'stripe'`, [merchantId]))[0];
  // Connected with API keys has no status; through Connect it is 'active' until disconnected or revoked.
  if (!stripe) return 'Stripe is not connected';
  if (stripe.status !== null && stripe.status !== 'active') return `Stripe is ${stripe.status}`;
  const plan = await settleBilling(services, tx).planStatus(shop);
  if (plan.status !== 'active') return `Settle's plan is ${plan.status === 'none' ? 'not chosen yet' : plan.status}`;
  return null;
}
