import { Router, type Response } from 'express';
import type { Services } from '../services';
import { cookie, SESSION_COOKIE, SessionTokens } from '../auth';
import { escape } from './payment-link-html';

/**
 * The two pages Intuit's app listing points at besides the OAuth ones (plugins/quickbooks/app-listing.json):
 * the Launch URL, where a merchant opening Settle from QuickBooks lands, and the Disconnect URL, where
 * Intuit sends them after they disconnect Settle inside QuickBooks. Neither changes anything: a
 * browser's GET is no proof of who asks, and a disconnect made in QuickBooks is already seen by
 * Settle when its refresh token is refused.
 */
export function quickBooksAppRoutes(services: Services): Router {
  const router = Router();
  const tokens = new SessionTokens(services.config.encryptionKey);

  router.get('/quickbooks/launch', (req, res) => {
    // The QuickBooks card is on the admin's first screen.
    if (tokens.verify(cookie(req, SESSION_COOKIE), 'session')) return res.redirect(303, '/admin/');
    page(res, 'Open Settle', [
      'Settle opens from the place your shop runs: sign in with the link in your WooCommerce admin (WooCommerce → Settings → Payments → Settle) or open Settle in your Shopify admin (Apps → Settle).',
      'Once signed in, come back here from QuickBooks and Settle opens on your books.',
    ]);
  });

  router.get('/quickbooks/disconnected', (_req, res) => {
    page(res, 'Settle is disconnected from QuickBooks', [
      'Settle no longer posts to this QuickBooks company. Sales, fees, refunds and payouts keep being recorded in Settle and wait there; nothing is lost.',
      'To post them, reconnect: in Settle, open the QuickBooks card and choose Connect to QuickBooks. The same company keeps its account mapping.',
    ], { href: '/quickbooks/launch', text: 'Open Settle' });
  });
  return router;
}


function page(res: Response, title: string, paragraphs: string[], link?: { href: string; text: string }): void {
  res.type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title><style>body{font:16px/1.5 system-ui,sans-serif;color:#202223;background:#f6f6f7;margin:0}
main{max-width:32rem;margin:3rem auto;background:#fff;border-radius:12px;padding:1.5rem 1.75rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}</style></head>
<body><main><h1>${escape(title)}</h1>${paragraphs.map((p) => `<p>${escape(p)}</p>`).join('')}${link ? `<p><a href="${escape(link.href)}">${escape(link.text)}</a></p>` : ''}</main></body></html>`);
}
