// The QuickBooks query language subset Settle and node-quickbooks use:
//   select * | count(*) from <Entity>
//     [where <Field> <op> <value> [and ...]]   op: = < > <= >= != in(...) like '%x%'
//     [orderby <Field> [asc|desc][, ...]] [startposition n] [maxresults n]
// Keywords and entity names are case-insensitive (node-quickbooks sends "from account").
// String comparison is case-insensitive, as QuickBooks' name lookups are. There is no OR,
// as in QuickBooks.
import { faults } from './faults';

export type Value = string | number | boolean;
export interface Condition {
  field: string;
  op: '=' | '<' | '>' | '<=' | '>=' | '!=' | 'in' | 'like';
  values: Value[];
}
export interface Query {
  count: boolean;
  entity: string;
  where: Condition[];
  orderBy: { field: string; desc: boolean }[];
  startPosition: number;
  maxResults: number;
}

const MAX_RESULTS = 1000; // QuickBooks' cap per page

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /\s*(?:('(?:\\.|[^'\\])*')|(<=|>=|!=|[=<>(),*])|([\w.]+))/y;
  let i = 0;
  while (i < text.length) {
    if (/^\s*$/.test(text.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) throw faults.query(`Encountered " ${text.slice(i).trim().slice(0, 20)} " at column ${i + 1}`);
    tokens.push(m[1] ?? m[2] ?? m[3] ?? '');
    i = re.lastIndex;
  }
  return tokens;
}

export function parseQuery(text: string): Query {
  const t = tokenize(text);
  let pos = 0;
  const peek = (): string | undefined => t[pos];
  const kw = (word: string): boolean => {
    if (peek()?.toLowerCase() === word) {
      pos++;
      return true;
    }
    return false;
  };
  const expect = (word: string): void => {
    if (!kw(word)) throw faults.query(`Encountered "${peek() ?? '<EOF>'}" at token ${pos + 1}. Was expecting: "${word}"`);
  };
  const ident = (what: string): string => {
    const v = peek();
    if (!v || !/^[A-Za-z_][\w.]*$/.test(v)) throw faults.query(`Encountered "${v ?? '<EOF>'}" at token ${pos + 1}. Was expecting: ${what}`);
    pos++;
    return v;
  };
  const literal = (): Value => {
    const v = peek();
    pos++;
    if (v?.startsWith("'")) return v.slice(1, -1).replace(/\\(.)/g, '$1');
    if (v !== undefined && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
    if (v?.toLowerCase() === 'true' || v?.toLowerCase() === 'false') return v.toLowerCase() === 'true';
    throw faults.query(`Encountered "${v ?? '<EOF>'}" at token ${pos}. Was expecting a literal`);
  };
  const integer = (): number => {
    const v = peek();
    pos++;
    if (!v || !/^\d+$/.test(v)) throw faults.query(`Encountered "${v ?? '<EOF>'}" at token ${pos}. Was expecting an integer`);
    return Number(v);
  };

  expect('select');
  let count = false;
  if (kw('count')) {
    expect('(');
    expect('*');
    expect(')');
    count = true;
  } else if (!kw('*')) {
    // A field list: QuickBooks returns the full entity anyway for most; accept and ignore.
    do ident('a field name');
    while (kw(','));
  }
  expect('from');
  const entity = ident('an entity name');
  const where: Condition[] = [];
  if (kw('where')) {
    do {
      const field = ident('a field name');
      const opToken = peek()?.toLowerCase();
      pos++;
      if (opToken === 'in') {
        expect('(');
        const values: Value[] = [];
        do values.push(literal());
        while (kw(','));
        expect(')');
        where.push({ field, op: 'in', values });
      } else if (opToken && ['=', '<', '>', '<=', '>=', '!=', 'like'].includes(opToken)) {
        where.push({ field, op: opToken as Condition['op'], values: [literal()] });
      } else {
        throw faults.query(`Encountered "${opToken ?? '<EOF>'}" at token ${pos}. Was expecting an operator`);
      }
    } while (kw('and'));
  }
  const orderBy: Query['orderBy'] = [];
  if (kw('orderby') || (kw('order') && (expect('by'), true))) {
    do {
      const field = ident('a field name');
      const desc = kw('desc');
      if (!desc) kw('asc');
      orderBy.push({ field, desc });
    } while (kw(','));
  }
  let startPosition = 1;
  let maxResults = MAX_RESULTS;
  for (;;) {
    if (kw('startposition')) startPosition = Math.max(1, integer());
    else if (kw('maxresults')) maxResults = Math.min(MAX_RESULTS, integer());
    else break;
  }
  if (pos < t.length) throw faults.query(`Encountered "${t[pos] ?? ''}" at token ${pos + 1}. Was expecting: <EOF>`);
  return { count, entity, where, orderBy, startPosition, maxResults };
}

/** Field lookup: dotted paths, and a reference compares by its `value` (CustomerRef = '5'). */
function fieldOf(entity: Record<string, unknown>, path: string): unknown {
  let v: unknown = entity;
  for (const part of path.split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    const obj = v as Record<string, unknown>;
    const key = Object.keys(obj).find((k) => k.toLowerCase() === part.toLowerCase());
    v = key === undefined ? undefined : obj[key];
  }
  if (typeof v === 'object' && v !== null && 'value' in v) return (v as { value: unknown }).value;
  // An email address compares by its Address (Customer where PrimaryEmailAddr = 'a@b.c').
  if (typeof v === 'object' && v !== null && 'Address' in v) return (v as { Address: unknown }).Address;
  return v;
}

function compare(a: unknown, b: Value): number {
  if (typeof b === 'number' || (typeof a === 'number' && !Number.isNaN(Number(b)))) return Number(a) - Number(b);
  const x = String(a ?? '').toLowerCase();
  const y = String(b).toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function likeToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('%')
    .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'is');
}

function matches(e: Record<string, unknown>, c: Condition): boolean {
  const v = fieldOf(e, c.field);
  const first = c.values[0] as Value;
  switch (c.op) {
    case 'in':
      return c.values.some((x) => compare(v, x) === 0);
    case 'like':
      return likeToRegExp(String(first)).test(String(v ?? ''));
    case '=':
      return compare(v, first) === 0;
    case '!=':
      return compare(v, first) !== 0;
    case '<':
      return compare(v, first) < 0;
    case '>':
      return compare(v, first) > 0;
    case '<=':
      return compare(v, first) <= 0;
    case '>=':
      return compare(v, first) >= 0;
  }
}

export function runQuery<T extends Record<string, unknown>>(q: Query, rows: T[]): { rows: T[]; total: number } {
  let out = rows.filter((e) => q.where.every((c) => matches(e, c)));
  const order = q.orderBy.length > 0 ? q.orderBy : [{ field: 'Id', desc: false }];
  out = [...out].sort((a, b) => {
    for (const o of order) {
      const av = fieldOf(a, o.field);
      const bv = fieldOf(b, o.field);
      const numeric = typeof av === 'number' || (o.field === 'Id' && !Number.isNaN(Number(av)));
      const d = numeric ? Number(av) - Number(bv) : compare(av, String(bv ?? ''));
      if (d !== 0) return o.desc ? -d : d;
    }
    return 0;
  });
  return { rows: out.slice(q.startPosition - 1, q.startPosition - 1 + q.maxResults), total: out.length };
}
