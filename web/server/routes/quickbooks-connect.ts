import { Router, type RequestHandler, type Response } from 'express';
import type { Services } from '../services';
import { quickBooksApp } from '../services';
import { SettleError } from '../../../core/errors';
import { endConnection } from '../../../core/merchants/connections';
import { OAuthStates } from '../../../core/merchants/oauth-states';
import { exchangeQuickBooksCode, quickBooksAuthorizeUrl, revokeQuickBooks, type QuickBooksApp } from '../../../connectors/quickbooks/oauth';
import type { QuickBooksSecrets, QuickBooksSettings } from '../../../connectors/quickbooks/client';
import { startCatchUpFrom } from '../../../connectors/quickbooks/changes';
import { route } from '../http';

/** How long a merchant has on Intuit's consent page before the link must be asked for again. */
const STATE_TTL_SECONDS = 15 * 60;

/**
 * "Connect to QuickBooks" (OAuth 2.0 with Intuit): the admin's button goes to /quickbooks/connect,
 * Intuit's consent page sends the merchant back to /quickbooks/callback with a single-use code, the
 * company's realmId and our signed single-use state. Disconnecting revokes Settle's tokens at Intuit.
 *
 * Reconnecting the same company keeps its mapping (accounts, items, customers) and resumes the books
 * jobs held while it was disconnected. Another company is refused once Settle has posted to the first:
 * the mapping and the documents Settle tracks belong to that company.
 */
export function quickBooksConnectRoutes(services: Services, auth: RequestHandler): Router {
  const router = Router();
  const { config } = services;
  const states = new OAuthStates(services.db, config.encryptionKey);
  const redirectUri = `${config.publicUrl}/quickbooks/callback`;
  const app = (): QuickBooksApp => {
    const a = quickBooksApp(config);
    if (!a) throw new SettleError('quickbooks_not_configured', 'Connecting to QuickBooks is not set up on this Settle (QUICKBOOKS_CLIENT_ID, QUICKBOOKS_CLIENT_SECRET).', 409);
    return a;
  };

  // The admin's "Connect to QuickBooks" button: a top-level navigation, so the session cookie comes along.
  router.get('/quickbooks/connect', auth, route(async (req, res) => {
    const a = quickBooksApp(config);
    if (!a) return page(res, 409, 'Connecting to QuickBooks is not set up on this Settle yet (QUICKBOOKS_CLIENT_ID, QUICKBOOKS_CLIENT_SECRET). Ask whoever runs your Settle.');
    const state = await states.issue(req.merchant!.id, 'quickbooks', STATE_TTL_SECONDS);
    res.redirect(302, quickBooksAuthorizeUrl(a, state, redirectUri));
  }));

  // The merchant's browser, back from Intuit. It carries no session: the state says whose it is.
  router.get('/quickbooks/callback', route(async (req, res) => {
    const query = (name: string) => (typeof req.query[name] === 'string' ? req.query[name] : undefined);
    const merchantId = await states.consume(query('state'), 'quickbooks');
    if (!merchantId) return page(res, 400, 'This QuickBooks connection link has expired, was already used or is not from Settle. Start connecting to QuickBooks again from Settle.');
    if (query('error')) return page(res, 400, `QuickBooks was not connected (${query('error')}). You can try again from Settle.`);
    const code = query('code');
    const realmId = query('realmId');
    if (!code || !realmId || !/^\d+$/.test(realmId)) return page(res, 400, 'Intuit sent no authorization code or company. Start connecting to QuickBooks again from Settle.');
    const a = app();
    let tokens: Awaited<ReturnType<typeof exchangeQuickBooksCode>>;
    try {
      tokens = await exchangeQuickBooksCode(a, code, redirectUri);
    } catch (error) {
      if (error instanceof SettleError) return page(res, error.status, error.message);
      throw error;
    }
    const refusal = await companyRefusal(services, merchantId, realmId);
    if (refusal) {
      await revokeQuickBooks(a, tokens.refreshToken).catch(() => undefined);
      return page(res, 409, refusal);
    }
    const settings: QuickBooksSettings & { connectedAt: string } = { realmId, mode: 'oauth', status: 'active', connectedAt: new Date().toISOString() };
    await services.connections.save({ merchantId, platform: 'quickbooks', settings, secrets: tokens });
    await startCatchUpFrom(services.db, merchantId, realmId, new Date());
    await resumeHeldBooksJobs(services, merchantId);
    req.log.info({ merchant: merchantId, realm: realmId }, 'QuickBooks company connected');
    res.redirect(303, '/admin/?connected=quickbooks');
  }));

  router.delete('/api/connections/quickbooks', auth, route(async (req, res) => {
    const merchantId = req.merchant!.id;
    const c = await services.connections.find<QuickBooksSettings, Partial<QuickBooksSecrets>>(merchantId, 'quickbooks');
    if (!c) throw new SettleError('platform_not_connected', 'QuickBooks is not connected.', 404);
    // Revoked at Intuit first: if Intuit cannot be reached, nothing changes and asking again repeats it.
    if (c.secrets.refreshToken) {
      const a = quickBooksApp(config);
      const credentials = c.secrets.clientId && c.secrets.clientSecret ? { clientId: c.secrets.clientId, clientSecret: c.secrets.clientSecret } : a;
      if (a && credentials) await revokeQuickBooks({ ...a, ...credentials }, c.secrets.refreshToken);
    }
    await endConnection(services.db, merchantId, 'quickbooks', null, 'disconnected');
    const ended = await services.connections.find<QuickBooksSettings, object>(merchantId, 'quickbooks');
    // The tokens are gone for good; the company (realmId) is kept so a reconnect finds its mapping.
    if (ended) await services.connections.save({ ...ended, secrets: {} });
    res.json({ platform: 'quickbooks', status: ended?.settings.status ?? 'disconnected' });
  }));
  return router;
}

