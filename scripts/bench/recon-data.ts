/**
 * The data `npm run bench:recon` reconciles, generated inside PostgreSQL with generate_series (so
 * Node holds none of it): a merchant with ORDERS store orders and their Settle payments, ORDERS −
 * UNPAID of them paid by card in Stripe (a charge balance transaction each), REFUNDED refunded (a
 * refund balance transaction, shown in the store too), PAYOUTS payouts carrying them all (a payout
 * balance transaction each), every sale and refund posted to the books, and a sample of books
 * documents read back unchanged. Then a sprinkling of mismatches is planted, each recorded in
 * `bench_planted (kind, subject)` so the benchmark can check that the match finds exactly those.
 */

export const PLAN = { orders: 1_000_000, unpaid: 10_000, refunded: 5_000, payouts: 5_000, booksReadBack: 20_000, perKind: 50 };

/** Every balance transaction: one per paid order, one per refund, one per payout. */
export const balanceTransactions = () => PLAN.orders - PLAN.unpaid + PLAN.refunded + PLAN.payouts;

const paid = PLAN.orders - PLAN.unpaid;
/** Every (paid / refunded)-th paid order is refunded. */
const REFUND_EVERY = Math.floor(paid / PLAN.refunded);
const LONG_AGO = `timestamptz '2025-01-01T00:00:00Z'`;

