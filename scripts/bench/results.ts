/**
 * Where every benchmark leaves its figures: `scripts/bench/results/<name>.json` (flat, dotted metric
 * names, for machines comparing runs) and its own section of BENCHMARKS.md (for people). Each
 * benchmark owns the text between its two HTML comment markers and never touches the others'.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const BENCHMARKS_MD = `${ROOT}BENCHMARKS.md`;

const INTRO =
  '# Benchmarks\n\nMeasured figures for Settle\u2019s hot paths, each written by its own `npm run bench:*` script ' +
  '(which rewrites only its section below; raw figures in `scripts/bench/results/`).\n';

export type Metrics = Record<string, number>;

export function writeResultJson(name: string, date: Date, metrics: Metrics): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = `${RESULTS_DIR}${name}.json`;
  writeFileSync(file, `${JSON.stringify({ name, date: date.toISOString(), metrics }, null, 2)}\n`);
  return file;
}

/** Replaces (or appends) the section between `<!-- bench:<name> -->` and `<!-- /bench:<name> -->`. */
export function writeBenchmarksSection(name: string, markdown: string): string {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const block = `${open}\n${markdown.trim()}\n${close}`;
  const current = existsSync(BENCHMARKS_MD) ? readFileSync(BENCHMARKS_MD, 'utf8') : INTRO;
  const start = current.indexOf(open);
  const end = current.indexOf(close);
  const next =
    start >= 0 && end > start
      ? current.slice(0, start) + block + current.slice(end + close.length)
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(BENCHMARKS_MD, next);
  return BENCHMARKS_MD;
}

/** A GitHub-flavoured Markdown table; the first row is the header. */
export function markdownTable(rows: (string | number)[][]): string {
  const [header = [], ...body] = rows;
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...body.map(line)].join('\n');
}

/** The same rows, aligned for a terminal. */
export function textTable(rows: (string | number)[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => String(c).padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}
