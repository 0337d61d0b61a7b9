// The /v1 endpoints the sandbox implements. Parameters arrive already checked against
// the spec (api.ts); handlers only apply business rules. A parameter the spec allows but
// the sandbox does not model is refused loudly rather than silently ignored.
import { randomBytes } from 'node:crypto';
import type { RouteCtx, RouteDef } from './api';
import { type StripeObject, newId } from './store';
import { invalidRequest, resourceMissing } from './errors';
import { confirmPaymentIntent, createPaymentIntent } from './payment-intents';
import { cancelPaymentIntent, capturePaymentIntent } from './capture';
import { createCardPaymentMethod } from './payment-methods';
import { createdMatches, listObject, type ListParams } from './lists';
import { publicCopy } from './expand';
import { createRefund } from './refunds';
import { acceptDispute, updateDispute } from './disputes';
import { LIST, get, onlySupported } from './route-helpers';
import { billingRoutes } from './billing-routes';
import { createSepaDebitPaymentMethod, findMandate } from './sepa-debit';
import { terminalRoutes } from './terminal-routes';
import { accountRoutes } from './account-routes';

type Params = Record<string, unknown>;

/** Stripe's `created` list filter: one exact second, or a range of gt / gte / lt / lte (already integers, per the spec). */
function createdFilter(filter: unknown): (created: number) => boolean {
  if (filter === undefined) return () => true;
  if (typeof filter === 'number') return (c) => c === filter;
  const f = filter as { gt?: number; gte?: number; lt?: number; lte?: number };
  return (c) => (f.gt === undefined || c > f.gt) && (f.gte === undefined || c >= f.gte) && (f.lt === undefined || c < f.lt) && (f.lte === undefined || c <= f.lte);
}

/** With a publishable key, a PaymentIntent is only reachable with its client_secret. */
function checkClientSecret(ctx: RouteCtx, pi: StripeObject, p: Params) {
  if (ctx.keyKind !== 'publishable') return;
  if (p.client_secret === undefined)
    throw invalidRequest('You must provide a client_secret when using a publishable key.', { code: 'parameter_missing', param: 'client_secret' });
  if (p.client_secret !== pi.client_secret)
    throw invalidRequest('The client_secret provided does not match the client_secret associated with the PaymentIntent.', { param: 'client_secret' });
}

