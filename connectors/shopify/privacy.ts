import { newId } from '../../core/ids';
import type { Queryable } from '../../core/storage/database';

/** A Shopify customer as the privacy webhooks name them: ids as text (they exceed a JS number). */
export interface PrivacyCustomer {
  shop: string;
  customerId: string | null;
  email: string | null;
  /** The orders the request is about, as gids (`gid://shopify/Order/…`). */
  orderGids: string[];
}

/**
 * What stays of a webhook payload once it is processed: ids, amounts and statuses (what the books
 * and reconciliation refer to), never names, emails, phones or addresses.
 */
export const KEPT_PAYLOAD_SQL = `jsonb_strip_nulls(jsonb_build_object(
  'id', payload->'id', 'type', payload->'type', 'admin_graphql_api_id', payload->'admin_graphql_api_id', 'order_id', payload->'order_id',
  'name', CASE WHEN payload ? 'financial_status' THEN payload->'name' END, 'financial_status', payload->'financial_status',
  'currency', payload->'currency', 'total_price', payload->'total_price', 'shop_domain', payload->'shop_domain',
  'data_request', payload->'data_request', 'redacted', to_jsonb(true)))`;

/**
 * Inbox rows whose payload may be cut down now: processed ones (nothing reads them again) and
 * Shopify's own, whose processing reads only ids (the privacy request being handled is one of them).
 */
const REDACTABLE = `NOT (payload ? 'redacted') AND (processed_at IS NOT NULL OR platform = 'shopify')`;

/** Rows of a merchant's customer, matched by the email the store knows them by. */
const SAME_EMAIL = `lower(email) = lower($2::text)`;

/**
 * customers/data_request: everything Settle holds about the customer, as one JSON document the
 * merchant downloads from Settle's admin (GET /api/shopify/data-requests/:id) and hands to the
 * customer. Kept until the customer or the shop is redacted; asking twice keeps one export.
 */
export async function exportCustomerData(db: Queryable, merchantId: string, requestRef: string, customer: PrivacyCustomer): Promise<string> {
  const customers = await db.query<{ id: string; email: string | null; name: string | null; created_at: Date }>(
    `SELECT id, email, name, created_at FROM customers WHERE merchant_id = $1 AND ${SAME_EMAIL} ORDER BY created_at`, [merchantId, customer.email],
  );
  const customerIds = customers.map((c) => c.id);
  const savedCards = await db.query(
    `SELECT customer_id, brand, last4, exp_month, exp_year, created_at FROM saved_cards WHERE merchant_id = $1 AND customer_id = ANY($2::text[]) ORDER BY created_at`,
    [merchantId, customerIds],
  );
  const payments = await db.query<{ id: string }>(
    `SELECT id, store_platform, order_id, order_number, amount, currency, status, payment_method_type, created_at FROM payments
      WHERE merchant_id = $1 AND (customer_id = ANY($2::text[]) OR (store_platform = 'shopify' AND order_id = ANY($3::text[]))) ORDER BY created_at`,
    [merchantId, customerIds, customer.orderGids],
  );
  const refunds = await db.query(
    `SELECT id, payment_id, amount, currency, reason, status, created_at FROM refunds WHERE merchant_id = $1 AND payment_id = ANY($2::text[]) ORDER BY created_at`,
    [merchantId, payments.map((p) => p.id)],
  );
  const counterSales = await db.query(
    `SELECT id, description, lines, payment_id, customer, created_at FROM counter_sales WHERE merchant_id = $1 AND lower(customer->>'email') = lower($2::text) ORDER BY created_at`,
    [merchantId, customer.email],
  );
  const document = {
    shop: customer.shop, shopifyCustomerId: customer.customerId, email: customer.email, ordersRequested: customer.orderGids,
    generatedAt: new Date().toISOString(),
    note: 'Card numbers never reach Settle: only the brand, last four digits and expiry of saved cards are held. Amounts are in minor units (cents).',
    customers, savedCards, payments, refunds, counterSales,
  };
  const rows = await db.query<{ id: string }>(
    `INSERT INTO shopify_data_requests (id, merchant_id, shop, request_ref, customer_email, export) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (merchant_id, request_ref) DO UPDATE SET export = EXCLUDED.export RETURNING id`,
    [newId('sdr'), merchantId, customer.shop, requestRef, customer.email, JSON.stringify(document)],
  );
  return rows[0]!.id;
}

/**
 * customers/redact: the customer's personal data is erased, not hidden. Their customer records keep
 * only the processor's reference; counter sales forget who bought; webhook payloads that named
 * them keep only ids and amounts; exports made for them are deleted. Payments, refunds and the
 * ledger keep their amounts: the books need them, and they name no one.
 */
export async function redactCustomer(db: Queryable, merchantId: string, customer: PrivacyCustomer): Promise<number> {
  let erased = 0;
  const count = async (sql: string, params: unknown[]) => (erased += (await db.query(sql, params)).length);
  if (customer.email) {
    await count(`UPDATE customers SET email = NULL, name = NULL WHERE merchant_id = $1 AND ${SAME_EMAIL} RETURNING id`, [merchantId, customer.email]);
    await count(`UPDATE counter_sales SET customer = NULL WHERE merchant_id = $1 AND lower(customer->>'email') = lower($2::text) RETURNING id`, [merchantId, customer.email]);
    await count(`DELETE FROM shopify_data_requests WHERE merchant_id = $1 AND lower(customer_email) = lower($2::text) RETURNING id`, [merchantId, customer.email]);
  }
  await count(
    `UPDATE inbox SET payload = ${KEPT_PAYLOAD_SQL} WHERE merchant_id = $1 AND ${REDACTABLE}
       AND (($2::text IS NOT NULL AND strpos(lower(payload::text), lower($2::text)) > 0) OR payload->>'admin_graphql_api_id' = ANY($3::text[])
            OR (platform = 'shopify' AND payload->'customer'->>'id' = $4::text))
     RETURNING id`,
    [merchantId, customer.email, customer.orderGids, customer.customerId],
  );
  return erased;
}

/**
 * shop/redact (48 hours after the app was uninstalled): every customer's personal data the shop's
 * merchant holds is erased the same way. The shop's money (payments, refunds, ledger, payouts)
 * stays, nameless, for the merchant's books and Settle's own records.
 */
export async function redactShop(db: Queryable, merchantId: string): Promise<number> {
  let erased = 0;
  for (const sql of [
    `UPDATE customers SET email = NULL, name = NULL WHERE merchant_id = $1 AND (email IS NOT NULL OR name IS NOT NULL) RETURNING id`,
    `UPDATE counter_sales SET customer = NULL WHERE merchant_id = $1 AND customer IS NOT NULL RETURNING id`,
    `DELETE FROM shopify_data_requests WHERE merchant_id = $1 RETURNING id`,
    `UPDATE inbox SET payload = ${KEPT_PAYLOAD_SQL} WHERE merchant_id = $1 AND ${REDACTABLE} RETURNING id`,
  ]) erased += (await db.query(sql, [merchantId])).length;
  return erased;
}
