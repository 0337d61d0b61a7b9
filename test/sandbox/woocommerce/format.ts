// Formatting rules WooCommerce applies to every REST response.

/** The sandbox site runs in UTC, so the "site timezone" date and the _gmt date are equal. */
export function wpDate(ms: number | null): string | null {
  if (ms === null) return null;
  return new Date(ms).toISOString().slice(0, 19);
}

/** Money is kept in integer cents; WooCommerce prints it with dp=2 as a decimal string. */
export function money(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(Math.round(cents));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** Parse a decimal string ("10", "10.5", "10.50") into cents; null when not a number. */
export function toCents(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return Math.round(v * 100);
  if (typeof v !== "string" || v.trim() === "") return null;
  if (!/^-?\d+(\.\d+)?$/.test(v.trim())) return null;
  return Math.round(Number(v) * 100);
}

/**
 * PHP's wp_json_encode() (json_encode without flags) escapes "/" and non-ASCII characters.
 * Webhook bodies and REST responses are byte-for-byte what a receiver would see from PHP,
 * so code that re-serialises a body before checking its signature fails here as it would live.
 */
export function phpJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, "\\/")
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export function slugify(name: string): string {
  const s = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return s || "product";
}
