/**
 * scripts/bench/results/chaos.json is written by several runs (the fuzz suite, the crash and
 * duplicate-delivery suites), each knowing only its own figures. This merges a run's metrics into
 * the file (keeping every other key) and rewrites only that run's section of BENCHMARKS.md, between
 * `<!-- name -->` and `<!-- /name -->`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Metrics } from './results';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const CHAOS_JSON = `${RESULTS_DIR}chaos.json`;
const BENCHMARKS_MD = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url));

/** Adds (or replaces) these metrics in chaos.json; the file's date is this run's. */
export function mergeChaosMetrics(metrics: Metrics, date = new Date(), file = CHAOS_JSON): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const current = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { metrics?: Metrics }) : {};
  const merged = { ...(current.metrics ?? {}), ...metrics };
  const sorted = Object.fromEntries(Object.keys(merged).sort().map((k) => [k, merged[k]!]));
  writeFileSync(file, `${JSON.stringify({ name: 'chaos', date: date.toISOString(), metrics: sorted }, null, 2)}\n`);
  return file;
}

/** Replaces (or appends) the text between `<!-- name -->` and `<!-- /name -->` in BENCHMARKS.md. */
export function writeChaosSection(name: string, markdown: string, file = BENCHMARKS_MD): string {
  const open = `<!-- ${name} -->`;
  const close = `<!-- /${name} -->`;
  const block = `${open}\n${markdown.trim()}\n${close}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(open);
  const end = current.indexOf(close);
  const next = start >= 0 && end > start ? current.slice(0, start) + block + current.slice(end + close.length) : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
  return file;
}
