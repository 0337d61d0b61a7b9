import type { BooksDocument } from '../books/books';
import { booksDocumentsFor } from '../books/documents';
import { movementEntry } from '../ledger/entries';
import type { EntryWithPostings } from '../ledger/journal';
import type { AccountRole } from '../ledger/accounts';
import { money, fromDecimal, type Money } from '../money';
import type { BalanceMovement } from '../payments/processor';
import type { Store, StoreOrder } from '../stores/store';

export type DryRunStepId = 'payment' | 'store_order' | 'payout' | 'books' | 'release';
export type DryRunStepStatus = 'waiting' | 'running' | 'done' | 'failed' | 'skipped';

export interface DryRunStep {
  id: DryRunStepId;
  label: string;
  status: DryRunStepStatus;
  detail?: string;
}

/** One document as it would reach QuickBooks: its kind, the accounts it touches and the amounts. */
export interface PreviewDocument {
  /** Settle's kind (sale_receipt, expense, transfer, …) and the QuickBooks entity it becomes. */
  kind: BooksDocument['kind'];
  entity: string;
  what: string;
  date: string;
  memo: string;
  lines: { account: string; debit: Money | null; credit: Money | null }[];
  /** The QuickBooks request body, its references naming accounts instead of pointing at them. */
  body: Record<string, unknown>;
}

export interface DryRunView {
  id: string;
  status: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  steps: DryRunStep[];
  payment: { reference: string; amount: Money } | null;
  order: { id: string; number: string; status: string; paid: boolean | null; product: string | null; stockBefore: number | null; stockAfter: number | null } | null;
  documents: PreviewDocument[];
  error: string | null;
}

/** What the dry run does its work with; the adapters live in web/server/setup-facts.ts. */
export interface DryRunPorts {
  /** Stripe in test mode: authorize a test card (no money moves), and release it afterwards. */
  testPayments: {
    authorize(input: { amount: Money; idempotencyKey: string; description: string }): Promise<{ reference: string }>;
    release(reference: string): Promise<void>;
  };
  store?: Store;
  /** The QuickBooks entity a document becomes, with references that only name the accounts. */
  previewInBooks(document: BooksDocument): Promise<{ entity: string; what: string; body: Record<string, unknown> }>;
  /** The name of the QuickBooks account a ledger role is posted to (the mapped one, or the default). */
  accountName(role: AccountRole): Promise<string>;
  /** Keeps the view after every step: the wizard shows progress while it runs. */
  save(view: DryRunView): Promise<void>;
}

const STEPS: { id: DryRunStepId; label: string }[] = [
  { id: 'payment', label: 'Test payment approved on a test card' },
  { id: 'store_order', label: 'Test order paid in your store, stock lowered' },
  { id: 'payout', label: 'Test payout to your bank worked out' },
  { id: 'books', label: 'What would be posted to QuickBooks (nothing is posted)' },
  { id: 'release', label: 'Test payment released' },
];

export function newDryRun(id: string, now: Date): DryRunView {
  return {
    id, status: 'running', startedAt: now.toISOString(), finishedAt: null, steps: STEPS.map((s) => ({ ...s, status: 'waiting' })),
    payment: null, order: null, documents: [], error: null,
  };
}

/**
 * The dry run: a test order is paid with a test card and recorded in the store as a paid order
 * (the store lowers stock), a payout of its money to the bank is worked out, and the wizard shows
 * the QuickBooks documents both would become, built by the same code that posts them
 * (booksDocumentsFor, then the QuickBooks mapping) but never sent. The card is only authorized
 * and released at the end: no money moves, so neither Stripe's webhooks nor the reconciliation
 * sweep ever find a sale to post. (Stripe's fee is known only once a payment is captured, so a
 * dry-run sale shows none: it is posted as an expense from Stripe clearing when Stripe takes it.)
 */
