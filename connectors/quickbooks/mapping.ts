import { minorUnitExponent, money, toDecimal, type Money } from '../../core/money';
import { ACCOUNT_ROLES, type AccountRole } from '../../core/ledger/accounts';

/** QuickBooks takes amounts as JSON numbers; two-decimal strings convert exactly enough for its parser. */
export const qbAmount = (value: Money): number => Number(toDecimal(value));

/** The QuickBooks account type each ledger role is created as when the merchant has not mapped one. */
export function accountTypeFor(role: AccountRole): { AccountType: string; AccountSubType: string } {
  if (role === 'currency_rounding') return { AccountType: 'Other Expense', AccountSubType: 'ExchangeGainOrLoss' };
  switch (ACCOUNT_ROLES[role].type) {
    case 'income':
      return { AccountType: 'Income', AccountSubType: 'SalesOfProductIncome' };
    case 'liability':
      return { AccountType: 'Other Current Liability', AccountSubType: 'SalesTaxPayable' };
    case 'expense':
      return { AccountType: 'Expense', AccountSubType: 'BankCharges' };
    case 'bank':
      return { AccountType: 'Bank', AccountSubType: 'Checking' };
  }
}

/**
 * The QuickBooks account types an account must have to stand for a role: the mapping step offers
 * only these, and refuses another (a bank account cannot take sales income).
 */
export function fittingAccountTypes(role: AccountRole): string[] {
  switch (ACCOUNT_ROLES[role].type) {
    case 'income':
      return ['Income', 'Other Income'];
    case 'liability':
      return ['Other Current Liability'];
    case 'expense':
      return ['Expense', 'Other Expense'];
    case 'bank':
      // A clearing account is often set up as an other current asset rather than a bank.
      return role === 'bank' ? ['Bank'] : ['Bank', 'Other Current Asset'];
  }
}

/** Mapping keys: the account of a role, the item of a SKU, the fallback item (the income item). */
export const mappingKeys = {
  account: (role: AccountRole) => `account:${role}`,
  itemForSku: (sku: string) => `item:sku:${sku}`,
  /** Products without a SKU, or whose SKU has no item, are sold as the income item. */
  fallbackItem: 'item:income',
  customer: (emailOrName: string) => `customer:${emailOrName.toLowerCase()}`,
} as const;

/** Sends one request to QuickBooks within the company's limits (see QuickBooksBooks.send). */
export type Send = <T>(run: (cb: (error: unknown, body?: unknown) => void) => void, doing: string) => Promise<T>;

export interface Ref {
  value: string;
}
export const ref = (value: string): Ref => ({ value });

/** Decimals of the ExchangeRate Settle sends (home units per foreign unit). */
export const EXCHANGE_RATE_DECIMALS = 6;

const pow10 = (n: number): bigint => 10n ** BigInt(n);
/** a / b rounded half up, for a >= 0 and b > 0. */
const divideHalfUp = (a: bigint, b: bigint): bigint => (2n * a + b) / (2n * b);

/**
 * A foreign amount in the home currency as QuickBooks converts a line: amount × ExchangeRate,
 * rounded half up (on the absolute value) to the home currency's minor unit. Exact: BigInt on the
 * rate's decimal text.
 */
export function homeAmountOf(foreign: Money, exchangeRate: string, homeCurrency: string): Money {
  const [whole, fraction = ''] = exchangeRate.split('.');
  const rate = BigInt(`${whole}${fraction}`);
  const numerator = BigInt(Math.abs(foreign.amount)) * rate * pow10(minorUnitExponent(homeCurrency));
  const denominator = pow10(fraction.length + minorUnitExponent(foreign.currency));
  return money(Math.sign(foreign.amount) * Number(divideHalfUp(numerator, denominator)), homeCurrency);
}

export interface ForeignReceipt {
  /** Home units per foreign unit, as decimal text: the rate the ledger settled at. */
  exchangeRate: string;
  /** Each ledger line in the shopper's currency. */
  lines: { role: AccountRole; amount: Money }[];
  /**
   * Present when QuickBooks' line-by-line conversion at that rate would not add up to the ledger's
   * home total: a named line whose converted amount is exactly the difference (its foreign amount
   * moves the foreign total by as much, a cent or so).
   */
  rounding?: Money;
}

/**
 * Settle's one place for currency rounding in the books. A receipt the ledger holds in the home
 * currency (`lines`, e.g. USD 110.00 of income) that the shopper paid in another (`presented`,
 * EUR 100.00) is posted in the shopper's currency at the ledger's rate (110.00 / 100.00 = 1.1).
 * The foreign total is split over the lines in proportion (largest remainder, so it adds up to the
 * cent); QuickBooks converts each line on its own (homeAmountOf); when the converted lines do not
 * add up to the ledger's total, a rounding line makes up the difference, so the home-currency
 * amount deposited is the ledger's to the cent.
 */
export function foreignReceipt(lines: { role: AccountRole; amount: Money }[], presented: Money): ForeignReceipt {
  const home = lines[0]?.amount.currency ?? presented.currency;
  const homeTotal = lines.reduce((sum, l) => sum + l.amount.amount, 0);
  if (homeTotal <= 0 || presented.amount <= 0) throw new Error('a receipt in another currency needs positive amounts');
  const eH = minorUnitExponent(home);
  const eF = minorUnitExponent(presented.currency);
  const scaled = divideHalfUp(BigInt(homeTotal) * pow10(eF + EXCHANGE_RATE_DECIMALS), BigInt(presented.amount) * pow10(eH));
  const text = scaled.toString().padStart(EXCHANGE_RATE_DECIMALS + 1, '0');
  const exchangeRate = `${text.slice(0, -EXCHANGE_RATE_DECIMALS)}.${text.slice(-EXCHANGE_RATE_DECIMALS)}`.replace(/\.?0+$/, '');

  // Largest remainder: floor each share of the foreign total, then give the cents left to the largest remainders.
  const shares = lines.map((l, i) => {
    const exact = BigInt(l.amount.amount) * BigInt(presented.amount);
    return { i, floor: Number(exact / BigInt(homeTotal)), remainder: exact % BigInt(homeTotal) };
  });
  let left = presented.amount - shares.reduce((sum, s) => sum + s.floor, 0);
  for (const s of [...shares].sort((a, b) => (b.remainder > a.remainder ? 1 : b.remainder < a.remainder ? -1 : a.i - b.i))) {
    if (left-- <= 0) break;
    s.floor += 1;
  }
  const foreignLines = lines.map((l, i) => ({ role: l.role, amount: money(shares[i]!.floor, presented.currency) }));
  const converted = foreignLines.reduce((sum, l) => sum + homeAmountOf(l.amount, exchangeRate, home).amount, 0);
  const difference = homeTotal - converted;
  if (difference === 0) return { exchangeRate, lines: foreignLines };
  // The foreign amount that converts to exactly the difference: near difference / rate.
  const guess = Number(divideHalfUp(BigInt(Math.abs(difference)) * BigInt(presented.amount), BigInt(homeTotal))) * Math.sign(difference);
  for (const step of [0, 1, -1, 2, -2, 3, -3]) {
    const candidate = money(guess + step * Math.sign(difference), presented.currency);
    if (candidate.amount !== 0 && homeAmountOf(candidate, exchangeRate, home).amount === difference) return { exchangeRate, lines: foreignLines, rounding: candidate };
  }
  throw new Error(`no ${presented.currency} amount converts to ${difference} ${home} minor units at ${exchangeRate}`);
}
