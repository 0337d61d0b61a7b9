// `expand[]=a.b` support: replaces id strings with the referenced objects, only along
// fields the spec marks expandable (x-expandableFields), as Stripe does. Lists expand
// through `data.` (e.g. expand[]=data.source).
import { type Account, type StripeObject, snapshot } from './store';
import { expandableFields } from './spec';
import { invalidRequest } from './errors';

/** Find any stored object of the account by its id prefix. */
export function lookupObject(acct: Account, id: string): StripeObject | undefined {
  const prefix = id.slice(0, id.indexOf('_'));
  const table: Record<string, Map<string, StripeObject>> = {
    pi: acct.paymentIntents,
    pm: acct.paymentMethods,
    ch: acct.charges,
    py: acct.charges, // non-card charges (SEPA Direct Debit)
    txn: acct.balanceTransactions,
    po: acct.payouts,
    evt: acct.events,
    we: acct.webhookEndpoints,
    re: acct.refunds,
    dp: acct.disputes,
  };
  return table[prefix]?.get(id);
}

/** A copy fit to return: webhook endpoint secrets are only shown when created. */
export function publicCopy(obj: StripeObject): StripeObject {
  const copy = snapshot(obj);
  if (copy.object === 'webhook_endpoint') delete copy.secret;
  return copy;
}

const cannotExpand = (path: string) =>
  invalidRequest(`This property cannot be expanded (${path}).`, { param: 'expand' });

function expandInto(acct: Account, target: Record<string, unknown>, segments: string[], full: string, depth: number) {
  const [head, ...rest] = segments;
  if (head === undefined) return;
  if (depth > 4) throw invalidRequest(`You cannot expand more than 4 levels of a property (${full}).`, { param: 'expand' });
  if (target.object === 'list') {
    if (head !== 'data' || !Array.isArray(target.data)) throw cannotExpand(full);
    for (const item of target.data as Record<string, unknown>[]) expandInto(acct, item, rest, full, depth);
    return;
  }
  if (!expandableFields(String(target.object)).includes(head) || !(head in target)) throw cannotExpand(full);
  let value = target[head];
  if (value === null) return;
  if (typeof value === 'string') {
    const found = lookupObject(acct, value);
    if (!found) throw cannotExpand(full);
    value = target[head] = publicCopy(found);
  }
  if (rest.length > 0 && value && typeof value === 'object')
    expandInto(acct, value as Record<string, unknown>, rest, full, depth + 1);
}

export function applyExpand(acct: Account, body: Record<string, unknown>, expand: unknown): void {
  if (!Array.isArray(expand)) return;
  for (const path of expand as string[]) expandInto(acct, body, path.split('.'), path, 1);
}
