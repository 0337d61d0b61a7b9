// Money helpers shared by the admin and shopper pages. Amounts travel as
// integer minor units (cents, yen, fils); the currency's exponent comes from
// Intl itself so JPY (0), USD (2) and KWD (3) need no lookup table of ours.

export interface Money {
  amount: number;
  currency: string;
}

/** Number of minor-unit digits Intl uses for this currency (USD 2, JPY 0, KWD 3). */
export function currencyExponent(currency: string, locale?: string): number {
  const opts = new Intl.NumberFormat(locale, { style: 'currency', currency }).resolvedOptions();
  return opts.maximumFractionDigits ?? 2;
}

/**
 * Formats integer minor units for display in the reader's locale, e.g. (10000, 'USD', 'de-DE') → "100,00 $".
 * `exponent`: the currency's minor-unit digits as Settle counts them (the server sends it), so the
 * digits shown always match the amount charged; Intl's own table is the fallback.
 */
export function formatMinor(amount: number, currency: string, locale?: string, exponent?: number): string {
  try {
    const digits = exponent ?? new Intl.NumberFormat(locale, { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    const fmt = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    return fmt.format(amount / 10 ** digits);
  } catch {
    // Unknown currency code or locale: still show something a person can read.
    return `${currency} ${amount}`;
  }
}

/** Prefer the server's pre-formatted string (it knows the merchant's locale); fall back to Intl. */
export function displayMoney(money: Money, formatted: string | null | undefined, locale?: string): string {
  return formatted && formatted.length > 0 ? formatted : formatMinor(money.amount, money.currency, locale);
}

/**
 * Minor units as the decimal string payment APIs want ("100.00", "10000", "1.250"), by digits, not
 * by dividing a float, so no amount is ever off by a rounding error.
 */
export function toDecimalString(amount: number, exponent: number): string {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`${amount} is not a whole, non-negative number of minor units`);
  if (exponent === 0) return String(amount);
  const digits = String(amount).padStart(exponent + 1, '0');
  return `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}
