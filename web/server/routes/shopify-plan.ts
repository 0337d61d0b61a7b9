import { Router, type RequestHandler } from 'express';
import type { Services } from '../services';
import { SettleError } from '../../../core/errors';
import { installedShopOf, settleBilling } from '../../../connectors/shopify/plan';
import { route } from '../http';

/**
 * Settle's plan for a merchant's Shopify shop: where it stands, and asking for it (Shopify answers
 * a confirmation URL the embedded admin sends the merchant to). Accepting comes back through the
 * app_subscriptions/update webhook.
 */
export function shopifyPlanRoutes(services: Services, auth: RequestHandler): Router {
  const router = Router();
  const shopOf = async (merchantId: string) => {
    const shop = await installedShopOf(services.db, merchantId);
    if (!shop) throw new SettleError('shopify_not_installed', 'Settle is not installed in a Shopify shop for you: the plan is chosen in Shopify admin.', 409);
    return shop;
  };
  router.get('/api/shopify/plan', auth, route(async (req, res) => {
    res.json({ plan: await settleBilling(services).planStatus(await shopOf(req.merchant!.id)) });
  }));
  router.post('/api/shopify/plan', auth, route(async (req, res) => {
    res.json({ plan: await settleBilling(services).requestPlan(await shopOf(req.merchant!.id)) });
  }));
  return router;
}

/**
 * For routes that take payments: a merchant selling through a Shopify shop waits until the plan is
 * accepted (402 plan_not_accepted); merchants without a Shopify shop (WooCommerce) pass.
 */
export function shopifyPlanRequired(services: Services): RequestHandler {
  return async (req, _res, next) => {
    try {
      const shop = req.merchant && (await installedShopOf(services.db, req.merchant.id));
      if (shop) await settleBilling(services).requirePlan(shop);
      next();
    } catch (error) {
      next(error);
    }
  };
}