/** Why this company may not be connected for this merchant, if it may not. */
async function companyRefusal(services: Services, merchantId: string, realmId: string): Promise<string | undefined> {
  const others = await services.db.query<{ merchant_id: string }>(
    `SELECT merchant_id FROM connections WHERE platform = 'quickbooks' AND settings->>'realmId' = $1 AND merchant_id <> $2
       AND coalesce(settings->>'status', 'active') = 'active' LIMIT 1`,
    [realmId, merchantId],
  );
  if (others.length > 0) return 'This QuickBooks company is already connected to another Settle merchant. Disconnect it there first.';
  const previous = await services.connections.find<QuickBooksSettings, object>(merchantId, 'quickbooks');
  if (!previous || previous.settings.realmId === realmId) return undefined;
  const used = await services.db.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM books_documents WHERE merchant_id = $1) + (SELECT count(*) FROM books_mapping WHERE merchant_id = $1) AS n`,
    [merchantId],
  );
  if (Number(used[0]?.n ?? 0) === 0) return undefined;
  return `Settle already keeps this shop's books in another QuickBooks company (${previous.settings.realmId}). Connect that company again: its accounts, items and the documents Settle posted are there.`;
}

/** Books jobs that stopped while QuickBooks was disconnected start again. */
async function resumeHeldBooksJobs(services: Services, merchantId: string): Promise<void> {
  const held = await services.db.query<{ id: string }>(
    `SELECT id FROM outbox WHERE merchant_id = $1 AND topic = 'books.post_entry' AND done_at IS NULL ORDER BY created_at LIMIT 1000`,
    [merchantId],
  );
  for (const { id } of held) await services.jobs.requeue('books', id, { outboxId: id });
}

/** The callback answers a person in a browser: a short page, not JSON. */
function page(res: Response, status: number, message: string): void {
  res.status(status).type('text/plain').send(message);
}
