// The /v1 endpoints for customers, saved cards (SetupIntents, attach/detach) and Stripe Billing
// (products, prices, subscriptions, invoices). Parameters arrive checked against the spec (api.ts).
import type { RouteCtx, RouteDef } from './api';
import type { StripeObject } from './store';
import { invalidRequest } from './errors';
import { listObject, type ListParams } from './lists';
import { LIST, get, onlySupported } from './route-helpers';
import { CUSTOMER_FIELDS, attachPaymentMethod, createCustomer, customerOrMissing, detachPaymentMethod, updateCustomer } from './customers';
import { resolvePaymentMethod } from './payment-methods';
import { cancelSetupIntent, confirmSetupIntent, createSetupIntent } from './setup-intents';
import { cancelSubscription, createPrice, createProduct, createSubscription, updateSubscription } from './billing';

type Params = Record<string, unknown>;

/** With a publishable key, a SetupIntent is only reachable with its client_secret. */
function checkSetupSecret(ctx: RouteCtx, si: StripeObject, p: Params) {
  if (ctx.keyKind !== 'publishable') return;
  if (p.client_secret === undefined)
    throw invalidRequest('You must provide a client_secret when using a publishable key.', { code: 'parameter_missing', param: 'client_secret' });
  if (p.client_secret !== si.client_secret)
    throw invalidRequest('The client_secret provided does not match the client_secret associated with the SetupIntent.', { param: 'client_secret' });
}

const customerRoutes: RouteDef[] = [
  {
    method: 'POST', path: '/v1/customers', spec: '/v1/customers',
    handler: (ctx, p) => {
      onlySupported(p, [...CUSTOMER_FIELDS.filter((f) => f !== 'invoice_settings'), 'expand']);
      return createCustomer(ctx, p);
    },
  },
  {
    method: 'GET', path: '/v1/customers', spec: '/v1/customers',
    handler: (ctx, p) => {
      onlySupported(p, [...LIST, 'email']);
      const all = [...ctx.acct.customers.values()].filter((c) => p.email === undefined || c.email === p.email);
      return listObject('/v1/customers', all, p as ListParams);
    },
  },
  {
    method: 'GET', path: '/v1/customers/:id', spec: '/v1/customers/{customer}',
    handler: (ctx) => get(ctx.acct.customers, ctx.path.id, 'customer', 'customer'),
  },
  {
    method: 'POST', path: '/v1/customers/:id', spec: '/v1/customers/{customer}',
    handler: (ctx, p) => {
      onlySupported(p, [...CUSTOMER_FIELDS, 'expand']);
      return updateCustomer(ctx, get(ctx.acct.customers, ctx.path.id, 'customer', 'customer'), p);
    },
  },
  {
    method: 'GET', path: '/v1/customers/:id/payment_methods', spec: '/v1/customers/{customer}/payment_methods',
    handler: (ctx, p) => {
      onlySupported(p, [...LIST, 'type']);
      const customer = get(ctx.acct.customers, ctx.path.id, 'customer', 'customer');
      const all = [...ctx.acct.paymentMethods.values()].filter((pm) => pm.customer === customer.id && (!p.type || pm.type === p.type));
      return listObject(`/v1/customers/${customer.id}/payment_methods`, all, p as ListParams);
    },
  },
  {
    method: 'POST', path: '/v1/payment_methods/:id/attach', spec: '/v1/payment_methods/{payment_method}/attach',
    handler: (ctx, p) => {
      onlySupported(p, ['customer', 'expand']);
      const customer = customerOrMissing(ctx, p.customer);
      // pm_card_* test shortcuts attach a fresh card, as Stripe's docs show.
      return attachPaymentMethod(ctx, resolvePaymentMethod(ctx.acct, ctx.state.now(), String(ctx.path.id)), customer);
    },
  },
  {
    method: 'POST', path: '/v1/payment_methods/:id/detach', spec: '/v1/payment_methods/{payment_method}/detach',
    handler: (ctx) => detachPaymentMethod(ctx, get(ctx.acct.paymentMethods, ctx.path.id, 'PaymentMethod', 'payment_method')),
  },
  {
    method: 'GET', path: '/v1/payment_methods', spec: '/v1/payment_methods',
    handler: (ctx, p) => {
      onlySupported(p, [...LIST, 'customer', 'type']);
      if (p.customer === undefined)
        throw invalidRequest('Stripe sandbox: listing payment methods needs `customer` (Stripe lists Treasury ones otherwise).', { param: 'customer' });
      const customer = customerOrMissing(ctx, p.customer);
      const all = [...ctx.acct.paymentMethods.values()].filter((pm) => pm.customer === customer.id && (!p.type || pm.type === p.type));
      return listObject('/v1/payment_methods', all, p as ListParams);
    },
  },
];

