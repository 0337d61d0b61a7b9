/**
 * RFC 4180 CSV: fields separated by commas, every record (the header too) ended by CRLF, and a
 * field quoted — its quotes doubled — when it holds a comma, a quote or a line break. Fields with
 * leading or trailing spaces are quoted too, since some readers trim unquoted ones.
 */
export function toCsv(records: readonly (readonly string[])[]): string {
  return records.map((record) => `${record.map(csvField).join(',')}\r\n`).join('');
}

export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * For text that came from someone else (a store's order number, a processor's id): a spreadsheet
 * runs a cell starting with = + - @ as a formula, so such text gets a leading apostrophe (OWASP's
 * CSV-injection advice). Amounts are not passed through this: "-50.00" must stay a number.
 */
export function spreadsheetText(value: string | null): string {
  if (value === null) return '';
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
