/**
 * The chaos figures in scripts/bench/results/chaos.json. Several suites write there (crash,
 * duplicates, infrastructure, fuzzing), each its own keys: a run of one suite keeps the others'.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeResultJson, type Metrics } from '../bench/results';

const FILE = fileURLToPath(new URL('../bench/results/chaos.json', import.meta.url));

export function mergeChaosMetrics(metrics: Metrics, date = new Date()): string {
  const current = existsSync(FILE) ? (JSON.parse(readFileSync(FILE, 'utf8')) as { metrics?: Metrics }).metrics ?? {} : {};
  return writeResultJson('chaos', date, { ...current, ...metrics });
}
