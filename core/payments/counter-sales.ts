import { createHash } from 'node:crypto';
import type { Settle } from '../ports';
import type { Queryable } from '../storage/database';
import { NotFoundError, SettleError } from '../errors';
import { newId } from '../ids';
import { add, money, toDecimal, type Money } from '../money';
import { findPayment, insertPayment, type Payment } from './payments';
import type { ReaderFacts, ShopAddress } from './card-readers';

/**
 * Counter sales: the merchant rings up a sale, the shopper taps a card on the merchant's reader,
 * and the money becomes a Settle payment (sales channel in_person) that reaches the ledger and the
 * books like any other, from the processor's webhook. Once paid, it is recorded in the merchant's
 * WooCommerce store (when one is connected) as a paid order, so stock falls there too.
 */

export interface CounterSaleLine {
  name: string;
  quantity: number;
  /** The line's total, in minor units of the sale's currency. */
  amount: number;
}

export interface RegisteredReader {
  id: string;
  label: string;
  locationId: string;
  registeredAt: Date;
}

export interface CounterSale {
  id: string;
  readerId: string;
  description: string;
  lines: CounterSaleLine[];
  payment: Payment;
  /** The shopper, when the merchant took their email (matched to the store's customer). */
  customer: { email: string; name: string } | null;
  /** The store's order this sale became, once recorded there. */
  storeOrder: { id: string; number: string } | null;
  createdAt: Date;
}

/** Where a counter sale stands, in the words the merchant at the till needs. */
export type CounterSaleOutcome = 'waiting_for_card' | 'not_on_reader' | 'paid' | 'declined' | 'canceled';

const hash = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 16);

export async function registerReader(
  settle: Settle, merchantId: string, input: { registrationCode: string; label: string; address: ShopAddress },
): Promise<{ reader: RegisteredReader; facts: ReaderFacts }> {
  const readers = await settle.platforms.cardReadersFor(merchantId);
  // The key names what is registered: asking twice (a retry) registers one reader.
  const facts = await readers.registerReader({
    ...input, idempotencyKey: `reader-${merchantId}-${hash(JSON.stringify([input.registrationCode, input.label, input.address]))}`,
  });
  await settle.db.query(
    `INSERT INTO terminal_readers (merchant_id, id, label, location_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (merchant_id, id) DO UPDATE SET label = EXCLUDED.label`,
    [merchantId, facts.readerId, facts.label, facts.locationId],
  );
  return { reader: (await findReader(settle.db, merchantId, facts.readerId))!, facts };
}

type ReaderRow = { id: string; label: string; location_id: string; registered_at: Date | string };
const readerFromRow = (r: ReaderRow): RegisteredReader => ({ id: r.id, label: r.label, locationId: r.location_id, registeredAt: new Date(r.registered_at) });

export async function findReader(db: Queryable, merchantId: string, readerId: string): Promise<RegisteredReader | undefined> {
  const rows = await db.query<ReaderRow>('SELECT id, label, location_id, registered_at FROM terminal_readers WHERE merchant_id = $1 AND id = $2', [merchantId, readerId]);
  return rows[0] && readerFromRow(rows[0]);
}

export async function listReaders(db: Queryable, merchantId: string): Promise<RegisteredReader[]> {
  const rows = await db.query<ReaderRow>('SELECT id, label, location_id, registered_at FROM terminal_readers WHERE merchant_id = $1 ORDER BY registered_at', [merchantId]);
  return rows.map(readerFromRow);
}

/**
 * Rings up a sale and sends it to the reader, which then waits for the shopper's card. Lines, when
 * given, must add up to the amount. The sale and its payment are kept before the reader is asked,
 * so a busy or offline reader leaves a sale the merchant can collect again.
 */
export async function startCounterSale(
  settle: Settle, merchantId: string,
  input: { readerId: string; amount: Money; description: string; lines: CounterSaleLine[]; customer?: { email: string; name: string } | null },
): Promise<CounterSale> {
  const reader = await findReader(settle.db, merchantId, input.readerId);
  if (!reader) throw new NotFoundError('This card reader');
  if (input.lines.length > 0) {
    const total = input.lines.reduce((sum, l) => add(sum, money(l.amount, input.amount.currency)), money(0, input.amount.currency));
    if (total.amount !== input.amount.amount) {
      throw new SettleError('lines_do_not_add_up',
        `The lines add up to ${toDecimal(total)} ${total.currency}, not ${toDecimal(input.amount)} ${input.amount.currency}. Correct the lines or the amount.`, 400);
    }
  }
  const saleId = newId('cs');
  const readers = await settle.platforms.cardReadersFor(merchantId);
  const { processorRef } = await readers.createInPersonPayment({
    amount: input.amount,
    description: `Counter sale: ${input.description}`,
    metadata: { settle_merchant: merchantId, counter_sale: saleId },
    idempotencyKey: `counter-sale-${saleId}`,
  });
  await settle.db.transaction(async (tx) => {
    const [{ n }] = await tx.query<{ n: number }>('SELECT count(*)::int + 1 AS n FROM counter_sales WHERE merchant_id = $1', [merchantId]) as [{ n: number }];
    const payment = await insertPayment(tx, {
      id: newId('pay'), merchantId, storePlatform: 'counter', orderId: saleId, orderNumber: `C-${1000 + n}`, amount: input.amount,
      processorRef, salesChannel: 'in_person',
    });
    await tx.query('INSERT INTO counter_sales (id, merchant_id, reader_id, description, lines, payment_id, customer) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      saleId, merchantId, reader.id, input.description, JSON.stringify(input.lines), payment.id, input.customer ? JSON.stringify(input.customer) : null,
    ]);
  });
  return collectCounterSale(settle, merchantId, saleId);
}

