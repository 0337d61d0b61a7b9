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

/** Formats integer minor units for display, e.g. (10000, 'USD') → "$100.00". */
export function formatMinor(amount: number, currency: string, locale?: string): string {
  try {
    const fmt = new Intl.NumberFormat(locale, { style: 'currency', currency });
    const exponent = fmt.resolvedOptions().maximumFractionDigits ?? 2;
    return fmt.format(amount / 10 ** exponent);
  } catch {
    // Unknown currency code or locale: still show something a person can read.
    return `${currency} ${amount}`;
  }
}

/** Prefer the server's pre-formatted string (it knows the merchant's locale); fall back to Intl. */
export function displayMoney(money: Money, formatted: string | null | undefined, locale?: string): string {
  return formatted && formatted.length > 0 ? formatted : formatMinor(money.amount, money.currency, locale);
}
