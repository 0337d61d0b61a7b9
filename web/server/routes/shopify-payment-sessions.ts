import { Router, json, type Request } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import { SettleError } from '../../../core/errors';
import { fromDecimal, type Money } from '../../../core/money';
import type { ShopMerchants } from '../../../core/payments/sessions/gateway';
import { takeFollowUpSession, takePaymentSession, type FollowUpSessionRequest } from '../../../core/payments/sessions/sessions';
import { abandonPaymentSession } from '../../../core/payments/sessions/abandon';
import type { StripeSettings } from '../../../connectors/stripe/processor';
import { parseBody, route } from '../http';

/**
 * Where Shopify posts its Payments Apps sessions (the URLs plugins/shopify's payments extension
 * TOML names). In production Shopify calls these over mutual TLS: the proxy in front of Settle
 * terminates it, checks Shopify's client certificate and drops any other caller (plugins/shopify's
 * README says how). Here a request is trusted as far as its Shopify-Shop-Domain names a shop that
 * installed the app; an unknown shop is refused and nothing is made.
 */
export const SESSION_PATHS = {
  payment: '/shopify/payments/sessions',
  refund: '/shopify/payments/refunds',
  capture: '/shopify/payments/captures',
  void: '/shopify/payments/voids',
} as const;

const decimal = z.string().regex(/^\d{1,15}(\.\d{1,3})?$/, 'a decimal amount such as "123.00"');
const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code such as USD');
const sessionId = z.string().min(1).max(255);
const gid = (type: string) => z.string().regex(new RegExp(`^gid://shopify/${type}/[\\w-]{1,255}$`), `Shopify's gid://shopify/${type}/… id`);

// Shopify adds fields over time: unknown ones are ignored, the ones Settle uses are checked.
const paymentSessionBody = z.object({
  id: sessionId,
  gid: gid('PaymentSession'),
  group: z.string().max(255).optional(),
  amount: decimal,
  currency,
  test: z.boolean(),
  kind: z.enum(['sale', 'authorization']),
  merchant_locale: z.string().max(20).optional(),
  payment_method: z.object({
    type: z.literal('offsite'),
    data: z.object({ cancel_url: z.url({ protocol: /^https?$/ }) }),
  }),
  customer: z.object({ email: z.string().max(320).optional(), locale: z.string().max(20).optional() }).loose().optional(),
  // Not in Shopify's documented body today; used if Shopify names the order.
  order_name: z.string().trim().min(1).max(100).optional(),
});

const followUpBody = (type: string) => z.object({
  id: sessionId,
  gid: gid(type),
  payment_id: sessionId.describe("Shopify's id of the payment session"),
  amount: decimal,
  currency,
  test: z.boolean().optional(),
});

const SHOP = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/** The default shop → merchant lookup: the merchant whose Shopify connection reaches the shop (the app's install keeps it). */
export const connectedShops = (services: Services): ShopMerchants => ({
  merchantForShop: (shop) => services.connections.merchantForAccount('shopify', shop),
});

export function shopifyPaymentSessionRoutes(services: Services, shops: ShopMerchants = connectedShops(services)): Router {
  const router = Router();
  const body = json({ limit: services.config.API_BODY_LIMIT });

  async function shopOf(req: Request): Promise<{ shop: string; merchantId: string }> {
    const shop = String(req.get('Shopify-Shop-Domain') ?? '').toLowerCase();
    if (!SHOP.test(shop)) throw new SettleError('invalid_shop_domain', 'Shopify-Shop-Domain must name the shop (name.myshopify.com).', 400);
    const merchantId = await shops.merchantForShop(shop);
    if (!merchantId) throw new SettleError('shop_not_installed', `${shop} has not installed Settle, so Settle takes no payments for it.`, 404);
    return { shop, merchantId };
  }

  /**
   * A test checkout must not charge a real card, and a real order must not be paid with a test
   * card: Shopify's `test` and the Stripe keys' mode must agree (known from the publishable key).
   */
  async function assertSameMode(merchantId: string, test: boolean): Promise<void> {
    const key = (await services.connections.find<StripeSettings, unknown>(merchantId, 'stripe'))?.settings.publishableKey;
    if (!key) return;
    const live = key.startsWith('pk_live_');
    if (live === !test) return;
    throw new SettleError('test_mode_mismatch', test
      ? 'This is a test checkout, but Settle is connected to live Stripe keys: no real card may be charged for it. Test with Stripe test keys, or turn test mode off in Shopify.'
      : 'This is a real checkout, but Settle is connected to Stripe test keys: the order would be marked paid with no money taken. Connect live Stripe keys, or put the payments app in test mode in Shopify.', 422);
  }

  router.post(SESSION_PATHS.payment, body, route(async (req, res) => {
    const b = parseBody(paymentSessionBody, req);
    const { shop, merchantId } = await shopOf(req);
    await assertSameMode(merchantId, b.test);
    const { payment } = await takePaymentSession(services, merchantId, {
      shop, sessionId: b.id, gid: b.gid, amount: amountOf(b.amount, b.currency), test: b.test, kind: b.kind,
      cancelUrl: b.payment_method.data.cancel_url, group: b.group, locale: b.customer?.locale ?? b.merchant_locale, orderName: b.order_name,
    });
    res.status(201).json({ redirect_url: `${services.config.publicUrl}/pay/${payment.id}` });
  }));

  for (const [kind, type] of [['refund', 'RefundSession'], ['capture', 'CaptureSession'], ['void', 'VoidSession']] as const) {
    router.post(SESSION_PATHS[kind], body, route(async (req, res) => {
      const b = parseBody(followUpBody(type), req);
      const { shop, merchantId } = await shopOf(req);
      const request: FollowUpSessionRequest = {
        shop, kind, sessionId: b.id, gid: b.gid, paymentSessionId: b.payment_id, amount: amountOf(b.amount, b.currency), test: b.test ?? false,
      };
      await takeFollowUpSession(services, merchantId, request);
      // Received: Settle answers through the Payments Apps API once the money has moved.
      res.status(201).json({});
    }));
  }
  // The shopper's "Cancel and return to the shop" on the payment page (public, like the page: the payment id is unguessable).
  router.post('/api/pay/:paymentId/shopify-cancel', route(async (req, res) => {
    await abandonPaymentSession(services, String(req.params.paymentId));
    res.status(204).end();
  }));
  return router;
}

/** Shopify's decimal string in the currency's minor units (core/money refuses extra decimals and unknown currencies). */
function amountOf(amount: string, currency: string): Money {
  let parsed: Money;
  try {
    parsed = fromDecimal(amount, currency);
  } catch (error) {
    throw new SettleError('invalid_amount', `amount: ${(error as Error).message}.`, 400);
  }
  if (parsed.amount <= 0) throw new SettleError('invalid_amount', 'amount: must be more than zero.', 400);
  return parsed;
}
