// Money is kept as integer cents; JSON numbers are only parsed/printed at the edges, never
// added as floats. Parsing goes through the decimal text so 0.1 + 0.2 style values (which
// print as 0.30000000000000004) are caught instead of silently rounded.

/** Returns cents, or undefined when the value is not a decimal with at most 2 places. */
export function parseCents(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : undefined;
  if (text === undefined) return undefined;
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) return undefined;
  const cents = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(cents)) return undefined;
  return m[1] === '-' ? -cents : cents;
}

/** Output form: a JSON number, as QuickBooks returns amounts (100.0 → 100, 96.8 → 96.8). */
export function centsToNumber(cents: number): number {
  // Built from the decimal text, so the result is the shortest float for that decimal.
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return Number(`${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`);
}

/**
 * A foreign amount in the home currency, as QuickBooks converts each line: amount × ExchangeRate
 * (home units per foreign unit), rounded half up to the cent. Exact decimal arithmetic: the rate is
 * read from its decimal text, never multiplied as a float. Undefined for a rate that is not a
 * positive decimal.
 */
export function homeCents(cents: number, rate: unknown): number | undefined {
  const text = typeof rate === 'number' ? String(rate) : typeof rate === 'string' ? rate.trim() : '';
  const m = /^(\d+)(?:\.(\d{1,12}))?$/.exec(text);
  if (!m) return undefined;
  const decimals = (m[2] ?? '').length;
  const scaled = BigInt(`${m[1]}${m[2] ?? ''}`);
  if (scaled === 0n) return undefined;
  const scale = 10n ** BigInt(decimals);
  const product = BigInt(Math.abs(cents)) * scaled;
  const rounded = (product * 2n + scale) / (2n * scale); // half up, on the absolute value
  return Math.sign(cents) * Number(rounded);
}
