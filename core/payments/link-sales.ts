import { createHash } from 'node:crypto';
import type { Settle } from '../ports';
import type { Queryable } from '../storage/database';
import { NotFoundError, SettleError } from '../errors';
import { newId } from '../ids';
import { money } from '../money';
import { findPayment, insertPayment, setPaymentStatus, type Payment, type PaymentStatus } from './payments';
import { deactivatePaymentLink, findPaymentLinkById, linesTotal, priceProducts, storeForLinks, type LinkLine, type PaymentLink, type PaymentLinkListing } from './payment-links';

/**
 * One shopper's purchase through a payment link: their own payment (store_platform 'link'), the
 * lines priced when they opened the link, the email their store customer is matched by, and, once
 * paid and recorded, the store order it became.
 */
export interface LinkSale {
  id: string;
  linkId: string;
  lines: LinkLine[];
  customer: { email: string; name: string };
  payment: Payment;
  storeOrder: { id: string; number: string } | null;
  createdAt: Date;
}

/** The shopper can still pay these; any other status means this purchase is over (or under way). */
const OPEN: PaymentStatus[] = ['awaiting_payment', 'failed', 'requires_authentication'];

/** More new purchases than this on one link within ten minutes is a script, not shoppers. */
const NEW_PURCHASES_PER_TEN_MINUTES = 200;

/**
 * Starts (or resumes) a shopper's payment through a link. The id of the purchase derives from the
 * link, the shopper's email, how many of their purchases through it are over, and what they pay:
 * reloading the page, or submitting the form twice, finds the same open payment (the processor gets
 * the same idempotency key too), while a shopper buying again after paying gets a new one.
 */
export async function startLinkPurchase(settle: Settle, linkId: string, shopper: { email: string; name: string }): Promise<LinkSale> {
  const link = await findPaymentLinkById(settle.db, linkId);
  if (!link) throw new NotFoundError('This payment link');
  if (!link.active) throw new SettleError('payment_link_inactive', 'This payment link is no longer active, and nothing was charged. Ask the seller for a new link.', 410);
  const lines = await linesFor(settle, link);
  const amount = linesTotal(lines, link.currency);
  const email = shopper.email.trim().toLowerCase();

  const [counts] = await settle.db.query<{ over: number; recent: number }>(
    `SELECT count(*) FILTER (WHERE s.email = $2 AND NOT p.status = ANY($3::text[]))::int AS over,
            count(*) FILTER (WHERE s.created_at > now() - interval '10 minutes' AND p.status = ANY($3::text[]))::int AS recent
       FROM payment_link_sales s JOIN payments p ON p.id = s.payment_id WHERE s.link_id = $1`,
    [link.id, email, OPEN],
  ) as [{ over: number; recent: number }];
  const saleId = `ls_${createHash('sha256').update(JSON.stringify([link.id, email, counts.over, amount.currency, amount.amount])).digest('base64url').slice(0, 22)}`;
  const existing = await findLinkSale(settle.db, link.merchantId, 'id = $2', saleId);
  if (existing && OPEN.includes(existing.payment.status)) return existing;
  if (counts.recent >= NEW_PURCHASES_PER_TEN_MINUTES) {
    throw new SettleError('too_many_payments', 'This link is busy. Wait a few minutes and open it again; nothing was charged.', 429);
  }

  const processor = await settle.platforms.processorFor(link.merchantId);
  const { processorRef } = await processor.createPayment({
    amount, description: `Payment link: ${link.description}`, captureMethod: 'automatic',
    metadata: { settle_merchant: link.merchantId, payment_link: link.id, link_sale: saleId },
    idempotencyKey: `payment-link-${saleId}`,
  });
  await settle.db.transaction(async (tx) => {
    // One number each: shoppers of the merchant's links paying at the same moment take turns here.
    await tx.query('SELECT id FROM merchants WHERE id = $1 FOR UPDATE', [link.merchantId]);
    const [{ n }] = await tx.query<{ n: number }>('SELECT count(*)::int + 1 AS n FROM payment_link_sales WHERE merchant_id = $1', [link.merchantId]) as [{ n: number }];
    // Two submissions at once: both insert under the same order id, and both answer with the winner.
    const payment = await insertPayment(tx, {
      id: newId('pay'), merchantId: link.merchantId, storePlatform: 'link', orderId: saleId, orderNumber: `L-${1000 + n}`, amount, processorRef,
    });
    await tx.query(
      `INSERT INTO payment_link_sales (id, merchant_id, link_id, payment_id, email, name, lines) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO NOTHING`,
      [saleId, link.merchantId, link.id, payment.id, email, shopper.name.trim(), JSON.stringify(lines)],
    );
  });
  return (await findLinkSale(settle.db, link.merchantId, 'id = $2', saleId))!;
}

