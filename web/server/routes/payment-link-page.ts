import { Router, json, urlencoded, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import { SettleError } from '../../../core/errors';
import { findMerchant } from '../../../core/merchants/merchants';
import { findPaymentLinkById } from '../../../core/payments/payment-links';
import { linesFor, startLinkPurchase } from '../../../core/payments/link-sales';
import { money } from '../../../core/money';
import { parseBody, route } from '../http';
import { formatMoney } from '../format';
import { shopperLocale } from './pay';
import { linkPageHtml, type LinkPageView } from './payment-link-html';

const LINK_ID = /^pl_[\w-]{22}$/;

const shopperBody = z.object({
  email: z.string().trim().email('an email address such as you@example.com').max(200).describe('the store matches its customer by it'),
  name: z.string().trim().max(200).optional(),
}).strict();

/**
 * A payment link as shoppers meet it. `/pay/link/:id` is a page asking for the shopper's email (so
 * the store can match its customer) that sends them on to Settle's payment page with their own
 * payment; `/api/pay/link/:id` is the same for a script or an app. Public: the link id is 128 random
 * bits. Opening the page charges nothing and creates nothing; submitting it twice, or reloading,
 * finds the same open payment (core/payments/link-sales.ts).
 */
export function paymentLinkPageRoutes(services: Services): Router {
  const router = Router();
  const limit = services.config.API_BODY_LIMIT;

  /** What the page shows: the merchant, the link and what it costs now; or why it cannot be paid. */
  async function pageView(req: Request): Promise<{ status: number; view: LinkPageView }> {
    const id = String(req.params.linkId);
    const link = LINK_ID.test(id) ? await findPaymentLinkById(services.db, id) : undefined;
    if (!link) return { status: 404, view: { problem: 'This payment link is not valid. Check the address, or ask the seller for the link again.' } };
    const merchant = await findMerchant(services.db, link.merchantId);
    const seller = merchant?.name ?? '';
    if (!link.active) return { status: 410, view: { seller, problem: 'This payment link is no longer active, and nothing was charged. Ask the seller for a new link.' } };
    try {
      const locale = shopperLocale(req.acceptsLanguages());
      const lines = await linesFor(services, link);
      const total = money(lines.reduce((sum, l) => sum + l.amount, 0), link.currency);
      return {
        status: 200,
        view: {
          seller, description: link.description, totalFormatted: formatMoney(total, locale),
          lines: lines.map((l) => ({ name: l.name, quantity: l.quantity, amountFormatted: formatMoney(money(l.amount, link.currency), locale) })),
        },
      };
    } catch (error) {
      if (error instanceof SettleError) return { status: error.status, view: { seller, problem: error.message } };
      throw error;
    }
  }

  const sendPage = (res: Response, status: number, view: LinkPageView) => {
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cache-Control', 'no-store');
    res.status(status).type('html').send(linkPageHtml(view));
  };

  router.get('/pay/link/:linkId', route(async (req, res) => {
    const { status, view } = await pageView(req);
    sendPage(res, status, view);
  }));

  // The page's form: on to the payment page with the shopper's payment, or the page again saying what to correct.
  router.post('/pay/link/:linkId', urlencoded({ extended: false, limit }), route(async (req, res) => {
    const input = shopperBody.safeParse({ email: req.body?.email ?? '', ...(req.body?.name ? { name: req.body.name } : {}) });
    const { status, view } = await pageView(req);
    if (status !== 200) return sendPage(res, status, view);
    if (!input.success) return sendPage(res, 400, { ...view, email: String(req.body?.email ?? ''), name: String(req.body?.name ?? ''), fieldError: 'Enter your email address, such as you@example.com.' });
    try {
      const sale = await startLinkPurchase(services, String(req.params.linkId), { email: input.data.email, name: input.data.name ?? '' });
      res.redirect(303, `/pay/${sale.payment.id}`);
    } catch (error) {
      if (error instanceof SettleError) return sendPage(res, error.status, { seller: view.seller, problem: error.message });
      throw error;
    }
  }));

  router.post('/api/pay/link/:linkId', json({ limit }), route(async (req, res) => {
    const input = parseBody(shopperBody, req);
    const id = String(req.params.linkId);
    if (!LINK_ID.test(id)) throw new SettleError('not_found', 'This payment link was not found.', 404);
    const sale = await startLinkPurchase(services, id, { email: input.email, name: input.name ?? '' });
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json({
      paymentId: sale.payment.id, payUrl: `${services.config.publicUrl}/pay/${sale.payment.id}`, orderNumber: sale.payment.orderNumber,
      amount: sale.payment.amount, amountFormatted: formatMoney(sale.payment.amount),
    });
  }));
  return router;
}
