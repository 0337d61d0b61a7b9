import { Router, json, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import { SettleError } from '../../../core/errors';
import { booksSettings, POSTING_MODES, setPostingMode, type BooksSettings } from '../../../core/books/posting-mode';
import { route } from '../http';

const settingsBody = z.object({ postingMode: z.enum(POSTING_MODES) }).strict();

const view = (s: BooksSettings) => ({ postingMode: s.postingMode, changedAt: s.changedAt?.toISOString() ?? null });

/**
 * How Settle posts to the merchant's books: per transaction (a document per sale, fee, refund and
 * payout) or per payout (one summarised journal entry per payout, matching the bank deposit). The
 * admin's QuickBooks card and the setup wizard both use these two routes.
 */
export function booksSettingsRoutes(services: Services, auth: RequestHandler): Router {
  const router = Router();

  router.get('/api/books/settings', auth, route(async (req, res) => {
    res.json(view(await booksSettings(services.db, req.merchant!.id)));
  }));

  // A change applies to every entry whose payout has not been posted yet (see setPostingMode).
  router.put('/api/books/settings', auth, json({ limit: services.config.API_BODY_LIMIT }), route(async (req, res) => {
    const parsed = settingsBody.safeParse(req.body);
    if (!parsed.success) {
      throw new SettleError('invalid_posting_mode', 'postingMode must be "per_transaction" (a document per sale, fee, refund and payout) or "per_payout" (one journal entry per payout).');
    }
    res.json(view(await setPostingMode(services.db, req.merchant!.id, parsed.data.postingMode)));
  }));
  return router;
}