/** The generating statements, in order, each with what it makes (printed as progress). */
export function generationSteps(merchant: string): { label: string; sql: string }[] {
  const m = `'${merchant}'`;
  // Order i: paid when i <= paid; refunded when paid and i % REFUND_EVERY = 0; payout 1 + i % PAYOUTS.
  const isRefunded = (i: string) => `(${i} <= ${paid} AND ${i} % ${REFUND_EVERY} = 0)`;
  const amount = (i: string) => `(1000 + (${i} * 37) % 90000)`;
  const fee = (i: string) => `(30 + ${amount(i)} * 29 / 1000)`;
  return [
    {
      label: `${PLAN.orders.toLocaleString('en-US')} payments`,
      sql: `INSERT INTO payments (id, merchant_id, store_platform, order_id, order_number, amount, currency, status, processor_ref, order_status, created_at, updated_at)
            SELECT 'pay_' || i, ${m}, 'woocommerce', i::text, i::text, ${amount('i')}, 'USD',
                   CASE WHEN i <= ${paid} THEN 'succeeded' ELSE 'awaiting_payment' END, 'pi_' || i,
                   CASE WHEN i <= ${paid} THEN 'paid' ELSE 'awaiting_payment' END, ${LONG_AGO}, ${LONG_AGO}
              FROM generate_series(1, ${PLAN.orders}) i`,
    },
    {
      label: `${PLAN.orders.toLocaleString('en-US')} store orders as last read`,
      sql: `INSERT INTO store_order_snapshots (merchant_id, store_platform, order_id, order_number, paid, total, currency, refunded, read_at)
            SELECT ${m}, 'woocommerce', i::text, i::text, i <= ${paid}, ${amount('i')}, 'USD', CASE WHEN ${isRefunded('i')} THEN 1000 ELSE 0 END, ${LONG_AGO}
              FROM generate_series(1, ${PLAN.orders}) i`,
    },
    {
      label: `${PLAN.refunded.toLocaleString('en-US')} Stripe refunds`,
      sql: `INSERT INTO refunds (id, merchant_id, payment_id, amount, currency, origin, status, processor_ref, created_at, updated_at)
            SELECT 'rf_' || i, ${m}, 'pay_' || i, 1000, 'USD', 'processor', 'succeeded', 're_' || i, ${LONG_AGO}, ${LONG_AGO}
              FROM generate_series(${REFUND_EVERY}, ${paid}, ${REFUND_EVERY}) i`,
    },
    {
      label: `${balanceTransactions().toLocaleString('en-US')} ledger entries`,
      sql: `INSERT INTO ledger_entries (id, merchant_id, kind, source_ref, payment_id, description, occurred_at, created_at)
            SELECT 'le_ch_' || i, ${m}, 'charge', 'txn_ch_' || i, 'pay_' || i, 'sale', ${LONG_AGO}, ${LONG_AGO} FROM generate_series(1, ${paid}) i
            UNION ALL
            SELECT 'le_re_' || i, ${m}, 'refund', 'txn_re_' || i, 'pay_' || i, 'refund', ${LONG_AGO}, ${LONG_AGO} FROM generate_series(${REFUND_EVERY}, ${paid}, ${REFUND_EVERY}) i
            UNION ALL
            SELECT 'le_po_' || k, ${m}, 'payout', 'txn_po_' || k, NULL, 'payout', ${LONG_AGO}, ${LONG_AGO} FROM generate_series(1, ${PLAN.payouts}) k`,
    },
    {
      label: 'sale and refund balance transactions',
      sql: `INSERT INTO balance_movements (merchant_id, id, category, amount, fee, net, currency, source_id, payment_id, payout_id, occurred_at, available_on, entry_id)
            SELECT ${m}, 'txn_ch_' || i, 'charge', ${amount('i')}, ${fee('i')}, ${amount('i')} - ${fee('i')}, 'USD', 'ch_' || i, 'pay_' || i,
                   'po_' || (1 + i % ${PLAN.payouts}), ${LONG_AGO}, ${LONG_AGO}, 'le_ch_' || i
              FROM generate_series(1, ${paid}) i
            UNION ALL
            SELECT ${m}, 'txn_re_' || i, 'refund', -1000, 0, -1000, 'USD', 're_' || i, 'pay_' || i,
                   'po_' || (1 + (i + 1) % ${PLAN.payouts}), ${LONG_AGO}, ${LONG_AGO}, 'le_re_' || i
              FROM generate_series(${REFUND_EVERY}, ${paid}, ${REFUND_EVERY}) i`,
    },
    {
      label: `${PLAN.payouts.toLocaleString('en-US')} payouts and their own balance transactions`,
      sql: `WITH sums AS (
              SELECT payout_id, sum(net) AS net FROM balance_movements WHERE merchant_id = ${m} GROUP BY payout_id
            ), payouts_made AS (
              INSERT INTO payouts (merchant_id, processor_ref, amount, currency, status, arrival_date, created_at, updated_at)
              SELECT ${m}, payout_id, net, 'USD', 'paid', date '2025-01-03', ${LONG_AGO}, ${LONG_AGO} FROM sums RETURNING processor_ref, amount
            )
            INSERT INTO balance_movements (merchant_id, id, category, amount, fee, net, currency, source_id, payout_id, occurred_at, available_on, entry_id)
            SELECT ${m}, 'txn_' || processor_ref, 'payout', -amount, 0, -amount, 'USD', processor_ref, processor_ref, ${LONG_AGO}, ${LONG_AGO},
                   'le_' || processor_ref FROM payouts_made`,
    },
    {
      label: 'books documents for every sale and refund',
      sql: `INSERT INTO books_documents (merchant_id, entry_id, part, request_id, document_type, document_id, amount, currency, posted_at)
            SELECT ${m}, entry_id, 'main', entry_id || '.main', CASE WHEN category = 'charge' THEN 'SalesReceipt' ELSE 'RefundReceipt' END,
                   'qb_' || entry_id, abs(amount), currency, ${LONG_AGO}
              FROM balance_movements WHERE merchant_id = ${m} AND category IN ('charge', 'refund')`,
    },
    {
      label: `${PLAN.booksReadBack.toLocaleString('en-US')} books documents read back unchanged`,
      sql: `INSERT INTO books_document_snapshots (merchant_id, document_type, document_id, amount, currency, read_at)
            SELECT ${m}, document_type, document_id, amount, currency, ${LONG_AGO} FROM books_documents
             WHERE merchant_id = ${m} AND entry_id IN (SELECT 'le_ch_' || i FROM generate_series(1, ${PLAN.booksReadBack}) i)`,
    },
  ];
}

