// The sandbox fee table from shared/scenarios/books.md, implemented exactly:
//   USD settlement: 2.9% + $0.30 domestic card; +1.5% international card;
//                   +1.0% when presentment currency differs from USD (conversion).
//   JPY settlement: 3.6%, no fixed part, whatever the card.
// Fee = round-half-up(settlement amount x total percentage, minor unit) + fixed part.
// Conversion uses the fixed sandbox rate table below (settlement amount rounded half up).
// All arithmetic is in integers (basis points, BigInt) so no float rounding creeps in.

/** Currencies whose minor unit is the unit itself (Stripe's zero-decimal list, subset). */
const ZERO_DECIMAL = new Set(['jpy', 'krw', 'vnd', 'clp']);
/** Stripe's three-decimal currencies: amounts in thousandths, but only in steps of ten (last digit 0). */
export const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);
export const minorDigits = (currency: string) => (ZERO_DECIMAL.has(currency) ? 0 : THREE_DECIMAL.has(currency) ? 3 : 2);

/** Stripe's refusal of a three-decimal amount whose last digit is not 0, or null when it is fine. */
export function threeDecimalProblem(amount: number, currency: string): string | null {
  if (!THREE_DECIMAL.has(currency) || amount % 10 === 0) return null;
  return `Amounts in ${currency} must be rounded to the nearest ten: the least-significant digit must be 0 (got ${amount}).`;
}

/**
 * Fixed sandbox FX rates: 1 unit of the first currency in units of the second, as
 * decimal strings (parsed exactly). Documented rates: eur->usd 1.10, gbp->usd 1.25,
 * cad->usd 0.75, jpy->usd 0.0067, usd->jpy 150, eur->jpy 160, gbp->jpy 190, cad->jpy 110,
 * kwd->usd 3.25, kwd->jpy 490.
 */
export const FX_RATES: Record<string, Record<string, string>> = {
  eur: { usd: '1.10', jpy: '160' },
  gbp: { usd: '1.25', jpy: '190' },
  cad: { usd: '0.75', jpy: '110' },
  jpy: { usd: '0.0067' },
  usd: { jpy: '150' },
  kwd: { usd: '3.25', jpy: '490' },
};
export const SUPPORTED_CURRENCIES = new Set(['usd', 'jpy', 'eur', 'gbp', 'cad', 'kwd']);

/** round-half-up(numerator / denominator) for non-negative BigInts. */
const divHalfUp = (n: bigint, d: bigint) => (n * 2n + d) / (d * 2n);

function parseRate(rate: string): { num: bigint; den: bigint } {
  const [whole, frac = ''] = rate.split('.');
  return { num: BigInt(`${whole}${frac}`), den: 10n ** BigInt(frac.length) };
}

export interface Conversion {
  amount: number; // in settlement currency minor units
  exchangeRate: number | null;
}

export function convert(amount: number, from: string, to: string): Conversion {
  if (from === to) return { amount, exchangeRate: null };
  const rate = FX_RATES[from]?.[to];
  if (!rate) throw new Error(`no sandbox FX rate ${from}->${to}`);
  const { num, den } = parseRate(rate);
  const scaleTo = 10n ** BigInt(minorDigits(to));
  const scaleFrom = 10n ** BigInt(minorDigits(from));
  const converted = divHalfUp(BigInt(amount) * num * scaleTo, den * scaleFrom);
  return { amount: Number(converted), exchangeRate: Number(rate) };
}

export interface FeeInput {
  settlementCurrency: string; // "usd" | "jpy"
  settlementAmount: number; // minor units, after conversion
  presentmentCurrency: string;
  accountCountry: string;
  cardCountry: string;
}

export interface FeeResult {
  fee: number;
  basisPoints: number;
  fixed: number;
  description: string;
}

export function computeFee(i: FeeInput): FeeResult {
  let bp: number;
  let fixed: number;
  const parts: string[] = [];
  if (i.settlementCurrency === 'jpy') {
    bp = 360;
    fixed = 0;
    parts.push('3.6%');
  } else if (i.settlementCurrency === 'usd') {
    bp = 290;
    fixed = 30;
    parts.push('2.9% + 0.30');
    if (i.cardCountry !== i.accountCountry) {
      bp += 150;
      parts.push('international card 1.5%');
    }
    if (i.presentmentCurrency !== 'usd') {
      bp += 100;
      parts.push('currency conversion 1.0%');
    }
  } else {
    throw new Error(`sandbox has no fee table for settlement currency ${i.settlementCurrency}`);
  }
  const pct = divHalfUp(BigInt(i.settlementAmount) * BigInt(bp), 10000n);
  return { fee: Number(pct) + fixed, basisPoints: bp, fixed, description: `Stripe processing fees (${parts.join(', ')})` };
}

// Rates for the payment methods the fee table of books.md does not cover (chosen for the
// sandbox from Stripe's published US pricing; the books scenarios never use them):
//   SEPA Direct Debit: 0.8% of the settlement amount, capped at 5.00 USD (JPY: ¥750), no fixed part.
//   In person (Terminal card_present / interac_present): 2.7% + 0.05 USD (JPY: 3.6%, no fixed part).
// Both add the 1.0% currency conversion of the card table when presentment and settlement differ.

/** The fee of a SEPA Direct Debit, on the (converted) settlement amount. */
export function computeDebitFee(i: Pick<FeeInput, 'settlementCurrency' | 'settlementAmount' | 'presentmentCurrency'>): FeeResult {
  const bp = 80 + (i.presentmentCurrency !== i.settlementCurrency ? 100 : 0);
  const cap = i.settlementCurrency === 'jpy' ? 750 : 500;
  const pct = Number(divHalfUp(BigInt(i.settlementAmount) * BigInt(bp), 10000n));
  return { fee: Math.min(pct, cap), basisPoints: bp, fixed: 0, description: 'Stripe processing fees (SEPA Direct Debit 0.8%, capped)' };
}

/** The fee of a card read by a Terminal reader (in person). */
export function computeInPersonFee(i: Pick<FeeInput, 'settlementCurrency' | 'settlementAmount' | 'presentmentCurrency'>): FeeResult {
  const jpy = i.settlementCurrency === 'jpy';
  const bp = (jpy ? 360 : 270) + (i.presentmentCurrency !== i.settlementCurrency ? 100 : 0);
  const fixed = jpy ? 0 : 5;
  const pct = Number(divHalfUp(BigInt(i.settlementAmount) * BigInt(bp), 10000n));
  return { fee: pct + fixed, basisPoints: bp, fixed, description: `Stripe processing fees (in person ${jpy ? '3.6%' : '2.7% + 0.05'})` };
}