const setupIntentRoutes: RouteDef[] = [
  {
    method: 'POST', path: '/v1/setup_intents', spec: '/v1/setup_intents',
    handler: (ctx, p) => {
      onlySupported(p, ['customer', 'payment_method_types', 'usage', 'description', 'metadata', 'payment_method', 'confirm', 'return_url', 'expand']);
      return createSetupIntent(ctx, p);
    },
  },
  {
    method: 'GET', path: '/v1/setup_intents/:id', spec: '/v1/setup_intents/{intent}', publishable: true,
    handler: (ctx, p) => {
      const si = get(ctx.acct.setupIntents, ctx.path.id, 'setup_intent', 'intent');
      checkSetupSecret(ctx, si, p);
      return si;
    },
  },
  {
    method: 'POST', path: '/v1/setup_intents/:id/confirm', spec: '/v1/setup_intents/{intent}/confirm', publishable: true,
    handler: (ctx, p) => {
      onlySupported(p, ['payment_method', 'client_secret', 'return_url', 'expand', 'use_stripe_sdk']);
      const si = get(ctx.acct.setupIntents, ctx.path.id, 'setup_intent', 'intent');
      checkSetupSecret(ctx, si, p);
      return confirmSetupIntent(ctx, si, p);
    },
  },
  {
    method: 'POST', path: '/v1/setup_intents/:id/cancel', spec: '/v1/setup_intents/{intent}/cancel',
    handler: (ctx, p) => {
      onlySupported(p, ['cancellation_reason', 'expand']);
      return cancelSetupIntent(ctx, get(ctx.acct.setupIntents, ctx.path.id, 'setup_intent', 'intent'), p);
    },
  },
];

const subscriptionRoutes: RouteDef[] = [
  {
    method: 'POST', path: '/v1/products', spec: '/v1/products',
    handler: (ctx, p) => {
      onlySupported(p, ['name', 'description', 'metadata', 'active', 'expand']);
      return createProduct(ctx, p);
    },
  },
  {
    method: 'GET', path: '/v1/products/:id', spec: '/v1/products/{id}',
    handler: (ctx) => get(ctx.acct.products, ctx.path.id, 'product'),
  },
  {
    method: 'POST', path: '/v1/prices', spec: '/v1/prices',
    handler: (ctx, p) => {
      onlySupported(p, ['currency', 'unit_amount', 'recurring', 'product', 'product_data', 'metadata', 'nickname', 'expand']);
      return createPrice(ctx, p);
    },
  },
  {
    method: 'GET', path: '/v1/prices/:id', spec: '/v1/prices/{price}',
    handler: (ctx) => get(ctx.acct.prices, ctx.path.id, 'price', 'price'),
  },
  {
    method: 'POST', path: '/v1/subscriptions', spec: '/v1/subscriptions',
    handler: (ctx, p) => {
      onlySupported(p, ['customer', 'items', 'default_payment_method', 'metadata', 'description', 'off_session', 'expand']);
      return createSubscription(ctx, p);
    },
  },
  {
    method: 'GET', path: '/v1/subscriptions', spec: '/v1/subscriptions',
    handler: (ctx, p) => {
      onlySupported(p, [...LIST, 'customer', 'status']);
      const all = [...ctx.acct.subscriptions.values()].filter((s) => (!p.customer || s.customer === p.customer) && (!p.status || s.status === p.status));
      return listObject('/v1/subscriptions', all, p as ListParams);
    },
  },
  {
    method: 'GET', path: '/v1/subscriptions/:id', spec: '/v1/subscriptions/{subscription_exposed_id}',
    handler: (ctx) => get(ctx.acct.subscriptions, ctx.path.id, 'subscription', 'subscription_exposed_id'),
  },
  {
    method: 'POST', path: '/v1/subscriptions/:id', spec: '/v1/subscriptions/{subscription_exposed_id}',
    handler: (ctx, p) => {
      onlySupported(p, ['default_payment_method', 'metadata', 'description', 'expand']);
      const sub = get(ctx.acct.subscriptions, ctx.path.id, 'subscription', 'subscription_exposed_id');
      if (sub.status === 'canceled')
        throw invalidRequest('A canceled subscription can only update its cancellation_details and metadata.', { param: 'default_payment_method' });
      return updateSubscription(ctx, sub, p);
    },
  },
  {
    method: 'DELETE', path: '/v1/subscriptions/:id', spec: '/v1/subscriptions/{subscription_exposed_id}',
    handler: (ctx, p) => {
      onlySupported(p, ['expand']);
      return cancelSubscription(ctx, get(ctx.acct.subscriptions, ctx.path.id, 'subscription', 'subscription_exposed_id'));
    },
  },
  {
    method: 'GET', path: '/v1/invoices', spec: '/v1/invoices',
    handler: (ctx, p) => {
      onlySupported(p, [...LIST, 'customer', 'subscription', 'status']);
      const all = [...ctx.acct.invoices.values()].filter((i) =>
        (!p.customer || i.customer === p.customer) && (!p.subscription || i.subscription === p.subscription) && (!p.status || i.status === p.status));
      return listObject('/v1/invoices', all, p as ListParams);
    },
  },
  {
    method: 'GET', path: '/v1/invoices/:id', spec: '/v1/invoices/{invoice}',
    handler: (ctx) => get(ctx.acct.invoices, ctx.path.id, 'invoice', 'invoice'),
  },
];

export const billingRoutes: RouteDef[] = [...customerRoutes, ...setupIntentRoutes, ...subscriptionRoutes];
