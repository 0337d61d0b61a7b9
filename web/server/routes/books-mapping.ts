import { json, Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import { quickBooksApp } from '../services';
import { SettleError } from '../../../core/errors';
import { BooksMapping } from '../../../core/books/mapping';
import { ACCOUNT_ROLES, type AccountRole } from '../../../core/ledger/accounts';
import { connectedStore } from '../../../core/stores/connected-store';
import { quickBooksAccess } from '../../../connectors/quickbooks/access';
import { call, quickBooksClient } from '../../../connectors/quickbooks/client';
import { QuickBooksMappingStep } from '../../../connectors/quickbooks/mapping-step';
import { parseBody, parseQuery, route } from '../http';

const QB_ID = z.string().regex(/^\d{1,20}$/, 'a QuickBooks id (digits)');
const PICK_OR_CREATE = z.union([
  z.object({ accountId: QB_ID }).strict(),
  z.object({ create: z.literal(true) }).strict(),
]);
const ITEM_OR_CREATE = z.union([
  z.object({ itemId: QB_ID }).strict(),
  z.object({ create: z.literal(true), name: z.string().trim().min(1).max(100).optional() }).strict(),
]);
const VIEW_QUERY = z.object({ currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code such as USD').default('USD') }).strict();
/** A store's SKU: printable, no more than QuickBooks keeps (Item.Sku is at most 100 characters). */
const SKU = z.string().trim().min(1).max(100).regex(/^[^\u0000-\u001f]+$/, 'a SKU without control characters');

/**
 * The mapping step of setup (the setup wizard and the QuickBooks card embed its page): which
 * QuickBooks account stands for each ledger role, which item each product's SKU is sold as (with
 * a fallback item), and how customers are matched. Every answer is the whole step as it now stands.
 */
export function booksMappingRoutes(services: Services, auth: RequestHandler): Router {
  const router = Router();
  const body = json({ limit: services.config.API_BODY_LIMIT });

  const stepFor = async (merchantId: string) => {
    const { settings, secrets } = await quickBooksAccess(services.db, services.connections, merchantId, services.config.QUICKBOOKS_TOKEN_URL, quickBooksApp(services.config));
    return new QuickBooksMappingStep(quickBooksClient(settings, secrets), new BooksMapping(services.db, merchantId), call);
  };
  /** The store's products (name, SKU) for the items part; none when no store is connected or it cannot be reached. */
  const storeProducts = async (merchantId: string, currency: string) => {
    const store = await connectedStore(services, merchantId).catch(() => null);
    if (!store) return [];
    return (await store.findProducts('', currency).catch(() => [])).map((p) => ({ sku: p.sku, name: p.name }));
  };
  const view = async (merchantId: string, currency = 'USD') => {
    const step = await stepFor(merchantId);
    return { mapping: await step.read(await storeProducts(merchantId, currency)) };
  };
  const roleOf = (raw: unknown): AccountRole => {
    const role = String(raw);
    if (!Object.hasOwn(ACCOUNT_ROLES, role)) {
      throw new SettleError('unknown_role', `There is no ledger role "${role}"; the roles are ${Object.keys(ACCOUNT_ROLES).join(', ')}.`, 404);
    }
    return role as AccountRole;
  };

  router.get('/api/books/mapping', auth, route(async (req, res) => {
    const { currency } = parseQuery(VIEW_QUERY, req);
    res.json(await view(req.merchant!.id, currency));
  }));

  router.put('/api/books/mapping/accounts/:role', auth, body, route(async (req, res) => {
    const role = roleOf(req.params.role);
    const input = parseBody(PICK_OR_CREATE, req);
    const step = await stepFor(req.merchant!.id);
    if ('accountId' in input) await step.mapAccount(role, input.accountId);
    else await step.createAccount(role);
    res.json(await view(req.merchant!.id));
  }));

  router.put('/api/books/mapping/items/:sku', auth, body, route(async (req, res) => {
    const sku = SKU.safeParse(req.params.sku);
    if (!sku.success) throw new SettleError('invalid_request', `sku: ${sku.error.issues[0]!.message}`, 400);
    const input = parseBody(ITEM_OR_CREATE, req);
    const step = await stepFor(req.merchant!.id);
    if ('itemId' in input) await step.mapItem(sku.data, input.itemId);
    else await step.createItem(sku.data, input.name ?? sku.data);
    res.json(await view(req.merchant!.id));
  }));

  router.put('/api/books/mapping/fallback-item', auth, body, route(async (req, res) => {
    const input = parseBody(ITEM_OR_CREATE, req);
    const step = await stepFor(req.merchant!.id);
    if ('itemId' in input) await step.mapFallbackItem(input.itemId);
    else await step.createFallbackItem();
    res.json(await view(req.merchant!.id));
  }));

  router.post('/api/books/mapping/apply-suggestions', auth, route(async (req, res) => {
    await (await stepFor(req.merchant!.id)).applySuggestions();
    res.json(await view(req.merchant!.id));
  }));
  return router;
}