export async function runDryRun(ports: DryRunPorts, view: DryRunView, input: { merchantId: string; currency: string; now: Date }): Promise<DryRunView> {
  const { now } = input;
  const step = async (id: DryRunStepId, status: DryRunStepStatus, detail?: string) => {
    const s = view.steps.find((x) => x.id === id)!;
    s.status = status;
    if (detail !== undefined) s.detail = detail;
    await ports.save(view);
  };
  let reference: string | undefined;
  let current: DryRunStepId = 'payment';
  try {
    const product = ports.store ? (await ports.store.findProducts('', input.currency)).find((p) => p.purchasable && (p.available === null || p.available > 0)) : undefined;
    if (ports.store && !product) throw new Error('Your store has no product for sale (published, priced and in stock) to place a test order for. Add one, then run the dry run again.');
    const amount = product?.unitPrice ?? fromDecimal(input.currency.toUpperCase() === 'JPY' ? '2000' : '20', input.currency);

    await step('payment', 'running');
    ({ reference } = await ports.testPayments.authorize({ amount, idempotencyKey: `setup-dry-run-${view.id}`, description: 'Settle setup dry run: test payment, released afterwards' }));
    view.payment = { reference, amount };
    await step('payment', 'done', `${reference}: approved, held on the test card.`);

    current = 'store_order';
    let order: StoreOrder | undefined;
    if (ports.store && product) {
      await step('store_order', 'running');
      const made = await ports.store.recordSaleMadeElsewhere({
        paymentId: `setup-dry-run-${view.id}`, startedAt: now, transactionId: reference, paymentTitle: 'Test card (Settle setup dry run)',
        lines: [{ name: product.name, quantity: 1, total: amount, productId: product.id }], customer: null,
        note: 'Test order from Settle\'s setup dry run: paid with a test card in Stripe test mode. No money moved and nothing was posted to QuickBooks.',
      });
      order = await ports.store.getOrder(made.orderId);
      const after = await ports.store.productForSale(product.id, input.currency);
      view.order = { id: made.orderId, number: made.number, status: order.status, paid: order.paid ?? null, product: product.name, stockBefore: product.available, stockAfter: after?.available ?? null };
      await step('store_order', 'done', `Order ${made.number} is ${order.status}${product.available !== null ? `; ${product.name} stock ${product.available} → ${after?.available ?? '?'}` : ''}.`);
    } else {
      await step('store_order', 'skipped', 'No store is part of this setup.');
    }

    current = 'payout';
    await step('payout', 'running');
    const sale = previewEntry(movementEntry(input.merchantId, movement(`txn_setup_dry_run_${view.id}`, 'charge', amount, reference, now), { order }));
    const payoutAmount = money(-amount.amount, amount.currency);
    const payout = previewEntry(movementEntry(input.merchantId, movement(`txn_setup_dry_run_payout_${view.id}`, 'payout', payoutAmount, `po_setup_dry_run_${view.id}`, now), {}));
    await step('payout', 'done', 'The sale\'s money, paid out from Stripe to your bank.');

    current = 'books';
    await step('books', 'running');
    for (const entry of [sale, payout]) {
      for (const { document } of booksDocumentsFor(entry, order)) view.documents.push(await preview(ports, document));
    }
    await step('books', 'done', `${view.documents.length} documents would be posted; none was.`);
  } catch (error) {
    view.error = error instanceof Error ? error.message : String(error);
    view.status = 'failed';
    await step(current, 'failed', view.error);
  } finally {
    if (reference) {
      await step('release', 'running');
      try {
        await ports.testPayments.release(reference);
        await step('release', 'done', 'The hold on the test card is released.');
      } catch (error) {
        view.status = 'failed';
        view.error ??= `The test payment could not be released: ${error instanceof Error ? error.message : String(error)}`;
        await step('release', 'failed', view.error);
      }
    } else {
      await step('release', 'skipped');
    }
  }
  if (view.status === 'running') view.status = 'done';
  view.finishedAt = new Date().toISOString();
  await ports.save(view);
  return view;
}

function movement(id: string, category: 'charge' | 'payout', amount: Money, sourceId: string, at: Date): BalanceMovement {
  const zero = money(0, amount.currency);
  return {
    id, category, amount, fee: zero, net: amount, feeDetails: [], exchangeRate: null, sourceId, paymentRef: category === 'charge' ? sourceId : null,
    occurredAt: at, availableOn: at, description: null,
  };
}

/** The entry as the ledger would keep it: zero lines are not posted (see postEntry). */
function previewEntry(entry: ReturnType<typeof movementEntry>): EntryWithPostings {
  return {
    id: 'preview', kind: entry.kind, sourceRef: entry.sourceRef, paymentId: null, description: entry.description, occurredAt: entry.occurredAt,
    postings: entry.postings.filter((p) => p.amount.amount !== 0),
  };
}

/** Debits and credits a bookkeeper reads off the document (the receipt's deposit is the debit). */
async function preview(ports: DryRunPorts, document: BooksDocument): Promise<PreviewDocument> {
  const name = (role: AccountRole) => ports.accountName(role);
  const debit = async (role: AccountRole, amount: Money) => ({ account: await name(role), debit: amount, credit: null });
  const credit = async (role: AccountRole, amount: Money) => ({ account: await name(role), debit: null, credit: amount });
  const total = (lines: { amount: Money }[]) => money(lines.reduce((sum, l) => sum + l.amount.amount, 0), lines[0]?.amount.currency ?? 'USD');
  let lines: PreviewDocument['lines'];
  switch (document.kind) {
    case 'sale_receipt':
      lines = [await debit(document.depositTo, total(document.lines)), ...(await Promise.all(document.lines.map((l) => credit(l.role, l.amount))))];
      break;
    case 'refund_receipt':
      lines = [...(await Promise.all(document.lines.map((l) => debit(l.role, l.amount)))), await credit(document.refundFrom, total(document.lines))];
      break;
    case 'expense':
      lines = [await debit(document.expense, document.amount), await credit(document.paidFrom, document.amount)];
      break;
    case 'transfer':
      lines = [await debit(document.to, document.amount), await credit(document.from, document.amount)];
      break;
    case 'journal':
      lines = await Promise.all(document.lines.map((l) => (l.amount.amount > 0 ? debit(l.role, l.amount) : credit(l.role, money(-l.amount.amount, l.amount.currency)))));
      break;
  }
  const { entity, what, body } = await ports.previewInBooks(document);
  return { kind: document.kind, entity, what, date: document.date, memo: document.memo, lines, body };
}
