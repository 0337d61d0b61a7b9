import type { Queryable } from '../storage/database';
import type { Money } from '../money';

/** The fee and net the ledger recorded for one payment's sale (for order notes and the admin). */
export async function accountBalancesForPayment(db: Queryable, merchantId: string, paymentId: string): Promise<{ fee?: Money; net?: Money }> {
  const rows = await db.query<{ account_role: string; amount: number; currency: string }>(
    `SELECT p.account_role, p.amount, p.currency FROM ledger_postings p JOIN ledger_entries e ON e.id = p.entry_id
      WHERE e.merchant_id = $1 AND e.payment_id = $2 AND e.kind = 'sale' AND p.account_role IN ('processing_fees', 'stripe_clearing')`,
    [merchantId, paymentId],
  );
  const find = (role: string) => {
    const r = rows.find((row) => row.account_role === role);
    return r && { amount: r.amount, currency: r.currency };
  };
  return { fee: find('processing_fees'), net: find('stripe_clearing') };
}