/**
 * The planted mismatches: for each kind, PLAN.perKind orders (or payouts) picked from a band of
 * order numbers of its own, so no two plants touch the same order. Each statement changes the data
 * and records what it planted.
 */
export function plantingSteps(merchant: string): string[] {
  const m = `'${merchant}'`;
  const n = PLAN.perKind;
  // Kind k's orders: 100 000·k + 7 + 1 000·j (j < n), skipping refunded orders unless wanted.
  const band = (k: number, refunded: boolean) =>
    `(SELECT i FROM generate_series(${100_000 * k + 7}, ${100_000 * (k + 1)}, 1) i
       WHERE (i % ${REFUND_EVERY} = 0) = ${refunded} AND i <= ${paid} ORDER BY i LIMIT ${n})`;
  const plant = (kind: string, subject: string, from: string) =>
    `INSERT INTO bench_planted (kind, subject) SELECT '${kind}', ${subject} FROM ${from} AS t(i)`;
  return [
    `CREATE TABLE bench_planted (kind text NOT NULL, subject text NOT NULL, PRIMARY KEY (kind, subject))`,
    // Paid in Stripe, the store never told.
    plant('paid_order_not_updated', `'pay_' || i`, band(1, false)),
    `UPDATE store_order_snapshots SET paid = false WHERE merchant_id = ${m} AND order_id IN (SELECT substr(subject, 5) FROM bench_planted WHERE kind = 'paid_order_not_updated')`,
    // Marked paid in the store with no payment: among the unpaid orders.
    plant('order_paid_without_payment', `'pay_' || i`, `(SELECT i FROM generate_series(${paid + 1}, ${paid + n}) i)`),
    `UPDATE store_order_snapshots SET paid = true WHERE merchant_id = ${m} AND order_id IN (SELECT substr(subject, 5) FROM bench_planted WHERE kind = 'order_paid_without_payment')`,
    // The store's total edited after payment.
    plant('amount_mismatch', `'pay_' || i`, band(2, false)),
    `UPDATE store_order_snapshots SET total = total + 1 WHERE merchant_id = ${m} AND order_id IN (SELECT substr(subject, 5) FROM bench_planted WHERE kind = 'amount_mismatch')`,
    // Refunded in Stripe, the store does not show it.
    plant('refund_missing_in_store', `'pay_' || i`, band(3, true)),
    `UPDATE store_order_snapshots SET refunded = 0 WHERE merchant_id = ${m} AND order_id IN (SELECT substr(subject, 5) FROM bench_planted WHERE kind = 'refund_missing_in_store')`,
    // Refunded in the store only.
    plant('refund_missing_in_processor', `'pay_' || i`, band(4, false)),
    `UPDATE store_order_snapshots SET refunded = 500 WHERE merchant_id = ${m} AND order_id IN (SELECT substr(subject, 5) FROM bench_planted WHERE kind = 'refund_missing_in_processor')`,
    // Never posted to the books.
    plant('books_entry_missing', `'le_ch_' || i`, band(5, false)),
    `DELETE FROM books_documents WHERE merchant_id = ${m} AND entry_id IN (SELECT subject FROM bench_planted WHERE kind = 'books_entry_missing')`,
    // Edited in the books after posting (read back with another amount).
    plant('books_entry_edited', `'le_ch_' || i`, band(6, false)),
    `INSERT INTO books_document_snapshots (merchant_id, document_type, document_id, amount, currency, read_at)
     SELECT ${m}, 'SalesReceipt', 'qb_' || subject, 1, 'USD', ${LONG_AGO} FROM bench_planted WHERE kind = 'books_entry_edited'`,
    // A payout the bank got one cent more of than its lines explain.
    plant('payout_unexplained', `'po_' || i`, `(SELECT i FROM generate_series(100, ${100 + 10 * (n - 1)}, 10) i)`),
    `UPDATE payouts SET amount = amount + 1 WHERE merchant_id = ${m} AND processor_ref IN (SELECT subject FROM bench_planted WHERE kind = 'payout_unexplained')`,
  ];
}
