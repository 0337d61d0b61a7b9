import { Router, json, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import { startCheckout } from '../../../core/payments/checkout';
import { findPayment, listPayments, type Payment } from '../../../core/payments/payments';
import { NotFoundError } from '../../../core/errors';
import { listRefunds, requestRefund, type Refund } from '../../../core/payments/refunds';
import { cancelPayment, capturePayment } from '../../../core/payments/authorizations';
import { accountBalances, listEntries } from '../../../core/ledger/journal';
import { ACCOUNT_ROLES } from '../../../core/ledger/accounts';
import { parseBody, route } from '../http';
import { formatMoney } from '../format';
import { jsonKeepingRaw, storeSignature } from '../store-signature';
import { paymentMethodName } from '../../../core/payments/method-names';
import { checkStoreReturnUrl } from '../store-return-url';

const refundBody = z
  .object({
    amount: z.number().int().positive().optional().describe('minor units; the whole remaining amount when absent'),
    reason: z.string().trim().min(1).max(500).optional(),
    // The store plugin passes "store" when the merchant refunded in the store's admin: the store
    // already shows that refund, so Settle must not add it to the order again.
    origin: z.enum(['settle', 'store']).optional(),
    // The store's own refund id (WooCommerce's refund post id): asking again with it returns the same refund.
    storeRefundId: z.string().regex(/^[\w-]{1,64}$/, 'letters, digits, - and _ only').optional(),
  })
  .strict()
  .refine((r) => r.storeRefundId === undefined || r.origin === 'store', { message: 'storeRefundId goes with origin "store"', path: ['storeRefundId'] });

const checkoutBody = z
  .object({
    storePlatform: z.literal('woocommerce'),
    orderId: z.string().regex(/^\d{1,19}$/, 'a WooCommerce order id'),
    captureMethod: z.enum(['automatic', 'manual']).optional().describe('manual: authorize the card now, capture later (POST /api/payments/:id/capture)'),
    returnUrl: z.string().url().max(2000).optional().describe("the store's order-received page: the pay page's way back to the store; on the store's own site only"),
  })
  .strict();

const captureBody = z
  .object({ amount: z.number().int().positive().optional().describe('minor units; all that was authorized when absent') })
  .strict()
  .optional();
const cancelBody = z.object({}).strict().optional();

export function paymentView(p: Payment) {
  return {
    id: p.id, orderId: p.orderId, orderNumber: p.orderNumber, amount: p.amount, amountFormatted: formatMoney(p.amount),
    status: p.status, captureMethod: p.captureMethod, capturedAmount: p.capturedAmount,
    capturedAmountFormatted: p.capturedAmount && formatMoney(p.capturedAmount),
    // A counter sale or a payment link's sale has no store order to mark paid (it becomes one).
    orderStatus: p.storePlatform === 'counter' || p.storePlatform === 'link' ? 'not_applicable' : p.orderStatus, failureMessage: p.failureMessage,
    paymentMethod: p.paymentMethodType, paymentMethodName: paymentMethodName(p.paymentMethodType), salesChannel: p.salesChannel, createdAt: p.createdAt.toISOString(),
    customerId: p.customerId, subscriptionId: p.subscriptionId, offSession: p.offSession,
  };
}

export function refundView(r: Refund) {
  return {
    id: r.id, paymentId: r.paymentId, amount: r.amount, amountFormatted: formatMoney(r.amount), reason: r.reason, origin: r.origin,
    status: r.status, failureMessage: r.failureMessage, createdAt: r.createdAt.toISOString(),
  };
}

/** The store plugin's checkout call and the merchant's payments and balances. */
export function paymentRoutes(services: Services, auth: RequestHandler): Router {
  const router = Router();
  // The calls a store plugin makes may be signed with its connection secret (see store-signature.ts).
  const signedBody = [jsonKeepingRaw(services.config.API_BODY_LIMIT), storeSignature(services)];

  router.post('/api/checkouts', auth, ...signedBody, route(async (req, res) => {
    const request = parseBody(checkoutBody, req);
    if (request.returnUrl !== undefined) await checkStoreReturnUrl(services, req.merchant!.id, request.returnUrl);
    const payment = await startCheckout(services, req.merchant!.id, request);
    res.status(201).json({ payment: paymentView(payment), payUrl: `${services.config.publicUrl}/pay/${payment.id}` });
  }));

  // Manual capture: take all or part of an authorization (the rest is released), or release all of
  // it. The sale reaches the ledger, the store and the books when Stripe reports the capture.
  router.post('/api/payments/:paymentId/capture', auth, json({ limit: services.config.API_BODY_LIMIT }), route(async (req, res) => {
    const { amount } = parseBody(captureBody, req) ?? {};
    const payment = await capturePayment(services, req.merchant!.id, String(req.params.paymentId), { amount });
    res.json({ payment: paymentView(payment) });
  }));

  router.post('/api/payments/:paymentId/cancel', auth, json({ limit: services.config.API_BODY_LIMIT }), route(async (req, res) => {
    parseBody(cancelBody, req);
    const payment = await cancelPayment(services, req.merchant!.id, String(req.params.paymentId));
    res.json({ payment: paymentView(payment) });
  }));

  // A refund from Settle's admin or API. The amount is in minor units of the payment's currency.
  router.post('/api/payments/:paymentId/refunds', auth, ...signedBody, route(async (req, res) => {
    const { amount, reason, origin, storeRefundId } = parseBody(refundBody, req);
    const refund = await requestRefund(services, req.merchant!.id, String(req.params.paymentId), { amount, reason, origin, storeRefundId });
    res.status(refund.status === 'succeeded' ? 201 : 202).json({ refund: refundView(refund) });
  }));

  router.get('/api/payments/:paymentId/refunds', auth, route(async (req, res) => {
    // Another merchant's payment reads exactly like one that does not exist (not as "no refunds").
    const payment = await findPayment(services.db, req.merchant!.id, String(req.params.paymentId));
    if (!payment) throw new NotFoundError('This payment');
    const refunds = await listRefunds(services.db, req.merchant!.id, payment.id);
    res.json({ refunds: refunds.map(refundView) });
  }));

  router.get('/api/payments', auth, route(async (req, res) => {
    const merchant = req.merchant!;
    const [payments, balances] = await Promise.all([listPayments(services.db, merchant.id), accountBalances(services.db, merchant.id)]);
    res.json({
      merchant,
      payments: payments.map((p) => ({
        ...paymentView(p),
        booksDocuments: p.booksDocuments,
        refunded: p.refunded, refundedFormatted: formatMoney(p.refunded), disputeStatus: p.disputeStatus,
        // What the sale became in the Stripe balance (converted, with the rate, when presented in another currency).
        settlement: p.settlement && {
          ...p.settlement, amountFormatted: formatMoney(p.settlement.amount), feeFormatted: formatMoney(p.settlement.fee), netFormatted: formatMoney(p.settlement.net),
        },
        booksStatus: p.status !== 'succeeded' ? 'not_applicable' : p.booksDocuments > 0 ? 'posted' : 'pending',
      })),
      balances: balances.map((b) => ({ ...b, balanceFormatted: formatMoney({ amount: b.balance, currency: b.currency }) })),
    });
  }));

  router.get('/api/ledger/balances', auth, route(async (req, res) => {
    res.json({ balances: await accountBalances(services.db, req.merchant!.id) });
  }));

  // The journal as a bookkeeper reads it: each entry's debits and credits by account.
  router.get('/api/ledger/entries', auth, route(async (req, res) => {
    const entries = await listEntries(services.db, req.merchant!.id);
    res.json({
      entries: entries.map((e) => ({
        id: e.id, kind: e.kind, description: e.description, sourceRef: e.sourceRef, paymentId: e.paymentId, occurredAt: e.occurredAt.toISOString(),
        postings: e.postings.map((p) => ({
          role: p.role, account: ACCOUNT_ROLES[p.role].name, amount: p.amount,
          debit: p.amount.amount > 0 ? formatMoney(p.amount) : null,
          credit: p.amount.amount < 0 ? formatMoney({ ...p.amount, amount: -p.amount.amount }) : null,
        })),
      })),
    });
  }));
  return router;
}
