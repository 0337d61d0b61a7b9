import { currencyCode, minorUnitExponent, type CurrencyCode } from './currency';

/**
 * An amount of money: an integer count of the currency's minor unit (cents, yen, fils) and the
 * currency. Never a float: every platform's decimal representation is converted at the edge.
 */
export interface Money {
  readonly amount: number;
  readonly currency: CurrencyCode;
}

export function money(amount: number, currency: string): Money {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`money amount must be a whole number of minor units, got ${amount}`);
  return { amount, currency: currencyCode(currency) };
}

/**
 * The one rounding rule: round half up (away from zero for the positive amounts fees are
 * computed on) of numerator / denominator, all integers. Stripe's fee table in the sandbox and the
 * ledger's splits use this and nothing else.
 */
export function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const sign = numerator < 0n ? -1n : 1n;
  const abs = numerator * sign;
  return sign * ((abs * 2n + denominator) / (denominator * 2n));
}

/** Parses a platform's decimal string ("97.20", "10000", "1.234") into minor units, refusing extra precision. */
export function fromDecimal(value: string | number, currency: string): Money {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new RangeError(`"${text}" is not a decimal amount`);
  const [, minus, whole, fraction = ''] = match;
  const exponent = minorUnitExponent(currency);
  const trimmed = fraction.replace(/0+$/, '');
  if (trimmed.length > exponent) throw new RangeError(`"${text}" has more decimals than ${currencyCode(currency)} allows`);
  const minor = Number(`${whole}${fraction.padEnd(exponent, '0').slice(0, exponent)}`);
  return money(minus ? -minor : minor, currency);
}

/** Formats minor units as the plain decimal string platforms expect ("96.80", "9640", "1.250"). */
export function toDecimal(value: Money): string {
  const exponent = minorUnitExponent(value.currency);
  const negative = value.amount < 0;
  const digits = String(Math.abs(value.amount)).padStart(exponent + 1, '0');
  const text = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  return negative ? `-${text}` : text;
}

export function add(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new RangeError(`cannot add ${a.currency} to ${b.currency}`);
  return money(a.amount + b.amount, a.currency);
}
