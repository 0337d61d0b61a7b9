import { Router, json, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import { NotFoundError } from '../../../core/errors';
import { createPaymentLink, findProductsForLinks, listPaymentLinks, type PaymentLinkListing } from '../../../core/payments/payment-links';
import { deactivateLink, listLinkSales } from '../../../core/payments/link-sales';
import { parseBody, parseQuery, route } from '../http';
import { formatMoney } from '../format';
import { shopifyPlanRequired } from './shopify-plan';
import { platformOfStoreOrder } from '../../../core/stores/connected-store';

const linkBody = z
  .object({
    description: z.string().trim().min(1).max(200).optional().describe('what the shopper sees; for products, their names when absent'),
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code such as USD (your store\'s currency for products)'),
    amount: z.number().int().positive().optional().describe('a custom amount, in minor units'),
    products: z.array(z.object({
      // WooCommerce's ids are whole numbers; Shopify's are variant gids (kept as strings: they exceed 2^53).
      productId: z.string().regex(/^(?:[1-9]\d{0,18}|gid:\/\/shopify\/ProductVariant\/[1-9]\d{0,19})$/, 'the store\'s product id: a whole number (WooCommerce) or a variant gid (Shopify)'),
      quantity: z.number().int().min(1).max(1000),
    }).strict()).min(1).max(50).optional(),
  })
  .strict()
  .refine((b) => (b.amount === undefined) !== (b.products === undefined), { message: 'give either products or an amount, not both', path: ['amount'] })
  .refine((b) => b.products !== undefined || b.description !== undefined, { message: 'a link for an amount needs a description', path: ['description'] })
  .refine((b) => new Set(b.products?.map((p) => p.productId)).size === (b.products?.length ?? 0), { message: 'name each product once, with its quantity', path: ['products'] });

const emptyBody = z.object({}).strict().optional();

const productSearch = z.object({
  search: z.string().trim().min(1).max(100).describe('part of a product\'s name or SKU'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code such as USD'),
}).strict();

/** The merchant's payment links: make one (for store products or an amount), list them with what was paid, deactivate. */
export function paymentLinkRoutes(services: Services, auth: RequestHandler): Router {
  const router = Router();
  const body = json({ limit: services.config.API_BODY_LIMIT });

  const view = (link: PaymentLinkListing) => ({
    id: link.id,
    url: `${services.config.publicUrl}/pay/link/${link.id}`,
    description: link.description,
    currency: link.currency,
    // A link for an amount charges it; a link to products charges the store's prices when the shopper opens it.
    amount: link.customAmount, amountFormatted: link.customAmount && formatMoney(link.customAmount),
    products: link.products,
    active: link.active,
    paidCount: link.paidCount, paidTotal: link.paidTotal, paidTotalFormatted: formatMoney(link.paidTotal),
    createdAt: link.createdAt.toISOString(), deactivatedAt: link.deactivatedAt?.toISOString() ?? null,
  });

  router.post('/api/payment-links', auth, shopifyPlanRequired(services), body, route(async (req, res) => {
    const input = parseBody(linkBody, req);
    const link = await createPaymentLink(services, req.merchant!.id, input);
    res.status(201).json({ paymentLink: view(link) });
  }));

  router.get('/api/payment-links', auth, route(async (req, res) => {
    res.json({ paymentLinks: (await listPaymentLinks(services.db, req.merchant!.id)).map(view) });
  }));

  // The merchant's picker: store products by name or SKU, with their price and what is left.
  router.get('/api/payment-links/products', auth, route(async (req, res) => {
    const query = parseQuery(productSearch, req);
    const products = await findProductsForLinks(services, req.merchant!.id, query.search, query.currency);
    res.json({ products: products.map((p) => ({ ...p, unitPriceFormatted: formatMoney(p.unitPrice) })) });
  }));

  router.get('/api/payment-links/:linkId', auth, route(async (req, res) => {
    const [link] = await listPaymentLinks(services.db, req.merchant!.id, String(req.params.linkId));
    if (!link) throw new NotFoundError('This payment link');
    // Who paid (or is paying) through it, and the store order each paid sale became.
    const sales = (await listLinkSales(services.db, req.merchant!.id, link.id)).map((s) => ({
      id: s.id, email: s.customer.email, name: s.customer.name, lines: s.lines, number: s.payment.orderNumber,
      payment: { id: s.payment.id, status: s.payment.status, amount: s.payment.amount, amountFormatted: formatMoney(s.payment.amount) },
      storeOrder: s.storeOrder && { platform: platformOfStoreOrder(s.storeOrder.id), id: s.storeOrder.id, number: s.storeOrder.number }, createdAt: s.createdAt.toISOString(),
    }));
    res.json({ paymentLink: view(link), sales });
  }));

  router.post('/api/payment-links/:linkId/deactivate', auth, body, route(async (req, res) => {
    parseBody(emptyBody, req);
    res.json({ paymentLink: view(await deactivateLink(services, req.merchant!.id, String(req.params.linkId))) });
  }));
  return router;
}
