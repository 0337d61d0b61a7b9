import { describe, expect, it } from 'vitest';
import { csvField, spreadsheetText, toCsv } from './csv';

describe('CSV writer (RFC 4180)', () => {
  it('ends every record, the header too, with CRLF and leaves plain fields bare', () => {
    expect(toCsv([['gross', 'fee', 'net'], ['200.00', '6.10', '193.90']])).toBe('gross,fee,net\r\n200.00,6.10,193.90\r\n');
  });

  it('quotes a field with a comma, a quote or a line break, doubling its quotes', () => {
    expect(csvField('Smith, Jones & Co')).toBe('"Smith, Jones & Co"');
    expect(csvField('the "big" order')).toBe('"the ""big"" order"');
    expect(csvField('line one\nline two')).toBe('"line one\nline two"');
    expect(csvField('line one\r\nline two')).toBe('"line one\r\nline two"');
    expect(csvField(' padded ')).toBe('" padded "');
    expect(csvField('')).toBe('');
  });

  it('keeps a record with a quoted line break as one record', () => {
    const text = toCsv([['id', 'note'], ['1', 'a,"b"\r\nc']]);
    expect(text).toBe('id,note\r\n1,"a,""b""\r\nc"\r\n');
    // Read back as a spreadsheet would: split only on CRLF outside quotes.
    const records = text.match(/(?:"(?:[^"]|"")*"|[^,"\r\n]*)(?:,(?:"(?:[^"]|"")*"|[^,"\r\n]*))*\r\n/g);
    expect(records).toHaveLength(2);
  });

  it('defuses text a spreadsheet would run as a formula, and leaves ordinary text alone', () => {
    expect(spreadsheetText('=HYPERLINK("http://x")')).toBe(`'=HYPERLINK("http://x")`);
    expect(spreadsheetText('+1')).toBe("'+1");
    expect(spreadsheetText('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(spreadsheetText('1042')).toBe('1042');
    expect(spreadsheetText(null)).toBe('');
    expect(toCsv([[spreadsheetText('=1+1, really')]])).toBe(`"'=1+1, really"\r\n`);
  });
});
