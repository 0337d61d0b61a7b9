import { Router, json, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import { money } from '../../../core/money';
import type { ReaderFacts } from '../../../core/payments/card-readers';
import {
  cancelCounterSaleOnReader, collectCounterSale, counterSaleOutcome, findCounterSale, listReaders, registerReader, startCounterSale, type CounterSale,
} from '../../../core/payments/counter-sales';
import { NotFoundError } from '../../../core/errors';
import { parseBody, route } from '../http';
import { formatMoney } from '../format';
import { paymentView } from './payments';
import { shopifyPlanRequired } from './shopify-plan';
import { platformOfStoreOrder } from '../../../core/stores/connected-store';

const readerBody = z.object({
  registrationCode: z.string().trim().min(1).max(100).describe('the code the reader shows (test mode: simulated-wpe)'),
  label: z.string().trim().min(1).max(100),
  address: z.object({
    displayName: z.string().trim().min(1).max(100).describe('the shop, as the reader location is named'),
    line1: z.string().trim().min(1).max(200),
    city: z.string().trim().min(1).max(100),
    postalCode: z.string().trim().min(1).max(20),
    country: z.string().regex(/^[A-Z]{2}$/, 'a two-letter country code (ISO 3166-1)'),
    state: z.string().trim().max(100).optional(),
  }).strict(),
}).strict();

const saleBody = z.object({
  readerId: z.string().min(1).max(100),
  amount: z.number().int().positive().describe('minor units'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code such as USD'),
  description: z.string().trim().min(1).max(200),
  lines: z.array(z.object({
    name: z.string().trim().min(1).max(200), quantity: z.number().int().positive(), amount: z.number().int().nonnegative().describe('the line total, minor units'),
  }).strict()).max(100).optional(),
  customer: z.object({
    email: z.string().trim().email().max(200).describe('matched to the store\'s customer, or one is created'),
    name: z.string().trim().max(200).optional(),
  }).strict().optional(),
}).strict();

const emptyBody = z.object({}).strict().optional();

function readerView(r: { id: string; label: string }, facts: ReaderFacts | null) {
  return {
    id: r.id, label: r.label, status: facts?.status ?? 'unknown',
    // What the reader is doing now; null when idle.
    action: facts?.action ? { status: facts.action.status, paymentRef: facts.action.processorRef, failureMessage: facts.action.failureMessage } : null,
  };
}

/** Counter sales at the merchant's card readers: register a reader, ring up a sale, follow it. */
export function counterSaleRoutes(services: Services, auth: RequestHandler): Router {
  const router = Router();
  const body = json({ limit: services.config.API_BODY_LIMIT });

  async function saleView(merchantId: string, sale: CounterSale) {
    const readers = await services.platforms.cardReadersFor(merchantId);
    const reader = await readers.reader(sale.readerId).catch(() => null);
    const { outcome, message } = counterSaleOutcome(sale, reader);
    return {
      id: sale.id, number: sale.payment.orderNumber, description: sale.description, lines: sale.lines,
      amount: sale.payment.amount, amountFormatted: formatMoney(sale.payment.amount), outcome, message,
      reader: { id: sale.readerId, status: reader?.status ?? 'unknown' }, customer: sale.customer,
      // The WooCommerce order the paid sale became (null until recorded, or with no store connected).
      storeOrder: sale.storeOrder && { platform: platformOfStoreOrder(sale.storeOrder.id), id: sale.storeOrder.id, number: sale.storeOrder.number }, payment: paymentView(sale.payment), createdAt: sale.createdAt.toISOString(),
    };
  }

  router.post('/api/readers', auth, body, route(async (req, res) => {
    const input = parseBody(readerBody, req);
    const { reader, facts } = await registerReader(services, req.merchant!.id, input);
    res.status(201).json({ reader: readerView(reader, facts) });
  }));

  // Each reader with its live status, as the processor reports it now.
  router.get('/api/readers', auth, route(async (req, res) => {
    const merchantId = req.merchant!.id;
    const registered = await listReaders(services.db, merchantId);
    const readers = registered.length ? await services.platforms.cardReadersFor(merchantId) : undefined;
    const views = await Promise.all(registered.map(async (r) => readerView(r, (await readers?.reader(r.id).catch(() => null)) ?? null)));
    res.json({ readers: views });
  }));

  router.post('/api/counter-sales', auth, shopifyPlanRequired(services), body, route(async (req, res) => {
    const input = parseBody(saleBody, req);
    const merchantId = req.merchant!.id;
    const sale = await startCounterSale(services, merchantId, {
      readerId: input.readerId, amount: money(input.amount, input.currency), description: input.description, lines: input.lines ?? [],
      customer: input.customer ? { email: input.customer.email, name: input.customer.name ?? '' } : null,
    });
    res.status(201).json({ sale: await saleView(merchantId, sale) });
  }));

  router.get('/api/counter-sales/:saleId', auth, route(async (req, res) => {
    const merchantId = req.merchant!.id;
    const sale = await findCounterSale(services.db, merchantId, String(req.params.saleId));
    if (!sale) throw new NotFoundError('This counter sale');
    res.json({ sale: await saleView(merchantId, sale) });
  }));

  // After a declined card (or a cancel): send the same sale to the reader again.
  router.post('/api/counter-sales/:saleId/collect', auth, body, route(async (req, res) => {
    parseBody(emptyBody, req);
    const merchantId = req.merchant!.id;
    const sale = await collectCounterSale(services, merchantId, String(req.params.saleId));
    res.json({ sale: await saleView(merchantId, sale) });
  }));

  router.post('/api/counter-sales/:saleId/cancel', auth, body, route(async (req, res) => {
    parseBody(emptyBody, req);
    const merchantId = req.merchant!.id;
    const sale = await cancelCounterSaleOnReader(services, merchantId, String(req.params.saleId));
    res.json({ sale: await saleView(merchantId, sale) });
  }));
  return router;
}
