// Money at the sandbox's edges. The store keeps integer minor units; GraphQL speaks `Decimal`
// strings and webhook payloads fixed-point strings, as Shopify does. Parsing is exact (no floats):
// an amount with more decimals than the currency has is refused, not rounded.
import { minorUnitExponent } from "../../../core/money/currency";

// Exponents are ISO 4217 facts; core keeps the one list of them.
export const decimalsOf = (currency: string): number => minorUnitExponent(currency);

/** "12.5" in USD → 1250. Throws a message fit for a userError when the amount cannot be money. */
export function toMinor(amount: unknown, currency: string): number {
  const s = String(amount ?? "").trim();
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) throw new Error(`"${s}" is not a decimal amount`);
  const d = decimalsOf(currency);
  const frac = (m[3] ?? "").replace(/0+$/, "");
  if (frac.length > d) throw new Error(`${s} has more decimals than ${currency.toUpperCase()} allows`);
  const n = Number(m[2]) * 10 ** d + Number(frac.padEnd(d, "0") || "0");
  if (!Number.isSafeInteger(n)) throw new Error(`${s} is too large`);
  return m[1] ? -n : n;
}

function fixed(minor: number, currency: string): string {
  const d = decimalsOf(currency);
  const sign = minor < 0 ? "-" : "";
  const digits = String(Math.abs(minor)).padStart(d + 1, "0");
  return d === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -d)}.${digits.slice(-d)}`;
}

/** GraphQL `Decimal`: Shopify answers "12.5", "10.0", "1000.0". */
export function toDecimal(minor: number, currency: string): string {
  const s = fixed(minor, currency);
  if (!s.includes(".")) return `${s}.0`;
  return s.replace(/0+$/, "").replace(/\.$/, ".0");
}

/** Webhook payloads (REST shapes): fixed decimals, "12.50". */
export const toRestAmount = fixed;

export const moneyV2 = (minor: number, currency: string) => ({ amount: toDecimal(minor, currency), currencyCode: currency });
export const moneyBag = (minor: number, currency: string) => ({ shopMoney: moneyV2(minor, currency), presentmentMoney: moneyV2(minor, currency) });