/** Sends the sale to its reader (again, after a declined card or a cancel). */
export async function collectCounterSale(settle: Settle, merchantId: string, saleId: string): Promise<CounterSale> {
  const sale = await openSale(settle, merchantId, saleId);
  const readers = await settle.platforms.cardReadersFor(merchantId);
  await readers.collectOnReader({ readerId: sale.readerId, processorRef: sale.payment.processorRef });
  return sale;
}

/** Stops the reader waiting for the card; the sale stays open to collect again. */
export async function cancelCounterSaleOnReader(settle: Settle, merchantId: string, saleId: string): Promise<CounterSale> {
  const sale = await openSale(settle, merchantId, saleId);
  const readers = await settle.platforms.cardReadersFor(merchantId);
  const facts = await readers.reader(sale.readerId);
  if (facts.action?.status !== 'in_progress' || facts.action.processorRef !== sale.payment.processorRef)
    throw new SettleError('reader_not_waiting', 'The card reader is not waiting for a card for this sale.', 409);
  await readers.cancelReaderAction({ readerId: sale.readerId });
  return sale;
}

async function openSale(settle: Settle, merchantId: string, saleId: string): Promise<CounterSale> {
  const sale = await findCounterSale(settle.db, merchantId, saleId);
  if (!sale) throw new NotFoundError('This counter sale');
  if (sale.payment.status === 'succeeded') throw new SettleError('counter_sale_paid', `Counter sale ${sale.payment.orderNumber} is already paid.`, 409);
  return sale;
}

export async function findCounterSale(db: Queryable, merchantId: string, saleId: string): Promise<CounterSale | undefined> {
  return counterSaleWhere(db, merchantId, 'id = $2', saleId);
}

export async function findCounterSaleByPayment(db: Queryable, merchantId: string, paymentId: string): Promise<CounterSale | undefined> {
  return counterSaleWhere(db, merchantId, 'payment_id = $2', paymentId);
}

async function counterSaleWhere(db: Queryable, merchantId: string, where: 'id = $2' | 'payment_id = $2', value: string): Promise<CounterSale | undefined> {
  const rows = await db.query<{
    id: string; reader_id: string; description: string; lines: CounterSaleLine[]; payment_id: string; created_at: Date | string;
    customer: { email: string; name: string } | null; store_order_id: string | null; store_order_number: string | null;
  }>(
    `SELECT id, reader_id, description, lines, payment_id, created_at, customer, store_order_id, store_order_number
     FROM counter_sales WHERE merchant_id = $1 AND ${where}`, [merchantId, value],
  );
  const row = rows[0];
  if (!row) return undefined;
  const payment = await findPayment(db, merchantId, row.payment_id);
  if (!payment) throw new Error(`counter sale ${row.id} has no payment`);
  return {
    id: row.id, readerId: row.reader_id, description: row.description, lines: row.lines, payment, customer: row.customer,
    storeOrder: row.store_order_id && row.store_order_number ? { id: row.store_order_id, number: row.store_order_number } : null,
    createdAt: new Date(row.created_at),
  };
}

export async function recordStoreOrderOfSale(tx: Queryable, merchantId: string, saleId: string, order: { orderId: string; number: string }): Promise<void> {
  await tx.query('UPDATE counter_sales SET store_order_id = $3, store_order_number = $4 WHERE merchant_id = $1 AND id = $2', [merchantId, saleId, order.orderId, order.number]);
}

/**
 * Where the sale stands: the reader's own answer first (it knows at once), then what the
 * processor's webhooks told Settle. A declined card says why and what to do.
 */
export function counterSaleOutcome(sale: CounterSale, reader: ReaderFacts | null): { outcome: CounterSaleOutcome; message: string } {
  const action = reader?.action?.processorRef === sale.payment.processorRef ? reader.action : null;
  if (sale.payment.status === 'succeeded') return { outcome: 'paid', message: `Paid by card at the counter.` };
  if (sale.payment.status === 'canceled') return { outcome: 'canceled', message: 'The sale was canceled; nothing was taken.' };
  if (action?.status === 'in_progress') return { outcome: 'waiting_for_card', message: `Waiting for the shopper's card on the reader.` };
  // The reader's latest attempt for this sale wins over an earlier decline the webhooks reported.
  if (action?.status === 'succeeded') return { outcome: 'paid', message: 'Paid by card at the counter.' };
  const reason = (action?.status === 'failed' ? action.failureMessage : null) ?? sale.payment.failureMessage;
  if (reason) return { outcome: 'declined', message: `Card declined: ${reason} Ask for another card and collect again.` };
  return { outcome: 'not_on_reader', message: 'The reader is not collecting this sale: collect it again to take the card.' };
}
