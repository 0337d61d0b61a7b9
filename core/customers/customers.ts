import type { Settle } from '../ports';
import type { Queryable } from '../storage/database';
import { NotFoundError, SettleError } from '../errors';
import { newId } from '../ids';
import type { CardSetupFacts, CardSetupSession } from '../payments/processor';

/** A merchant's customer, mapped to the processor's customer (`processorRef`). */
export interface Customer {
  id: string;
  merchantId: string;
  processorRef: string;
  email: string | null;
  name: string | null;
  createdAt: Date;
}

/** A card saved on a customer: what a merchant recognises it by, never its number. */
export interface SavedCard {
  id: string;
  customerId: string;
  processorRef: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

/** A request to save a card, which the customer confirms in their browser. */
export interface CardSetup {
  id: string;
  customerId: string;
  processorRef: string;
  status: CardSetupFacts['status'];
  failureMessage: string | null;
}

type CustomerRow = { id: string; merchant_id: string; processor_ref: string; email: string | null; name: string | null; created_at: Date | string };
const customerFrom = (r: CustomerRow): Customer => ({
  id: r.id, merchantId: r.merchant_id, processorRef: r.processor_ref, email: r.email, name: r.name, createdAt: new Date(r.created_at),
});
type CardRow = { id: string; customer_id: string; processor_ref: string; brand: string; last4: string; exp_month: number; exp_year: number };
const cardFrom = (r: CardRow): SavedCard => ({
  id: r.id, customerId: r.customer_id, processorRef: r.processor_ref, brand: r.brand, last4: r.last4, expMonth: r.exp_month, expYear: r.exp_year,
});
type SetupRow = { id: string; customer_id: string; processor_ref: string; status: CardSetup['status']; failure_message: string | null };
const setupFrom = (r: SetupRow): CardSetup => ({
  id: r.id, customerId: r.customer_id, processorRef: r.processor_ref, status: r.status, failureMessage: r.failure_message,
});

/** Creates the customer at the processor (keyed by Settle's new id, so a retried call makes one) and here. */
export async function createCustomer(settle: Settle, merchantId: string, input: { email?: string; name?: string }): Promise<Customer> {
  const id = newId('cus');
  const processor = await settle.platforms.processorFor(merchantId);
  const { customerRef } = await processor.createCustomer({
    email: input.email ?? null, name: input.name ?? null, settleCustomerId: id, idempotencyKey: `customer-${id}`,
  });
  const rows = await settle.db.query<CustomerRow>(
    `INSERT INTO customers (id, merchant_id, processor_ref, email, name) VALUES ($1, $2, $3, $4, $5)
     RETURNING id, merchant_id, processor_ref, email, name, created_at`,
    [id, merchantId, customerRef, input.email ?? null, input.name ?? null],
  );
  return customerFrom(rows[0]!);
}

export async function findCustomer(db: Queryable, merchantId: string, id: string): Promise<Customer | undefined> {
  const rows = await db.query<CustomerRow>('SELECT id, merchant_id, processor_ref, email, name, created_at FROM customers WHERE merchant_id = $1 AND id = $2', [merchantId, id]);
  return rows[0] && customerFrom(rows[0]);
}

export async function requireCustomer(db: Queryable, merchantId: string, id: string): Promise<Customer> {
  const customer = await findCustomer(db, merchantId, id);
  if (!customer) throw new NotFoundError('This customer');
  return customer;
}

export async function listCustomers(db: Queryable, merchantId: string, limit = 100): Promise<Customer[]> {
  const rows = await db.query<CustomerRow>(
    'SELECT id, merchant_id, processor_ref, email, name, created_at FROM customers WHERE merchant_id = $1 ORDER BY created_at DESC LIMIT $2', [merchantId, limit],
  );
  return rows.map(customerFrom);
}

export async function savedCards(db: Queryable, merchantId: string, customerId: string): Promise<SavedCard[]> {
  const rows = await db.query<CardRow>(
    'SELECT id, customer_id, processor_ref, brand, last4, exp_month, exp_year FROM saved_cards WHERE merchant_id = $1 AND customer_id = $2 ORDER BY created_at',
    [merchantId, customerId],
  );
  return rows.map(cardFrom);
}

export async function requireSavedCard(db: Queryable, merchantId: string, customerId: string, cardId: string): Promise<SavedCard> {
  const card = (await savedCards(db, merchantId, customerId)).find((c) => c.id === cardId);
  if (!card) throw new SettleError('card_not_found', 'This customer has no saved card with that id. Save a card first (POST /api/customers/:id/card-setups).', 404);
  return card;
}

/** Starts saving a card: the customer confirms it in their browser with the returned session. */
export async function startCardSetup(settle: Settle, merchantId: string, customerId: string): Promise<{ setup: CardSetup; session: CardSetupSession }> {
  const customer = await requireCustomer(settle.db, merchantId, customerId);
  const id = newId('cset');
  const processor = await settle.platforms.processorFor(merchantId);
  const session = await processor.startCardSetup({ customerRef: customer.processorRef, settleSetupId: id, idempotencyKey: `card-setup-${id}` });
  const rows = await settle.db.query<SetupRow>(
    `INSERT INTO card_setups (id, merchant_id, customer_id, processor_ref, status) VALUES ($1, $2, $3, $4, 'awaiting_card')
     ON CONFLICT (merchant_id, processor_ref) DO UPDATE SET updated_at = card_setups.updated_at
     RETURNING id, customer_id, processor_ref, status, failure_message`,
    [id, merchantId, customer.id, session.setupRef],
  );
  return { setup: setupFrom(rows[0]!), session };
}

export async function findCardSetup(db: Queryable, merchantId: string, id: string): Promise<CardSetup | undefined> {
  const rows = await db.query<SetupRow>('SELECT id, customer_id, processor_ref, status, failure_message FROM card_setups WHERE merchant_id = $1 AND id = $2', [merchantId, id]);
  return rows[0] && setupFrom(rows[0]);
}

/**
 * In the settlement's transaction: how saving a card went, as the processor now says. A saved card
 * is kept once (by the processor's id), whichever webhook brought it and however often.
 */
export async function recordCardSetupFacts(tx: Queryable, merchantId: string, facts: CardSetupFacts): Promise<string> {
  const setups = await tx.query<{ customer_id: string }>(
    `UPDATE card_setups SET status = $3, failure_message = $4, updated_at = now()
      WHERE merchant_id = $1 AND processor_ref = $2 AND status <> 'succeeded' RETURNING customer_id`,
    [merchantId, facts.setupRef, facts.status, facts.failureMessage],
  );
  const customers = setups.length > 0 ? setups.map((s) => s.customer_id) : (
    await tx.query<{ id: string }>('SELECT id FROM customers WHERE merchant_id = $1 AND processor_ref = $2', [merchantId, facts.customerRef ?? ''])
  ).map((c) => c.id);
  const customerId = customers[0];
  if (!customerId) return `card setup ${facts.setupRef} is for no Settle customer`;
  if (!facts.card) return `card setup ${facts.setupRef} is ${facts.status}`;
  const c = facts.card;
  await tx.query(
    `INSERT INTO saved_cards (id, merchant_id, customer_id, processor_ref, brand, last4, exp_month, exp_year)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (merchant_id, processor_ref) DO NOTHING`,
    [newId('card'), merchantId, customerId, c.cardRef, c.brand, c.last4, c.expMonth, c.expYear],
  );
  return `card ${c.brand} •••• ${c.last4} saved`;
}
