/** Reading Prometheus' text format as a scraper does: one figure by name and (some of) its labels. */
export function figure(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) {
      total += Number(match[3]);
      found = true;
    }
  }
  if (!found) throw new Error(`no ${name} ${JSON.stringify(labels)} in the scrape`);
  return total;
}

export async function scrape(url: string, token?: string): Promise<string> {
  const response = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!response.ok) throw new Error(`GET ${url} → ${response.status}`);
  return response.text();
}
