/**
 * ISO 4217 minor-unit exponents. Only currencies whose exponent is not 2 need listing; everything
 * else Stripe, Shopify, WooCommerce and QuickBooks treat as two-decimal.
 * (Stripe's zero-decimal list; three-decimal currencies per ISO 4217.)
 */
const ZERO_DECIMAL = new Set([
  'BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF',
]);
const THREE_DECIMAL = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);

export type CurrencyCode = string;

/** Upper-cases and checks a currency code; throws on anything that is not three letters. */
export function currencyCode(value: string): CurrencyCode {
  const code = value.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) throw new RangeError(`"${value}" is not an ISO 4217 currency code`);
  return code;
}

/** How many digits follow the decimal point for this currency's minor unit. */
export function minorUnitExponent(currency: CurrencyCode): number {
  const code = currencyCode(currency);
  if (ZERO_DECIMAL.has(code)) return 0;
  if (THREE_DECIMAL.has(code)) return 3;
  return 2;
}
