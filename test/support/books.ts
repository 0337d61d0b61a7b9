/**
 * The bookkeeper's check at the end of a scenario: the balances in Settle's ledger AND in the
 * QuickBooks sandbox, to the cent, and how many QuickBooks documents of each type were written.
 */
import { expect } from 'vitest';
import { toDecimal, minorUnitExponent } from '../../core/money';
import { ACCOUNT_ROLES, type AccountRole } from '../../core/ledger/accounts';
import { eventually } from './settle-process';
import { readBooks, readPayments, type ConnectedMerchant, type Sandboxes } from './journey';

/** Minor units by account role; the Stripe clearing account is expected at zero unless named. */
export type Balances = Partial<Record<AccountRole, number>>;
export type DocumentCounts = Record<string, number>;

/** Waits until the ledger and QuickBooks both show `expected`, then checks the documents. */
export async function expectBooks(
  settleUrl: string, sandboxes: Sandboxes, m: ConnectedMerchant, currency: string, expected: Balances, documents: DocumentCounts,
): Promise<void> {
  const exponent = minorUnitExponent(currency);
  const want = Object.fromEntries(Object.entries({ stripe_clearing: 0, ...expected }).map(([role, minor]) => [role, minor]));
  const ledgerNow = async () =>
    Object.fromEntries((await readPayments(settleUrl, m.apiKey)).balances.filter((b) => b.balance !== 0 || b.role === 'stripe_clearing').map((b) => [b.role, b.balance]));
  const ledger = await eventually(ledgerNow, (l) => JSON.stringify(sorted(l)) === JSON.stringify(sorted(want)), 60_000).catch(async () => ledgerNow());
  expect(sorted(ledger)).toEqual(sorted(want));

  const booksNow = async () => {
    const books = await readBooks(sandboxes, m.realmId);
    const byName = new Map((books.documents.Account ?? []).map((a) => [a.Name, a.CurrentBalance]));
    // An account QuickBooks never saw (clearing, per payout) holds nothing: it reads as zero.
    const balances = Object.fromEntries(Object.keys(want).map((role) => [role, (byName.get(ACCOUNT_ROLES[role as AccountRole].name) ?? 0).toFixed(exponent)]));
    const counts = Object.fromEntries(Object.keys(documents).map((type) => [type, (books.documents[type] ?? []).length]));
    return { balances, counts };
  };
  const wantBooks = {
    balances: Object.fromEntries(Object.entries(want).map(([role, minor]) => [role, toDecimal({ amount: minor, currency })])),
    counts: documents,
  };
  const books = await eventually(booksNow, (b) => JSON.stringify(b) === JSON.stringify(wantBooks), 60_000).catch(async () => booksNow());
  if (JSON.stringify(books) !== JSON.stringify(wantBooks)) console.log(JSON.stringify((await readBooks(sandboxes, m.realmId)).documents, null, 1));
  expect(books).toEqual(wantBooks);
}

function sorted(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
