// Stripe Terminal's endpoints (terminal.ts): locations, readers, handing a reader a payment, and
// the test helper that taps a card on a simulated reader.
import type { RouteDef } from './api';
import { invalidRequest } from './errors';
import { listObject, type ListParams } from './lists';
import {
  cancelAction, createLocation, findLocation, findReader, presentPaymentMethod, processPaymentIntent, registerReader, terminalLocations, terminalReaders,
} from './terminal';

type Params = Record<string, unknown>;

/** Refuse spec-valid parameters the sandbox does not implement (so tests do not lie). */
function onlySupported(p: Params, supported: string[]) {
  for (const k of Object.keys(p)) {
    if (!supported.includes(k)) throw invalidRequest(`Stripe sandbox does not implement parameter: ${k}`, { param: k });
  }
}
const LIST = ['limit', 'starting_after', 'ending_before', 'expand'];

export const terminalRoutes: RouteDef[] = [
  {
    method: 'POST', path: '/v1/terminal/locations', spec: '/v1/terminal/locations',
    handler: (ctx, p) => {
      onlySupported(p, ['address', 'display_name', 'metadata', 'expand']);
      return createLocation(ctx, p);
    },
  },
  {
    method: 'GET', path: '/v1/terminal/locations', spec: '/v1/terminal/locations',
    handler: (ctx, p) => {
      onlySupported(p, LIST);
      return listObject('/v1/terminal/locations', terminalLocations(ctx.acct), p as ListParams);
    },
  },
  {
    method: 'GET', path: '/v1/terminal/locations/:id', spec: '/v1/terminal/locations/{location}',
    handler: (ctx) => findLocation(ctx.acct, ctx.path.id),
  },
  {
    method: 'POST', path: '/v1/terminal/readers', spec: '/v1/terminal/readers',
    handler: (ctx, p) => {
      onlySupported(p, ['registration_code', 'label', 'location', 'metadata', 'expand']);
      return registerReader(ctx, p);
    },
  },
  {
    method: 'GET', path: '/v1/terminal/readers', spec: '/v1/terminal/readers',
    handler: (ctx, p) => {
      onlySupported(p, [...LIST, 'location', 'status']);
      const all = terminalReaders(ctx.acct).filter((r) => (!p.location || r.location === p.location) && (!p.status || r.status === p.status));
      return listObject('/v1/terminal/readers', all, p as ListParams);
    },
  },
  {
    method: 'GET', path: '/v1/terminal/readers/:id', spec: '/v1/terminal/readers/{reader}',
    handler: (ctx) => findReader(ctx.acct, ctx.path.id),
  },
  {
    method: 'POST', path: '/v1/terminal/readers/:id/process_payment_intent', spec: '/v1/terminal/readers/{reader}/process_payment_intent',
    handler: (ctx, p) => processPaymentIntent(ctx, findReader(ctx.acct, ctx.path.id), p),
  },
  {
    method: 'POST', path: '/v1/terminal/readers/:id/cancel_action', spec: '/v1/terminal/readers/{reader}/cancel_action',
    handler: (ctx) => cancelAction(findReader(ctx.acct, ctx.path.id)),
  },
  {
    method: 'POST', path: '/v1/test_helpers/terminal/readers/:id/present_payment_method',
    spec: '/v1/test_helpers/terminal/readers/{reader}/present_payment_method',
    handler: (ctx, p) => presentPaymentMethod(ctx, findReader(ctx.acct, ctx.path.id), p),
  },
];
