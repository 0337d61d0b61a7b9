// What every route handler shares: refusing parameters the sandbox does not model, and finding
// an object or answering Stripe's 404.
import type { StripeObject } from './store';
import { invalidRequest, resourceMissing } from './errors';

/** Refuse spec-valid parameters the sandbox does not implement (so tests do not lie). */
export function onlySupported(p: Record<string, unknown>, supported: string[]) {
  for (const k of Object.keys(p)) {
    if (!supported.includes(k))
      throw invalidRequest(`Stripe sandbox does not implement parameter: ${k}`, { param: k });
  }
}

export const LIST = ['limit', 'starting_after', 'ending_before', 'expand'];

export function get(map: Map<string, StripeObject>, id: string | undefined, what: string, param = 'id'): StripeObject {
  const found = id ? map.get(id) : undefined;
  if (!found) throw resourceMissing(what, id ?? '', param);
  return found;
}
