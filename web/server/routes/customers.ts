import { Router, json, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import {
  createCustomer, findCardSetup, listCustomers, requireCustomer, savedCards, startCardSetup, type CardSetup, type Customer, type SavedCard,
} from '../../../core/customers/customers';
import { chargeSavedCard } from '../../../core/customers/off-session';
import { cancelSubscription, createSubscription, findSubscription, listSubscriptions, type Subscription } from '../../../core/subscriptions/subscriptions';
import { listSubscriptionPayments } from '../../../core/payments/payments';
import { NotFoundError } from '../../../core/errors';
import { parseBody, route } from '../http';
import { formatMoney } from '../format';
import { paymentView } from './payments';

const customerBody = z.object({ email: z.string().trim().email().max(320).optional(), name: z.string().trim().min(1).max(200).optional() }).strict();
const chargeBody = z
  .object({
    cardId: z.string().min(1).max(100),
    storePlatform: z.literal('woocommerce'),
    orderId: z.string().regex(/^\d{1,19}$/, 'a WooCommerce order id'),
  })
  .strict();
const subscriptionBody = z
  .object({
    cardId: z.string().min(1).max(100),
    amount: z.number().int().positive().describe('minor units, charged every interval'),
    currency: z.string().regex(/^[A-Za-z]{3}$/, 'an ISO 4217 code such as USD'),
    interval: z.enum(['day', 'week', 'month', 'year']),
    description: z.string().trim().min(1).max(250).describe('what the customer subscribes to, shown on their invoices'),
  })
  .strict();
const emptyBody = z.object({}).strict().optional();

const customerView = (c: Customer) => ({ id: c.id, email: c.email, name: c.name, createdAt: c.createdAt.toISOString() });
const cardView = (c: SavedCard) => ({ id: c.id, brand: c.brand, last4: c.last4, expMonth: c.expMonth, expYear: c.expYear });
const setupView = (s: CardSetup) => ({ id: s.id, customerId: s.customerId, status: s.status, failureMessage: s.failureMessage });
const subscriptionView = (s: Subscription) => ({
  id: s.id, customerId: s.customerId, cardId: s.cardId, description: s.description, amount: s.amount, amountFormatted: formatMoney(s.amount),
  interval: s.interval, status: s.status, currentPeriodEnd: s.currentPeriodEnd?.toISOString() ?? null, createdAt: s.createdAt.toISOString(),
});

/**
 * Customers, their saved cards (brand, last 4, expiry: never numbers), charging a saved card for an
 * order with nobody present, and subscriptions. The shopper's browser saves the card with the
 * processor directly, using the session a card setup answers with.
 */
export function customerRoutes(services: Services, auth: RequestHandler): Router {
  const router = Router();
  const body = json({ limit: services.config.API_BODY_LIMIT });

  router.post('/api/customers', auth, body, route(async (req, res) => {
    const customer = await createCustomer(services, req.merchant!.id, parseBody(customerBody, req));
    res.status(201).json({ customer: customerView(customer) });
  }));

  router.get('/api/customers', auth, route(async (req, res) => {
    res.json({ customers: (await listCustomers(services.db, req.merchant!.id)).map(customerView) });
  }));

  router.get('/api/customers/:customerId', auth, route(async (req, res) => {
    const merchantId = req.merchant!.id;
    const customer = await requireCustomer(services.db, merchantId, String(req.params.customerId));
    const [cards, subscriptions] = await Promise.all([savedCards(services.db, merchantId, customer.id), listSubscriptions(services.db, merchantId, customer.id)]);
    res.json({ customer: customerView(customer), cards: cards.map(cardView), subscriptions: subscriptions.map(subscriptionView) });
  }));

  // Saving a card: the answer carries what the customer's browser needs to confirm it with Stripe.
  router.post('/api/customers/:customerId/card-setups', auth, body, route(async (req, res) => {
    parseBody(emptyBody, req);
    const { setup, session } = await startCardSetup(services, req.merchant!.id, String(req.params.customerId));
    res.status(201).json({
      cardSetup: setupView(setup),
      stripe: { apiBase: session.apiBase, publishableKey: session.publishableKey, setupIntentId: session.setupRef, clientSecret: session.clientSecret },
    });
  }));

  router.get('/api/card-setups/:setupId', auth, route(async (req, res) => {
    const setup = await findCardSetup(services.db, req.merchant!.id, String(req.params.setupId));
    if (!setup) throw new NotFoundError('This card setup');
    res.json({ cardSetup: setupView(setup) });
  }));

  // Charge a saved card for a store order, nobody present. requires_authentication comes with the
  // link to send the customer: the payment page, where their bank's check runs.
  router.post('/api/customers/:customerId/charges', auth, body, route(async (req, res) => {
    const payment = await chargeSavedCard(services, req.merchant!.id, String(req.params.customerId), parseBody(chargeBody, req));
    res.status(201).json({
      payment: paymentView(payment),
      authenticationUrl: payment.status === 'requires_authentication' ? `${services.config.publicUrl}/pay/${payment.id}` : null,
    });
  }));

  router.post('/api/customers/:customerId/subscriptions', auth, body, route(async (req, res) => {
    const subscription = await createSubscription(services, req.merchant!.id, String(req.params.customerId), parseBody(subscriptionBody, req));
    res.status(201).json({ subscription: subscriptionView(subscription) });
  }));

  // A subscription and every invoice payment: a failed renewal shows as a failed payment with the bank's reason.
  router.get('/api/subscriptions/:subscriptionId', auth, route(async (req, res) => {
    const merchantId = req.merchant!.id;
    const subscription = await findSubscription(services.db, merchantId, String(req.params.subscriptionId));
    if (!subscription) throw new NotFoundError('This subscription');
    const payments = await listSubscriptionPayments(services.db, merchantId, subscription.id);
    res.json({ subscription: subscriptionView(subscription), payments: payments.map(paymentView) });
  }));

  router.post('/api/subscriptions/:subscriptionId/cancel', auth, body, route(async (req, res) => {
    parseBody(emptyBody, req);
    const subscription = await cancelSubscription(services, req.merchant!.id, String(req.params.subscriptionId));
    res.json({ subscription: subscriptionView(subscription) });
  }));
  return router;
}
