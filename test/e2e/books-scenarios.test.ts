/**
 * The accounting acceptance cases of shared/scenarios/books.md, end to end: each scenario is its own
 * merchant, driven only through HTTP (Settle's API and payment flow, the Stripe dashboard played by
 * the official SDK against the sandbox, the store's REST API), with Settle's server and worker as
 * separate processes on PostgreSQL. Each ends with the balances in Settle's ledger AND in the
 * QuickBooks sandbox, to the cent, and one QuickBooks document per business event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { expectBooks as expectBooksIn, type Balances, type DocumentCounts } from '../support/books';
import {
  advanceStripeClock, payAsShopper, placeOrder, readPayments, signUpAndConnect, startCheckout, stripeDashboard,
  type ConnectedMerchant, type Sandboxes,
} from '../support/journey';

/** What each scenario's business events become in QuickBooks, per posting mode. */
type Mode = 'per_transaction' | 'per_payout';

describe('books scenarios, end to end (shared/scenarios/books.md)', { timeout: 150_000 }, () => {
  let sandboxes: Sandboxes;
  let stack: SettleStack;
  let settleUrl: string;

  beforeAll(async () => {
    stack = await startSettleStack();
    ({ sandboxes, settleUrl } = stack);
  }, 120_000);

  afterAll(async () => {
    if (process.env.BOOKS_DEBUG) console.log(stack?.worker.output(), stack?.server.output());
    await stack?.stop();
  });

  describe.each<Mode>(['per_transaction', 'per_payout'])('posting %s', (mode) => {
    /** A new merchant whose books are posted in this mode, chosen as the merchant does (the QuickBooks card's API). */
    const merchantFor = async (name: string, currency: 'USD' | 'JPY' = 'USD') => {
      const m = await signUpAndConnect(settleUrl, sandboxes, `${name} (${mode})`, { currency });
      const response = await fetch(`${settleUrl}/api/books/settings`, {
        method: 'PUT', headers: { Authorization: `Bearer ${m.apiKey}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ postingMode: mode }),
      });
      expect(await response.json()).toMatchObject({ postingMode: mode });
      return m;
    };

    /**
     * One document per business event: per transaction, the documents named; per payout, one
     * journal entry per payout and nothing else (a sale, fee or refund has no document of its own).
     */
    const perEvent = (documents: DocumentCounts, payouts = 1): DocumentCounts =>
      mode === 'per_transaction'
        ? documents
        : { SalesReceipt: 0, Purchase: 0, RefundReceipt: 0, Transfer: 0, JournalEntry: payouts };

    /** A shopper buys one product at `price` and pays by card; returns Settle's payment id. */
    async function sale(m: ConnectedMerchant, o: { price: string; card?: string; currency?: string; shipping?: string; waitForStore?: boolean }) {
      const product = (await m.woo.post('products', { name: `Item ${o.price}`, regular_price: o.price, manage_stock: true, stock_quantity: 5 })).data;
      const order = await placeOrder(m.woo, { productId: product.id, quantity: 1, currency: o.currency, shippingTotal: o.shipping });
      const checkout = await startCheckout(settleUrl, m.apiKey, order.id);
      expect(await payAsShopper(settleUrl, checkout.payment.id, o.card)).toBe('succeeded');
      if (o.waitForStore !== false) {
        await eventually(async () => (await m.woo.get(`orders/${order.id}`)).data.status, (s) => s === 'processing');
      }
      return { paymentId: checkout.payment.id, orderId: order.id, total: order.total };
    }

    async function refundThroughSettle(m: ConnectedMerchant, paymentId: string, amount: number) {
      const response = await fetch(`${settleUrl}/api/payments/${paymentId}/refunds`, {
        method: 'POST', headers: { Authorization: `Bearer ${m.apiKey}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ amount, reason: 'requested_by_customer' }),
      });
      expect(response.status).toBe(201);
      return (await response.json()).refund as { id: string; status: string; origin: string };
    }

    /** The refunds on a WooCommerce order, once they look like `done` (they are synced by the worker). */
    async function storeRefunds(m: ConnectedMerchant, orderId: number, done: (r: unknown[]) => boolean = (r) => r.length > 0) {
      const read = async () =>
        ((await m.woo.get(`orders/${orderId}/refunds`)).data as { amount: string; refunded_payment: boolean }[]).map((r) => ({ amount: r.amount, refunded_payment: r.refunded_payment }));
      return eventually(read, done, 30_000);
    }

    const payOut = () => advanceStripeClock(sandboxes, 3 * 86_400);

    const expectBooks = (m: ConnectedMerchant, currency: string, expected: Balances, documents: DocumentCounts) =>
      expectBooksIn(settleUrl, sandboxes, m, currency, expected, perEvent(documents));

    it('1. one sale: income 100.00, fees 3.20, bank 96.80', async () => {
      const m = await merchantFor('Scenario One');
      await sale(m, { price: '100.00' });
      await payOut();
      await expectBooks(m, 'USD', { income: 10000, processing_fees: 320, bank: 9680 }, { SalesReceipt: 1, Purchase: 1, Transfer: 1 });
    });

    it('2. partial refund from Settle: income 60.00, fees 3.20, bank 56.80', async () => {
      const m = await merchantFor('Scenario Two');
      const { paymentId, orderId } = await sale(m, { price: '100.00' });
      const refund = await refundThroughSettle(m, paymentId, 4000);
      expect(refund).toMatchObject({ status: 'succeeded', origin: 'settle' });
      await payOut();
      await expectBooks(m, 'USD', { income: 6000, processing_fees: 320, bank: 5680 }, { SalesReceipt: 1, Purchase: 1, RefundReceipt: 1, Transfer: 1 });
      // The merchant sees the refund on the WooCommerce order, recorded without refunding the shopper again.
      expect(await storeRefunds(m, orderId)).toEqual([{ amount: '40.00', refunded_payment: false }]);
    });

    it('3. lost dispute in a busy payout: income 250.00, fees 7.85, dispute losses 50.00 + fees 15.00, bank 177.15', async () => {
      const m = await merchantFor('Scenario Three');
      await sale(m, { price: '200.00' });
      await sale(m, { price: '50.00', card: '4000000000000259' });
      const stripe = stripeDashboard(sandboxes, m);
      const [dispute] = (await stripe.disputes.list({ limit: 1 })).data;
      await stripe.disputes.close(dispute!.id);
      await payOut();
      await expectBooks(
        m, 'USD', { income: 25000, processing_fees: 785, dispute_losses: 5000, dispute_fees: 1500, bank: 17715 },
        { SalesReceipt: 2, Purchase: 2, JournalEntry: 1, Transfer: 1 },
      );
    });

    it('4. foreign shopper: EUR 100.00 by a French card to a USD merchant, income 110.00, fees 6.24, bank 103.76', async () => {
      const m = await merchantFor('Scenario Four');
      await sale(m, { price: '100.00', currency: 'EUR', card: '4000002500000003' });
      await payOut();
      await expectBooks(m, 'USD', { income: 11000, processing_fees: 624, bank: 10376 }, { SalesReceipt: 1, Purchase: 1, Transfer: 1 });
    });

    it('4, in a multicurrency QuickBooks company: the sale in EUR at Stripe’s rate, the home amounts the ledger’s to the cent', async () => {
      const m = await merchantFor('Scenario Four multicurrency');
      const turnedOn = await fetch(`${sandboxes.quickbooks.url}/_sandbox/companies/${m.realmId}/multicurrency`, { method: 'POST' });
      expect(turnedOn.status).toBe(200);
      await sale(m, { price: '100.00', currency: 'EUR', card: '4000002500000003' });
      await payOut();
      await expectBooks(m, 'USD', { income: 11000, processing_fees: 624, bank: 10376 }, { SalesReceipt: 1, Purchase: 1, Transfer: 1 });
      const { documents } = await sandboxes.quickbooks.documents(m.realmId);
      if (mode === 'per_payout') {
        // The summary is in the home currency, as the deposit is.
        expect(documents.JournalEntry).toMatchObject([{ CurrencyRef: { value: 'USD' }, ExchangeRate: 1 }]);
        return;
      }
      // What the shopper paid, in their currency, at the rate Stripe converted it (110.00 / 100.00).
      const [receipt] = documents.SalesReceipt!;
      expect(receipt).toMatchObject({ CurrencyRef: { value: 'EUR' }, ExchangeRate: 1.1, TotalAmt: 100, HomeTotalAmt: 110 });
      const customer = documents.Customer!.find((c) => c.Id === (receipt!.CustomerRef as { value: string }).value);
      expect(customer).toMatchObject({ DisplayName: 'Ada Shopper (EUR)', CurrencyRef: { value: 'EUR' } });
      // The fee and the payout are in dollars, as Stripe charged and paid them.
      expect(documents.Purchase).toMatchObject([{ CurrencyRef: { value: 'USD' }, TotalAmt: 6.24 }]);
      expect(documents.Transfer).toMatchObject([{ CurrencyRef: { value: 'USD' }, Amount: 103.76 }]);
    });

    it.runIf(mode === 'per_transaction')('switching to per payout: what is in QuickBooks stays, the payout’s journal entry carries only the rest', async () => {
      const m = await merchantFor('Switching merchant');
      const settings = (body?: unknown) => fetch(`${settleUrl}/api/books/settings`, {
        method: body ? 'PUT' : 'GET', headers: { Authorization: `Bearer ${m.apiKey}`, 'Content-Type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}),
      });
      // Bad input is refused with a stable code and changes nothing.
      const refused = await settings({ postingMode: 'weekly' });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error: { code: 'invalid_posting_mode', message: expect.stringContaining('per_payout') } });
      expect(await (await settings()).json()).toMatchObject({ postingMode: 'per_transaction' });

      await sale(m, { price: '100.00' });
      const receipts = async () => (await sandboxes.quickbooks.documents(m.realmId)).documents.SalesReceipt?.length ?? 0;
      await eventually(receipts, (n) => n === 1, 60_000);
      expect(await (await settings({ postingMode: 'per_payout' })).json()).toMatchObject({ postingMode: 'per_payout', changedAt: expect.any(String) });
      await sale(m, { price: '50.00' });
      await payOut();
      // 100.00 − 3.20 posted on its own before the switch; 50.00 − 1.75 only in the payout's journal entry.
      await expectBooksIn(
        settleUrl, sandboxes, m, 'USD', { income: 15000, processing_fees: 495, bank: 14505 },
        { SalesReceipt: 1, Purchase: 1, RefundReceipt: 0, Transfer: 0, JournalEntry: 1 },
      );
      const [journal] = (await sandboxes.quickbooks.documents(m.realmId)).documents.JournalEntry!;
      expect(journal!.PrivateNote).toMatch(/Payout to the bank: po_\w+, summarising 1 Stripe transaction \(/); // the 50.00 sale; the 100.00 one was in already
    });

    it('5. yen: a JPY merchant sells JPY 10,000, income 10,000, fees 360, bank 9,640', async () => {
      const m = await merchantFor('Scenario Five', 'JPY');
      await sale(m, { price: '10000', currency: 'JPY' });
      await payOut();
      await expectBooks(m, 'JPY', { income: 10000, processing_fees: 360, bank: 9640 }, { SalesReceipt: 1, Purchase: 1, Transfer: 1 });
    });

    it('6. tax and shipping from the WooCommerce order: income 80.00, shipping 10.00, tax 7.20, fees 3.12, bank 94.08', async () => {
      const m = await merchantFor('Scenario Six');
      sandboxes.woo.setTaxRate('9.0000', false);
      try {
        const { total } = await sale(m, { price: '80.00', shipping: '10.00' });
        expect(total).toBe('97.20');
        await payOut();
        await expectBooks(
          m, 'USD', { income: 8000, shipping_income: 1000, sales_tax_payable: 720, processing_fees: 312, bank: 9408 },
          { SalesReceipt: 1, Purchase: 1, Transfer: 1 },
        );
      } finally {
        sandboxes.woo.setTaxRate(null);
      }
    });

    it('7. scenario 2 with every webhook twice and in reverse order, the refund made in Stripe’s dashboard', async () => {
      const m = await merchantFor('Scenario Seven');
      sandboxes.stripe.setSwitches({ deliver_twice: true, hold_deliveries: true });
      try {
        const { paymentId, orderId } = await sale(m, { price: '100.00', waitForStore: false });
        const stripe = stripeDashboard(sandboxes, m);
        const payments = await readPayments(settleUrl, m.apiKey);
        expect(payments.payments[0]).toMatchObject({ id: paymentId, status: 'awaiting_payment' });
        const [intent] = (await stripe.paymentIntents.list({ limit: 1 })).data;
        await stripe.refunds.create({ payment_intent: intent!.id, amount: 4000 });
        await payOut();
        sandboxes.stripe.setSwitches({ hold_deliveries: false });
        sandboxes.stripe.releaseDeliveries({ reverse: true });
        await expectBooks(m, 'USD', { income: 6000, processing_fees: 320, bank: 5680 }, { SalesReceipt: 1, Purchase: 1, RefundReceipt: 1, Transfer: 1 });
        const order = await eventually(async () => (await m.woo.get(`orders/${orderId}`)).data, (o) => o.status === 'processing');
        expect(order.transaction_id).toBe(intent!.id);
        expect(await storeRefunds(m, orderId)).toEqual([{ amount: '40.00', refunded_payment: false }]);
        const refunds = await (await fetch(`${settleUrl}/api/payments/${paymentId}/refunds`, { headers: { Authorization: `Bearer ${m.apiKey}` } })).json();
        expect(refunds.refunds).toMatchObject([{ origin: 'processor', status: 'succeeded', amountFormatted: '$40.00' }]);
      } finally {
        sandboxes.stripe.setSwitches({ deliver_twice: false, hold_deliveries: false });
      }
    });

    it('8. refund that fails: income 100.00, fees 3.20, bank 96.80', async () => {
      const m = await merchantFor('Scenario Eight');
      const { paymentId, orderId } = await sale(m, { price: '100.00', card: '4000000000005126' });
      await refundThroughSettle(m, paymentId, 4000);
      await payOut();
      await expectBooks(
        m, 'USD', { income: 10000, processing_fees: 320, bank: 9680 },
        { SalesReceipt: 1, Purchase: 1, RefundReceipt: 1, JournalEntry: 1, Transfer: 1 },
      );
      const refunds = await (await fetch(`${settleUrl}/api/payments/${paymentId}/refunds`, { headers: { Authorization: `Bearer ${m.apiKey}` } })).json();
      expect(refunds.refunds).toMatchObject([{ status: 'failed', failureMessage: expect.stringContaining('The refund failed') }]);
      // The store shows the order as paid in full again, with a note saying why.
      expect(await storeRefunds(m, orderId, (r) => r.length === 0)).toEqual([]);
      // The refund is taken off first and the note added next: wait for it as a person would.
      const failedNote = (n: { note: string }) => n.note.includes('the refund of 40.00 USD failed at the card issuer');
      const notes = await eventually(async () => (await m.woo.get(`orders/${orderId}/notes`)).data as { note: string }[], (n) => n.some(failedNote), 30_000)
        .catch(async () => (await m.woo.get(`orders/${orderId}/notes`)).data as { note: string }[]);
      expect(notes.some(failedNote)).toBe(true);
    });
  });
});
