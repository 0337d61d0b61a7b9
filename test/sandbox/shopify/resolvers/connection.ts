// Relay connections as Shopify serves them: `first` or `last` is required (at most 250), cursors
// are opaque, and both `edges` and `nodes` are offered.
import { GraphQLError } from "graphql";

export interface PageArgs { first?: number | null; last?: number | null; after?: string | null; before?: string | null; reverse?: boolean | null }

const MAX_PAGE = 250;
const cursorOf = (i: number) => Buffer.from(JSON.stringify({ last_id: i })).toString("base64");
const indexOf = (c: string) => {
  try { return Number((JSON.parse(Buffer.from(c, "base64").toString("utf8")) as { last_id: number }).last_id); } catch { return NaN; }
};

export function connection<T>(all: T[], args: PageArgs, view: (item: T) => unknown) {
  const { first, last } = args;
  if ((first === null || first === undefined) && (last === null || last === undefined)) {
    throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_REQUEST" } });
  }
  for (const n of [first, last]) {
    if (typeof n === "number" && (n < 0 || n > MAX_PAGE)) {
      throw new GraphQLError(`The first and last arguments must be between 0 and ${MAX_PAGE}.`, { extensions: { code: "BAD_REQUEST" } });
    }
  }
  let items = all.map((item, i) => ({ item, i }));
  if (args.reverse) items = items.reverse();
  if (args.after) { const a = items.findIndex((x) => x.i === indexOf(args.after!)); items = items.slice(a + 1); }
  if (args.before) { const b = items.findIndex((x) => x.i === indexOf(args.before!)); if (b >= 0) items = items.slice(0, b); }
  const total = items.length;
  let start = 0;
  let end = total;
  if (typeof first === "number") end = Math.min(total, first);
  if (typeof last === "number") start = Math.max(0, end - last);
  const page = items.slice(start, end);
  const edges = page.map((x) => ({ cursor: cursorOf(x.i), node: view(x.item) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: end < total, hasPreviousPage: start > 0 || Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null, endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/**
 * The search syntax of `query:` arguments, for the terms the sandbox knows (`field:value`, quoted
 * values, `-field:value`, `field:>=value` and the other comparisons, a trailing `*` for a prefix);
 * other free text matches nothing rather than everything.
 */
export function matchesQuery(query: string | null | undefined, fields: (name: string) => string[] | undefined): boolean {
  if (!query || !query.trim()) return true;
  const terms = query.match(/-?[\w.]+:(?:"(?:[^"\\]|\\.)*"|'[^']*'|\S+)|\S+/g) ?? [];
  return terms.every((t) => {
    if (/^(AND|OR)$/i.test(t)) return true;
    const m = /^(-?)([\w.]+):(>=|<=|>|<)?(.*)$/.exec(t);
    if (!m) return false;
    const op = m[3];
    const value = m[4]!.replace(/^"((?:[^"\\]|\\.)*)"$/, (_q, inner: string) => inner.replace(/\\(.)/g, "$1")).replace(/^'([^']*)'$/, "$1");
    const have = fields(m[2]!);
    if (!have) return false;
    const hit = have.some((h) => (op ? compare(h, op, value) : value.endsWith("*") ? h.toLowerCase().startsWith(value.slice(0, -1).toLowerCase()) : h.toLowerCase() === value.toLowerCase()));
    return m[1] ? !hit : hit;
  });
}

/** Dates compare as instants, numbers as numbers, anything else as text. */
function compare(have: string, op: string, want: string): boolean {
  const dated = /^\d{4}-\d{2}-\d{2}/.test(have) && /^\d{4}-\d{2}-\d{2}/.test(want);
  const a = dated ? Date.parse(have) : Number(have);
  const b = dated ? Date.parse(want) : Number(want);
  const [x, y] = Number.isNaN(a) || Number.isNaN(b) ? [have, want] : [a, b];
  return op === ">=" ? x >= y : op === "<=" ? x <= y : op === ">" ? x > y : x < y;
}
