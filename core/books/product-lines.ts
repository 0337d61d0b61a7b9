import type { Money } from '../money';
import type { StoreOrderLine } from '../stores/store';

/** A receipt line for one product of the order: the SKU the books map to an item, how many, and its share of income. */
export interface ProductLine {
  sku: string;
  name: string;
  quantity: number;
  amount: Money;
}

/**
 * Splits the income the ledger recorded for a sale over the order's products, so a receipt names
 * each product and still adds up to the ledger to the cent. When the order's line totals are in
 * the ledger's currency and sum to the income (the usual case) they are used as they are;
 * otherwise (another presentment currency, a discount the lines do not show) each line gets its
 * share by weight, and the cents left by rounding down go to the lines with the largest remainders
 * (ties: the earlier line). This is the one place product lines are rounded. No lines, or lines
 * worth nothing: none (the receipt keeps one income line).
 */
export function productLines(income: Money, lines: StoreOrderLine[]): ProductLine[] {
  const sold = lines.filter((l) => l.total.amount > 0);
  const weights = sold.map((l) => BigInt(l.total.amount));
  const weightTotal = weights.reduce((a, b) => a + b, 0n);
  if (sold.length === 0 || weightTotal === 0n || income.amount <= 0) return [];
  const asIs = sold.every((l) => l.total.currency === income.currency) && weightTotal === BigInt(income.amount);
  const amounts = asIs ? weights : allocate(BigInt(income.amount), weights, weightTotal);
  return sold.map((l, i) => ({
    sku: l.sku.trim(),
    name: l.name,
    quantity: l.quantity,
    amount: { amount: Number(amounts[i]), currency: income.currency },
  }));
}

function allocate(total: bigint, weights: bigint[], weightTotal: bigint): bigint[] {
  const shares = weights.map((w) => (total * w) / weightTotal);
  let left = total - shares.reduce((a, b) => a + b, 0n);
  const byRemainder = weights
    .map((w, i) => ({ i, remainder: (total * w) % weightTotal }))
    .sort((a, b) => (a.remainder === b.remainder ? a.i - b.i : a.remainder > b.remainder ? -1 : 1));
  for (const { i } of byRemainder) {
    if (left <= 0n) break;
    shares[i]! += 1n;
    left -= 1n;
  }
  return shares;
}
