import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Router, type Response } from 'express';
import type { Services } from '../services';
import { findPaymentById } from '../../../core/payments/payments';
import { route } from '../http';
import { cardFieldsFor, contentSecurityPolicy, STRIPE_JS_URL, storeOrigins, type CardFields } from '../pay-page-policy';
import type { StripeSettings } from '../../../connectors/stripe/processor';
import { allowFraming } from '../security-headers';

const PAYMENT_ID = /^pay_[\w-]{22}$/;

/** How the page collects the card for this merchant, and the store origins that may embed it. */
export async function pagePolicyFor(services: Services, merchantId: string): Promise<{ cardFields: CardFields; origins: string[] }> {
  const [stripe, connections] = await Promise.all([
    services.connections.find<StripeSettings, unknown>(merchantId, 'stripe'),
    services.connections.list(merchantId),
  ]);
  return {
    cardFields: cardFieldsFor(stripe?.settings.publishableKey ?? '', services.config.STRIPE_API_BASE),
    // A store whose connection ended (disconnected, access revoked) no longer frames the page.
    origins: storeOrigins(connections.filter((c) => c.status === 'active')),
  };
}

/**
 * The shopper's payment page, hosted (`/pay/:id`) and embeddable (`/pay/:id/embed`, framed by the
 * merchant's store), and `/embed.js`, the script a store plugin loads to frame it. Each page gets a
 * Content-Security-Policy naming only what it needs; Stripe.js is named (and loaded) only in live mode.
 */
export function payPageRoutes(services: Services, webDist: string): Router {
  const router = Router();
  let template: Promise<string> | undefined;
  const payHtml = () => (template ??= readFile(join(webDist, 'pay.html'), 'utf8').catch((error: unknown) => {
    template = undefined; // not built yet: try again on the next request
    throw error;
  }));

  const servePage = (embedded: boolean) => route(async (req, res) => {
    const id = String(req.params.paymentId);
    const payment = PAYMENT_ID.test(id) ? await findPaymentById(services.db, id) : undefined;
    // An unknown payment still gets the page: it tells the shopper in words (and frames nothing).
    const policy = payment ? await pagePolicyFor(services, payment.merchantId) : { cardFields: 'direct' as const, origins: [] };
    let html = await payHtml();
    if (policy.cardFields === 'elements') {
      // Stripe asks for Stripe.js from js.stripe.com itself, never bundled or self-hosted.
      html = html.replace('</head>', `  <script src="${STRIPE_JS_URL}"></script>\n  </head>`);
    }
    sendPage(res, html, contentSecurityPolicy({
      cardFields: policy.cardFields,
      stripeApiBase: services.config.STRIPE_API_BASE,
      frameAncestors: embedded ? policy.origins : null,
    }), embedded);
  });

  router.get('/pay/:paymentId', servePage(false));
  router.get('/pay/:paymentId/embed', servePage(true));
  router.get('/embed.js', (_req, res) => {
    // Store pages load it on every checkout: cache briefly so a fix reaches them within minutes.
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.sendFile('embed.js', { root: webDist });
  });
  return router;
}

function sendPage(res: Response, html: string, csp: string, embedded: boolean): void {
  res.setHeader('Content-Security-Policy', csp);
  // Older browsers ignore frame-ancestors; the hosted page is never framed (X-Frame-Options: DENY, security-headers.ts).
  if (embedded) allowFraming(res);
  res.setHeader('Cache-Control', 'no-store');
  res.type('html').send(html);
}
