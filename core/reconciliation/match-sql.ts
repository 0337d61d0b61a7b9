/**
 * The three-way match as one PostgreSQL statement: store order ↔ Stripe payment ↔ books entry, for
 * every order and payment of one merchant, plus every payout against the lines it carried. It is
 * set-based on purpose: hash joins over a million rows run in the database in about a second,
 * where reading them into Node and matching row by row would not (see `npm run bench:recon`).
 *
 * $1 merchant id; $2 cutoff: work changed after it may still be in flight (the store step or the
 * books step not yet run), so it is not called an exception yet.
 *
 * The statement records what it finds: a new disagreement is inserted (open), one found again is
 * refreshed (a resolved one reopens, an accepted one stays accepted), and an open one no longer
 * found is resolved; each opening and resolution is written to the audit trail. It answers with
 * the exceptions it touched, so their explanations can be written (core/reconciliation/explain.ts).
 */
export const THREE_WAY_MATCH_SQL = `
WITH
-- Refunds Stripe made; in_flight: one asked for (from the store or Settle) that Stripe has not settled yet.
stripe_refunds AS (
  SELECT payment_id, coalesce(sum(amount) FILTER (WHERE status = 'succeeded'), 0) AS amount, max(updated_at) AS changed_at,
         bool_or(status IN ('requested', 'pending')) AS in_flight
    FROM refunds WHERE merchant_id = $1 AND status IN ('succeeded', 'requested', 'pending') GROUP BY payment_id
),
orders AS (
  SELECT p.id AS payment_id, p.processor_ref, p.status, p.order_status, p.updated_at,
         coalesce(p.amount_captured, p.amount) AS paid, p.currency,
         coalesce(p.store_platform, s.store_platform) AS platform, coalesce(p.order_id, s.order_id) AS order_id,
         coalesce(p.order_number, s.order_number) AS order_number,
         s.order_id IS NOT NULL AS read_from_store, s.paid AS store_paid, s.total AS store_total, s.currency AS store_currency,
         s.refunded AS store_refunded, coalesce(r.amount, 0) AS stripe_refunded, r.changed_at AS refund_changed_at,
         coalesce(r.in_flight, false) AS refund_in_flight
    -- Only payments for a store order: a counter sale or a subscription invoice has no order to match.
    FROM (SELECT * FROM payments WHERE merchant_id = $1 AND store_platform IN ('woocommerce', 'shopify')) p
    FULL JOIN (SELECT * FROM store_order_snapshots WHERE merchant_id = $1) s
      ON s.store_platform = p.store_platform AND s.order_id = p.order_id
    LEFT JOIN stripe_refunds r ON r.payment_id = p.id
),
-- Each test once per row; only the few rows that fail any are expanded into exceptions below.
order_flags AS (
  SELECT o.*,
    (o.status = 'succeeded' AND NOT coalesce(o.store_paid, o.order_status = 'paid') AND o.updated_at < $2) AS not_updated,
    (coalesce(o.store_paid, false) AND o.status IS DISTINCT FROM 'succeeded') AS without_payment,
    (o.status = 'succeeded' AND o.read_from_store AND (o.store_total <> o.paid OR o.store_currency <> o.currency)) AS amount_differs,
    (o.read_from_store AND o.stripe_refunded > o.store_refunded AND o.refund_changed_at < $2) AS refund_not_in_store,
    (o.payment_id IS NOT NULL AND o.read_from_store AND o.store_refunded > o.stripe_refunded AND NOT o.refund_in_flight) AS refund_not_in_stripe
  FROM orders o
),
order_found AS (
  SELECT k.kind, coalesce(f.payment_id, f.platform || ':' || f.order_id) AS subject, f.payment_id, f.order_number,
         jsonb_build_object(
           'orderNumber', f.order_number, 'orderId', f.order_id, 'platform', f.platform, 'paymentId', f.payment_id,
           'processorRef', f.processor_ref, 'paymentStatus', f.status, 'paid', f.paid, 'currency', f.currency,
           'storePaid', f.store_paid, 'storeTotal', f.store_total, 'storeCurrency', f.store_currency,
           'storeRefunded', f.store_refunded, 'stripeRefunded', f.stripe_refunded) AS details
    FROM order_flags f
    CROSS JOIN LATERAL (VALUES
      ('paid_order_not_updated', f.not_updated), ('order_paid_without_payment', f.without_payment),
      ('amount_mismatch', f.amount_differs), ('refund_missing_in_store', f.refund_not_in_store),
      ('refund_missing_in_processor', f.refund_not_in_stripe)) AS k(kind, failed)
   WHERE (f.not_updated OR f.without_payment OR f.amount_differs OR f.refund_not_in_store OR f.refund_not_in_stripe) AND k.failed
),
-- A sale or refund of a payment must be in the books, as posted.
sales_and_refunds AS NOT MATERIALIZED (
  SELECT m.id AS movement_id, m.entry_id, m.category, m.amount, m.currency, m.payment_id
    FROM balance_movements m
   WHERE m.merchant_id = $1 AND m.category IN ('charge', 'refund') AND m.payment_id IS NOT NULL
),
-- MATERIALIZED: the entries with no document are few; only for them is the entry's age looked up
-- (an index probe each) instead of probing, or hash-joining, the whole ledger.
without_document AS MATERIALIZED (
  SELECT m.* FROM sales_and_refunds m WHERE NOT EXISTS (SELECT 1 FROM books_documents d WHERE d.entry_id = m.entry_id)
),
books_missing AS (
  SELECT 'books_entry_missing' AS kind, m.*, NULL::text AS document_type, NULL::text AS document_id, NULL::bigint AS posted_amount,
         NULL::bigint AS books_amount, NULL::text AS books_currency
    FROM without_document m
   WHERE (SELECT e.created_at FROM ledger_entries e WHERE e.id = m.entry_id) < $2
),
-- Documents read back from the books (usually few), each found by its id among those posted.
books_changed AS (
  SELECT CASE WHEN b.amount IS NULL THEN 'books_entry_missing' ELSE 'books_entry_edited' END AS kind,
         NULL::text AS movement_id, d.entry_id, e.kind AS category, d.amount, d.currency, e.payment_id,
         d.document_type, d.document_id, d.amount AS posted_amount, b.amount AS books_amount, b.currency AS books_currency
    FROM (SELECT * FROM books_document_snapshots WHERE merchant_id = $1) b
    JOIN books_documents d ON d.merchant_id = $1 AND d.document_type = b.document_type AND d.document_id = b.document_id
    JOIN ledger_entries e ON e.id = d.entry_id
   WHERE (b.amount IS NULL OR b.amount <> d.amount OR b.currency <> d.currency) AND e.payment_id IS NOT NULL
),
books_found AS (
  SELECT x.kind, x.entry_id AS subject, x.payment_id, x.order_number,
         jsonb_build_object(
           'orderNumber', x.order_number, 'paymentId', x.payment_id, 'entryId', x.entry_id, 'movementId', x.movement_id,
           'category', x.category, 'amount', x.amount, 'currency', x.currency, 'documentType', x.document_type,
           'documentId', x.document_id, 'postedAmount', x.posted_amount, 'booksAmount', x.books_amount, 'booksCurrency', x.books_currency) AS details
    FROM (SELECT y.*, (SELECT p.order_number FROM payments p WHERE p.id = y.payment_id) AS order_number
            FROM (SELECT * FROM books_missing UNION ALL SELECT * FROM books_changed) y) x
),
-- A paid payout must equal the net of the lines it carried (its own balance transaction aside).
payout_lines AS (
  SELECT m.payout_id, m.currency, sum(m.net) AS net, count(*) AS lines
    FROM balance_movements m
   WHERE m.merchant_id = $1 AND m.payout_id IS NOT NULL AND NOT (m.category = 'payout' AND m.source_id = m.payout_id)
   GROUP BY m.payout_id, m.currency
),
payout_found AS (
  SELECT 'payout_unexplained' AS kind, po.processor_ref AS subject, NULL::text AS payment_id, NULL::text AS order_number,
         jsonb_build_object('payoutId', po.processor_ref, 'amount', po.amount, 'currency', po.currency,
                            'linesNet', coalesce(l.net, 0), 'lines', coalesce(l.lines, 0), 'arrivalDate', po.arrival_date) AS details
    FROM payouts po LEFT JOIN payout_lines l ON l.payout_id = po.processor_ref AND l.currency = po.currency
   WHERE po.merchant_id = $1 AND po.status = 'paid' AND po.amount <> coalesce(l.net, 0)
),
found AS (
  SELECT * FROM order_found UNION ALL SELECT * FROM books_found UNION ALL SELECT * FROM payout_found
),
touched AS (
  INSERT INTO reconciliation_exceptions AS e (merchant_id, kind, subject, payment_id, order_number, details)
  SELECT $1, kind, subject, payment_id, order_number, details FROM found
  ON CONFLICT (merchant_id, kind, subject) DO UPDATE
     SET details = EXCLUDED.details, last_seen_at = now(),
         status = CASE WHEN e.status = 'resolved' THEN 'open' ELSE e.status END,
         resolved_at = CASE WHEN e.status = 'resolved' THEN NULL ELSE e.resolved_at END
  RETURNING e.id, e.kind, e.details, e.status, e.explanation, (xmax = 0) AS is_new
),
resolved AS (
  UPDATE reconciliation_exceptions e SET status = 'resolved', resolved_at = now()
   WHERE e.merchant_id = $1 AND e.status = 'open'
     AND NOT EXISTS (SELECT 1 FROM found f WHERE f.kind = e.kind AND f.subject = e.subject)
  RETURNING e.id
),
audited AS (
  INSERT INTO reconciliation_audit (merchant_id, exception_id, actor, action, detail)
  SELECT $1, id, 'sweep', 'opened', 'found by the three-way match' FROM touched WHERE is_new
  UNION ALL
  SELECT $1, id, 'sweep', 'resolved', 'the systems agree again' FROM resolved
)
SELECT id, kind, details, status, explanation, is_new, false AS resolved FROM touched
UNION ALL
SELECT id, NULL, NULL, 'resolved', NULL, false, true FROM resolved
`;