export const routes: RouteDef[] = [
  {
    method: 'POST', path: '/v1/webhook_endpoints', spec: '/v1/webhook_endpoints',
    handler: (ctx, p) => {
      onlySupported(p, ['url', 'enabled_events', 'description', 'metadata', 'api_version', 'connect', 'expand']);
      let url: URL;
      try {
        url = new URL(String(p.url));
      } catch {
        throw invalidRequest(`Invalid URL: ${String(p.url)}`, { param: 'url' });
      }
      // Stripe refuses non-public URLs; the sandbox must allow loopback receivers.
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw invalidRequest('Invalid URL: URL must be an http(s) URL.', { param: 'url' });
      const ep: StripeObject = {
        id: newId('we'),
        object: 'webhook_endpoint',
        api_version: typeof p.api_version === 'string' ? p.api_version : null,
        application: null,
        created: ctx.state.now(),
        description: typeof p.description === 'string' && p.description !== '' ? p.description : null,
        enabled_events: p.enabled_events,
        livemode: ctx.acct.livemode,
        metadata: p.metadata || {},
        secret: `whsec_${randomBytes(24).toString('hex')}`,
        status: 'enabled',
        url: url.toString(),
      };
      ctx.acct.webhookEndpoints.set(ep.id, ep);
      // connect=true: the endpoint receives the events of accounts connected to this platform.
      if (p.connect === true) ctx.acct.connectEndpoints.add(ep.id);
      return { ...ep }; // the only response that shows the secret
    },
  },
  {
    method: 'GET', path: '/v1/webhook_endpoints', spec: '/v1/webhook_endpoints',
    handler: (ctx, p) => listObject('/v1/webhook_endpoints', [...ctx.acct.webhookEndpoints.values()], p as ListParams),
  },
  {
    method: 'GET', path: '/v1/webhook_endpoints/:id', spec: '/v1/webhook_endpoints/{webhook_endpoint}',
    handler: (ctx) => publicCopy(get(ctx.acct.webhookEndpoints, ctx.path.id, 'webhook endpoint', 'webhook_endpoint')),
  },
  {
    method: 'DELETE', path: '/v1/webhook_endpoints/:id', spec: '/v1/webhook_endpoints/{webhook_endpoint}',
    handler: (ctx) => {
      const ep = get(ctx.acct.webhookEndpoints, ctx.path.id, 'webhook endpoint', 'webhook_endpoint');
      ctx.acct.webhookEndpoints.delete(ep.id);
      ctx.acct.connectEndpoints.delete(ep.id);
      return { id: ep.id, object: 'webhook_endpoint', deleted: true };
    },
  },
  {
    method: 'POST', path: '/v1/payment_intents', spec: '/v1/payment_intents',
    handler: (ctx, p) => {
      onlySupported(p, ['amount', 'currency', 'payment_method_types', 'allowed_payment_method_types', 'automatic_payment_methods', 'metadata',
        'description', 'receipt_email', 'statement_descriptor', 'statement_descriptor_suffix', 'capture_method',
        'payment_method', 'confirm', 'return_url', 'mandate_data', 'expand', 'customer', 'off_session']);
      return createPaymentIntent(ctx, p);
    },
  },
  {
    method: 'GET', path: '/v1/payment_intents', spec: '/v1/payment_intents',
    handler: (ctx, p) => {
      onlySupported(p, [...LIST, 'created']);
      const all = [...ctx.acct.paymentIntents.values()].filter((pi) => createdMatches(pi.created, p.created));
      return listObject('/v1/payment_intents', all, p as ListParams);
    },
  },
  {
    method: 'GET', path: '/v1/payment_intents/:id', spec: '/v1/payment_intents/{intent}', publishable: true,
    handler: (ctx, p) => {
      const pi = get(ctx.acct.paymentIntents, ctx.path.id, 'payment_intent', 'intent');
      checkClientSecret(ctx, pi, p);
      return pi;
    },
  },
  {
    method: 'POST', path: '/v1/payment_intents/:id/confirm', spec: '/v1/payment_intents/{intent}/confirm', publishable: true,
    handler: (ctx, p) => {
      onlySupported(p, ['payment_method', 'client_secret', 'return_url', 'receipt_email', 'mandate_data', 'expand', 'use_stripe_sdk', 'off_session']);
      const pi = get(ctx.acct.paymentIntents, ctx.path.id, 'payment_intent', 'intent');
      checkClientSecret(ctx, pi, p);
      return confirmPaymentIntent(ctx, pi, p);
    },
  },
  {
    method: 'POST', path: '/v1/payment_intents/:id/capture', spec: '/v1/payment_intents/{intent}/capture',
    handler: (ctx, p) => {
      onlySupported(p, ['amount_to_capture', 'metadata', 'expand']);
      return capturePaymentIntent(ctx, get(ctx.acct.paymentIntents, ctx.path.id, 'payment_intent', 'intent'), p);
    },
  },
  {
    method: 'POST', path: '/v1/payment_intents/:id/cancel', spec: '/v1/payment_intents/{intent}/cancel',
    handler: (ctx, p) => {
      onlySupported(p, ['cancellation_reason', 'expand']);
      return cancelPaymentIntent(ctx, get(ctx.acct.paymentIntents, ctx.path.id, 'payment_intent', 'intent'), p);
    },
  },
  {
    method: 'POST', path: '/v1/payment_methods', spec: '/v1/payment_methods', publishable: true,
    handler: (ctx, p) => {
      onlySupported(p, ['type', 'card', 'sepa_debit', 'billing_details', 'metadata', 'expand']);
      if (p.type === 'sepa_debit') {
        if (!p.sepa_debit) throw invalidRequest('Missing required param: sepa_debit.', { code: 'parameter_missing', param: 'sepa_debit' });
        return createSepaDebitPaymentMethod(ctx.acct, ctx.state.now(), p.sepa_debit as { iban: string },
          p.billing_details as Record<string, unknown> | undefined, (p.metadata as Record<string, string> | undefined) || undefined);
      }
      if (p.type !== 'card')
        throw invalidRequest('Stripe sandbox: only type=card and type=sepa_debit payment methods are implemented', { param: 'type' });
      if (!p.card) throw invalidRequest('Missing required param: card.', { code: 'parameter_missing', param: 'card' });
      return createCardPaymentMethod(ctx.acct, ctx.state.now(), p.card as Record<string, never>, {
        billing_details: p.billing_details as Record<string, unknown> | undefined,
        metadata: (p.metadata as Record<string, string> | undefined) || undefined,
      });
    },
  },
  {
    method: 'GET', path: '/v1/payment_methods/:id', spec: '/v1/payment_methods/{payment_method}',
    handler: (ctx) => get(ctx.acct.paymentMethods, ctx.path.id, 'PaymentMethod', 'payment_method'),
  },
  {
    method: 'GET', path: '/v1/charges', spec: '/v1/charges',
    handler: (ctx, p) => {
      onlySupported(p, [...LIST, 'payment_intent']);
      const all = [...ctx.acct.charges.values()].filter((c) => !p.payment_intent || c.payment_intent === p.payment_intent);
      return listObject('/v1/charges', all, p as ListParams);
    },
  },
  {
    method: 'GET', path: '/v1/charges/:id', spec: '/v1/charges/{charge}',
    handler: (ctx) => get(ctx.acct.charges, ctx.path.id, 'charge', 'charge'),
  },
  {
    method: 'GET', path: '/v1/balance_transactions', spec: '/v1/balance_transactions',
    handler: (ctx, p) => {
      onlySupported(p, [...LIST, 'payout', 'type', 'source', 'currency', 'created']);
      if (typeof p.payout === 'string' && !ctx.acct.payouts.has(p.payout))
        throw resourceMissing('payout', p.payout, 'payout');
      const all = [...ctx.acct.balanceTransactions.values()].filter((t) =>
        (!p.payout || ctx.acct.paidOutBy.get(t.id) === p.payout) &&
        (!p.type || t.type === p.type) &&
        (!p.source || t.source === p.source) &&
        (!p.currency || t.currency === p.currency) &&
        createdMatches(t.created, p.created));
      return listObject('/v1/balance_transactions', all, p as ListParams);
    },
  },
  {
    method: 'GET', path: '/v1/balance_transactions/:id', spec: '/v1/balance_transactions/{id}',
    handler: (ctx) => get(ctx.acct.balanceTransactions, ctx.path.id, 'balance transaction'),
  },
  {
    method: 'GET', path: '/v1/payouts', spec: '/v1/payouts',
    handler: (ctx, p) => {
      onlySupported(p, [...LIST, 'status']);
      const all = [...ctx.acct.payouts.values()].filter((po) => !p.status || po.status === p.status);
      return listObject('/v1/payouts', all, p as ListParams);
    },
  },
  {
    method: 'GET', path: '/v1/payouts/:id', spec: '/v1/payouts/{payout}',
    handler: (ctx) => get(ctx.acct.payouts, ctx.path.id, 'payout', 'payout'),
  },
  {
    method: 'POST', path: '/v1/refunds', spec: '/v1/refunds',
    handler: (ctx, p) => {
      onlySupported(p, ['payment_intent', 'charge', 'amount', 'metadata', 'reason', 'expand']);
      return createRefund(ctx, p);
    },
  },
  {
    method: 'GET', path: '/v1/refunds/:id', spec: '/v1/refunds/{refund}',
    handler: (ctx) => get(ctx.acct.refunds, ctx.path.id, 'refund', 'refund'),
  },
  {
    method: 'GET', path: '/v1/refunds', spec: '/v1/refunds',
    handler: (ctx, p) => {
      onlySupported(p, [...LIST, 'charge', 'payment_intent']);
      const all = [...ctx.acct.refunds.values()].filter((r) =>
        (!p.charge || r.charge === p.charge) && (!p.payment_intent || r.payment_intent === p.payment_intent));
      return listObject('/v1/refunds', all, p as ListParams);
    },
  },
  {
    method: 'GET', path: '/v1/disputes', spec: '/v1/disputes',
    handler: (ctx, p) => {
      onlySupported(p, [...LIST, 'charge', 'payment_intent']);
      const all = [...ctx.acct.disputes.values()].filter((d) =>
        (!p.charge || d.charge === p.charge) && (!p.payment_intent || d.payment_intent === p.payment_intent));
      return listObject('/v1/disputes', all, p as ListParams);
    },
  },
  {
    method: 'GET', path: '/v1/disputes/:id', spec: '/v1/disputes/{dispute}',
    handler: (ctx) => get(ctx.acct.disputes, ctx.path.id, 'dispute', 'dispute'),
  },
  {
    method: 'POST', path: '/v1/disputes/:id', spec: '/v1/disputes/{dispute}',
    handler: (ctx, p) => {
      onlySupported(p, ['evidence', 'metadata', 'submit', 'expand']);
      const d = get(ctx.acct.disputes, ctx.path.id, 'dispute', 'dispute');
      return updateDispute(ctx.acct, ctx.hooks, d, p, ctx.state.now(), ctx.request);
    },
  },
  {
    method: 'POST', path: '/v1/disputes/:id/close', spec: '/v1/disputes/{dispute}/close',
    handler: (ctx) => {
      const d = get(ctx.acct.disputes, ctx.path.id, 'dispute', 'dispute');
      return acceptDispute(ctx.acct, ctx.hooks, d, ctx.state.now(), ctx.request);
    },
  },
  {
    method: 'GET', path: '/v1/events', spec: '/v1/events',
    handler: (ctx, p) => {
      onlySupported(p, [...LIST, 'type', 'types', 'created']);
      const types = p.types as string[] | undefined;
      const inCreatedRange = createdFilter(p.created);
      // `type` accepts a trailing wildcard (payment_intent.*), as Stripe documents.
      const typeMatch = (t: string) => {
        if (typeof p.type !== 'string') return true;
        return p.type.endsWith('*') ? t.startsWith(p.type.slice(0, -1)) : t === p.type;
      };
      const all = [...ctx.acct.events.values()].filter((e) =>
        typeMatch(String(e.type)) && (!types || types.includes(String(e.type))) && inCreatedRange(Number(e.created)));
      return listObject('/v1/events', all, p as ListParams);
    },
  },
  {
    method: 'GET', path: '/v1/events/:id', spec: '/v1/events/{id}',
    handler: (ctx) => get(ctx.acct.events, ctx.path.id, 'event'),
  },
  {
    method: 'GET', path: '/v1/mandates/:id', spec: '/v1/mandates/{mandate}',
    handler: (ctx) => {
      const mandate = findMandate(ctx.acct, String(ctx.path.id));
      if (!mandate) throw resourceMissing('mandate', String(ctx.path.id), 'mandate');
      return mandate;
    },
  },
  ...terminalRoutes,
  ...accountRoutes,
  ...billingRoutes,
];
