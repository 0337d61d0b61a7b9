import { Router } from 'express';
import type { Services } from '../services';
import { findPaymentById } from '../../../core/payments/payments';
import { findMerchant } from '../../../core/merchants/merchants';
import { route, sendError } from '../http';
import { formatMoney } from '../format';
import { minorUnitExponent } from '../../../core/money';
import { pagePolicyFor } from './pay-page';
import { returnUrlOf } from '../../../core/payments/return-url';
import { paymentSessionOf } from '../../../core/payments/sessions/sessions';

/**
 * What the shopper's payment page needs. Public: the payment id is 128 random bits, and the page
 * reveals only the order number, amount and the processor's client secret for this one payment.
 * Card data never comes here: the page sends it to the processor directly.
 */
export function payRoutes(services: Services): Router {
  const router = Router();
  router.get('/api/pay/:paymentId', route(async (req, res) => {
    const id = String(req.params.paymentId);
    const payment = /^pay_[\w-]{22}$/.test(id) ? await findPaymentById(services.db, id) : undefined;
    if (!payment) return sendError(res, 404, 'payment_not_found', 'This payment link is not valid. Return to the store and check out again.');
    const merchant = await findMerchant(services.db, payment.merchantId);
    // Paid (or authorized, to be captured by the merchant) or released: there is nothing left to confirm.
    // requires_authentication: a saved card charged off-session whose bank wants the customer to confirm.
    const open = payment.status === 'awaiting_payment' || payment.status === 'failed' || payment.status === 'requires_authentication';
    const session = open ? await (await services.platforms.processorFor(payment.merchantId)).shopperSession(payment.processorRef) : undefined;
    const { cardFields } = await pagePolicyFor(services, payment.merchantId);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Vary', 'Accept-Language');
    res.json({
      paymentId: payment.id,
      merchantName: merchant?.name ?? '',
      orderNumber: payment.orderNumber,
      amount: payment.amount,
      // The shopper's language (Accept-Language), the payment's currency and its minor-unit digits.
      amountFormatted: formatMoney(payment.amount, shopperLocale(req.acceptsLanguages())),
      currencyExponent: minorUnitExponent(payment.amount.currency),
      status: payment.status,
      // SEPA Direct Debit is euro only; Stripe offers it on euro payments when the merchant has it enabled.
      bankDebit: open && payment.amount.currency === 'EUR',
      cardFields,
      stripe: session && { apiBase: session.apiBase, publishableKey: session.publishableKey, paymentIntentId: session.processorRef, clientSecret: session.clientSecret },
      // The store's order-received page (checked to be on the store's site when the checkout started).
      returnUrl: await returnUrlOf(services.db, payment.id),
      // A Shopify checkout: its order's name, and the way back to Shopify's checkout while unpaid.
      shopify: payment.storePlatform === 'shopify' ? await shopifyCheckout(services, payment.id) : null,
    });
  }));
  return router;
}

async function shopifyCheckout(services: Services, paymentId: string) {
  const session = await paymentSessionOf(services.db, paymentId);
  return session ? { shop: session.shop, orderName: session.details.orderName ?? 'Checkout', cancelUrl: session.details.cancelUrl ?? null, resolved: session.outcome === 'resolved' } : null;
}

/** The first language the shopper's browser asks for that Intl knows; en-US otherwise. */
export function shopperLocale(accepted: string[]): string {
  for (const tag of accepted) {
    if (tag === '*') continue;
    try {
      const [supported] = Intl.NumberFormat.supportedLocalesOf(tag);
      if (supported) return supported;
    } catch {
      // A malformed tag: try the next one.
    }
  }
  return 'en-US';
}
