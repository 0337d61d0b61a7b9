/**
 * How the demo tells its story on the terminal: numbered steps, and tables where a person would
 * rather look than read (the ledger entry, the QuickBooks documents, the balances side by side).
 */
import type { LedgerEntryView, PaymentsView, QuickBooksDocuments } from '../../test/support/journey';

type Row = string[];

/** Columns padded to their widest cell; numbers (last columns) right-aligned. */
export function table(header: Row, rows: Row[], rightAligned: number[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: Row) =>
    cells.map((c, i) => (rightAligned.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].map((l) => `     ${l}`).join('\n');
}

const dollars = (value: number | undefined) => (value === undefined ? '' : value.toFixed(2));

export function story(write: (text: string) => void = (t) => process.stdout.write(`${t}\n`)) {
  let step = 0;
  return {
    title(text: string) {
      write(`\n${text}\n${'═'.repeat(text.length)}`);
    },
    step(text: string) {
      step += 1;
      write(`\n${String(step).padStart(2)}. ${text}`);
    },
    quote(label: string, text: string) {
      write(`     ${label}: “${text}”`);
    },
    entries(caption: string, entries: LedgerEntryView[]) {
      for (const entry of entries) {
        this.step(`${caption}: ${entry.description}, ${entry.occurredAt.slice(0, 10)}`);
        const rows = entry.postings.map((p) => [p.account, p.debit ?? '', p.credit ?? '']);
        write(table(['Account', 'Debit', 'Credit'], rows, [1, 2]));
      }
    },
    documents(caption: string, documents: QuickBooksDocuments['documents'], types: string[]) {
      this.step(`${caption}:`);
      const rows = types.flatMap((type) => (documents[type] ?? []).map((d) => [type, d.Id, dollars(d.TotalAmt ?? d.Amount)]));
      write(table(['Document', 'QuickBooks id', 'Amount'], rows, [2]));
    },
    /** The ledger's balances beside the same accounts in QuickBooks: they must agree to the cent. */
    balances(caption: string, ledger: PaymentsView['balances'], accounts: NonNullable<QuickBooksDocuments['documents'][string]>) {
      this.step(`${caption}: Settle's ledger and QuickBooks agree to the cent`);
      const rows = ledger.map((b) => {
        const inBooks = accounts.find((a) => a.Name === b.name)?.CurrentBalance;
        return [b.name, b.balanceFormatted, inBooks === undefined ? '—' : dollars(inBooks)];
      });
      write(table(['Account', 'Ledger', 'QuickBooks'], rows, [1, 2]));
    },
    links(links: Record<string, string>) {
      const width = Math.max(...Object.keys(links).map((k) => k.length));
      for (const [label, url] of Object.entries(links)) write(`   ${label.padEnd(width)}  ${url}`);
    },
  };
}