/**
 * Deactivates the link, and cancels at the processor the payments of shoppers who opened it before
 * and have not paid, so a payment page left open cannot take money for a link that is off. A shopper
 * who paid at that very moment keeps their purchase (the processor refuses to cancel it). If the
 * processor does not answer, the link is off all the same and deactivating again finishes the job.
 */
export async function deactivateLink(settle: Settle, merchantId: string, linkId: string): Promise<PaymentLinkListing> {
  const link = await deactivatePaymentLink(settle.db, merchantId, linkId);
  const open = (await listLinkSales(settle.db, merchantId, linkId)).filter((s) => OPEN.includes(s.payment.status));
  if (open.length === 0) return link;
  const processor = await settle.platforms.processorFor(merchantId);
  for (const { payment } of open) {
    const facts = await processor.cancel({ processorRef: payment.processorRef, idempotencyKey: `link-off-${payment.id}` }).catch(async (error: unknown) => {
      if (!(error instanceof SettleError)) throw error; // not answering: deactivating again finishes it
      return processor.paymentFacts(payment.processorRef);
    });
    // Only a cancel is recorded here; a payment that succeeded meanwhile is recorded by its webhook, with its sale.
    if (facts.status === 'canceled') await settle.db.transaction((tx) => setPaymentStatus(tx, payment.id, 'canceled', null));
  }
  return link;
}

/** What a shopper pays for through the link now: its amount, or its products at the store's prices. */
export async function linesFor(settle: Settle, link: PaymentLink): Promise<LinkLine[]> {
  if (link.customAmount) return [{ productId: null, name: link.description, quantity: 1, amount: link.customAmount.amount }];
  return priceProducts(await storeForLinks(settle, link.merchantId), link.products, link.currency, true);
}

export async function findLinkSaleByPayment(db: Queryable, merchantId: string, paymentId: string): Promise<LinkSale | undefined> {
  return findLinkSale(db, merchantId, 'payment_id = $2', paymentId);
}

/** Everyone who opened the link and went on to pay (or is paying), newest first. */
export async function listLinkSales(db: Queryable, merchantId: string, linkId: string): Promise<LinkSale[]> {
  const rows = await db.query<{ payment_id: string }>(
    'SELECT payment_id FROM payment_link_sales WHERE merchant_id = $1 AND link_id = $2 ORDER BY created_at DESC LIMIT 200', [merchantId, linkId],
  );
  const sales = await Promise.all(rows.map((r) => findLinkSaleByPayment(db, merchantId, r.payment_id)));
  return sales.filter((s): s is LinkSale => s !== undefined);
}

async function findLinkSale(db: Queryable, merchantId: string, where: 'id = $2' | 'payment_id = $2', value: string): Promise<LinkSale | undefined> {
  const rows = await db.query<{
    id: string; link_id: string; lines: LinkLine[]; email: string; name: string; payment_id: string;
    store_order_id: string | null; store_order_number: string | null; created_at: Date | string;
  }>(
    `SELECT id, link_id, lines, email, name, payment_id, store_order_id, store_order_number, created_at
       FROM payment_link_sales WHERE merchant_id = $1 AND ${where}`, [merchantId, value],
  );
  const row = rows[0];
  if (!row) return undefined;
  const payment = await findPayment(db, merchantId, row.payment_id);
  if (!payment) throw new Error(`link sale ${row.id} has no payment`);
  return {
    id: row.id, linkId: row.link_id, lines: row.lines, customer: { email: row.email, name: row.name }, payment,
    storeOrder: row.store_order_id && row.store_order_number ? { id: row.store_order_id, number: row.store_order_number } : null,
    createdAt: new Date(row.created_at),
  };
}

export async function recordStoreOrderOfLinkSale(tx: Queryable, merchantId: string, saleId: string, order: { orderId: string; number: string }): Promise<void> {
  await tx.query('UPDATE payment_link_sales SET store_order_id = $3, store_order_number = $4 WHERE merchant_id = $1 AND id = $2', [merchantId, saleId, order.orderId, order.number]);
}

/** The lines as the store records them (minor units become Money in the link's currency). */
export const storeLines = (sale: LinkSale) =>
  sale.lines.map((l) => ({ name: l.name, quantity: l.quantity, total: money(l.amount, sale.payment.amount.currency), productId: l.productId }));
