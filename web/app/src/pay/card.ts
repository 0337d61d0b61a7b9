// Card-form parsing and light validation. Pure functions (no DOM) so they are
// unit-testable. We only catch obvious typos here; Stripe remains the
// authority on whether a card is valid (so no Luhn check that could disagree
// with a sandbox's test numbers).

export interface CardInput {
  number: string; // digits only
  expMonth: number; // 1-12
  expYear: number; // four digits
  cvc: string; // digits only
}

export type CardField = 'number' | 'expiry' | 'cvc';
export type FieldErrors = Partial<Record<CardField, string>>;

export const digitsOnly = (s: string): string => s.replace(/\D+/g, '');

/** "4242424242424242" → "4242 4242 4242 4242"; American Express (34/37) as 4-6-5. */
export function formatCardNumber(raw: string): string {
  const d = digitsOnly(raw).slice(0, 19);
  const groups = /^3[47]/.test(d) ? [4, 6, 5] : [4, 4, 4, 4, 3];
  const out: string[] = [];
  let i = 0;
  for (const g of groups) {
    if (i >= d.length) break;
    out.push(d.slice(i, i + g));
    i += g;
  }
  return out.join(' ');
}

/** Typing "1228" shows "12 / 28"; a leading 2-9 means a single-digit month ("4" → "04 / "). */
export function formatExpiry(raw: string): string {
  let d = digitsOnly(raw);
  if (d.length === 1 && d > '1') d = `0${d}`;
  d = d.slice(0, 4);
  return d.length > 2 ? `${d.slice(0, 2)} / ${d.slice(2)}` : d;
}

/** Accepts "MM / YY", "MM/YY", "MMYY" and "MM / YYYY". */
export function parseExpiry(raw: string): { month: number; year: number } | null {
  const m = /^\s*(\d{1,2})\s*\/?\s*(\d{2}|\d{4})\s*$/.exec(raw);
  if (!m || !m[1] || !m[2]) return null;
  const month = Number(m[1]);
  const year = m[2].length === 2 ? 2000 + Number(m[2]) : Number(m[2]);
  if (month < 1 || month > 12) return null;
  return { month, year };
}

export function validateCard(
  fields: { number: string; expiry: string; cvc: string },
  now: Date = new Date(),
): { card: CardInput; errors: null } | { card: null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const number = digitsOnly(fields.number);
  if (number.length === 0) errors.number = 'Enter your card number.';
  else if (number.length < 12 || number.length > 19) errors.number = 'Your card number is incomplete.';

  const exp = parseExpiry(fields.expiry);
  if (fields.expiry.trim() === '') errors.expiry = 'Enter the expiry date.';
  else if (!exp) errors.expiry = 'Enter the expiry date as MM / YY.';
  else if (exp.year < now.getFullYear() || (exp.year === now.getFullYear() && exp.month < now.getMonth() + 1))
    errors.expiry = 'Your card has expired.';

  const cvc = digitsOnly(fields.cvc);
  if (cvc.length === 0) errors.cvc = 'Enter the security code.';
  else if (cvc.length < 3 || cvc.length > 4) errors.cvc = 'The security code is 3 or 4 digits.';

  if (Object.keys(errors).length > 0 || !exp) return { card: null, errors };
  return { card: { number, expMonth: exp.month, expYear: exp.year, cvc }, errors: null };
}
