import { Router } from 'express';

/**
 * The privacy policy and licence agreement that Intuit's and Shopify's app listings link to. What Settle
 * keeps and why, in plain words; whoever operates Settle has their counsel review these before listing.
 */
const PAGES: Record<string, { title: string; paragraphs: string[] }> = {
  privacy: {
    title: 'Settle privacy policy',
    paragraphs: [
      'Settle processes payments for the merchants who install it and records them in their store and their books. It keeps what that needs: the merchant’s connections to Stripe, their store and QuickBooks (tokens encrypted at rest), each payment’s amount, currency, status and Stripe ids, the store order it pays for, and the shopper’s name and email as the store gave them.',
      'Card numbers never reach Settle: the payment page sends them straight to Stripe.',
      'Each merchant sees only their own data. Settle shares a shopper’s data only with the merchant’s own Stripe account, store and QuickBooks company, to do what the merchant installed it for.',
      'When a store asks (Shopify’s customers/redact and shop/redact, or the merchant uninstalling), Settle erases the shopper’s or the shop’s personal data; ledger amounts stay, without names, because the merchant’s books must. A shopper may ask the merchant for a copy of their data (customers/data_request).',
    ],
  },
  eula: {
    title: 'Settle licence agreement',
    paragraphs: [
      'Settle is licensed to the merchant who installs it, for their own business, for as long as their plan is active.',
      'Settle records payments, store orders and accounting entries as the connected platforms report them; the merchant and their bookkeeper remain responsible for their books and may review every entry before it is posted.',
      'The merchant may disconnect Stripe, their store or QuickBooks at any time; Settle then stops acting for that platform and keeps the records it made.',
    ],
  },
};

export function legalRoutes(): Router {
  const router = Router();
  router.get('/legal/:page', (req, res, next) => {
    const page = PAGES[req.params.page];
    if (!page) return next();
    res.type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${page.title}</title>
<style>body{font:16px/1.6 system-ui,sans-serif;color:#202223;max-width:40rem;margin:3rem auto;padding:0 1rem}</style></head>
<body><h1>${page.title}</h1>${page.paragraphs.map((p) => `<p>${p}</p>`).join('')}</body></html>`);
  });
  return router;
}
