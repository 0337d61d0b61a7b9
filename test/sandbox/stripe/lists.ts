// Stripe list objects and cursor pagination (newest first; limit 1..100, default 10;
// starting_after / ending_before by object id).
import { type StripeObject } from './store';
import { invalidRequest } from './errors';
import { publicCopy } from './expand';

export interface ListParams {
  limit?: number;
  starting_after?: string;
  ending_before?: string;
}

export function listObject(url: string, items: StripeObject[], p: ListParams): Record<string, unknown> {
  const limit = p.limit ?? 10;
  if (limit < 1) throw invalidRequest('This value must be greater than or equal to 1.', { param: 'limit' });
  if (limit > 100) throw invalidRequest('This value must be less than or equal to 100.', { param: 'limit' });
  // Maps keep insertion order; newest first is the reverse (created ties within a second).
  const ordered = [...items].reverse();
  let page: StripeObject[];
  let hasMore: boolean;
  const cursor = (id: string, param: string) => {
    const i = ordered.findIndex((o) => o.id === id);
    if (i < 0) throw invalidRequest(`No such object: '${id}'`, { code: 'resource_missing', param });
    return i;
  };
  if (p.starting_after) {
    const rest = ordered.slice(cursor(p.starting_after, 'starting_after') + 1);
    page = rest.slice(0, limit);
    hasMore = rest.length > limit;
  } else if (p.ending_before) {
    const before = ordered.slice(0, cursor(p.ending_before, 'ending_before'));
    page = before.slice(Math.max(0, before.length - limit));
    hasMore = before.length > limit;
  } else {
    page = ordered.slice(0, limit);
    hasMore = ordered.length > limit;
  }
  return { object: 'list', data: page.map(publicCopy), has_more: hasMore, url };
}

/** The `created` filter of list endpoints: a unix time, or a range {gt, gte, lt, lte}. */
export function createdMatches(created: unknown, filter: unknown): boolean {
  if (filter === undefined) return true;
  const t = Number(created);
  if (typeof filter === 'number') return t === filter;
  const f = filter as { gt?: number; gte?: number; lt?: number; lte?: number };
  return (f.gt === undefined || t > f.gt) && (f.gte === undefined || t >= f.gte) && (f.lt === undefined || t < f.lt) && (f.lte === undefined || t <= f.lte);
}
