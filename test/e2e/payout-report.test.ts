/**
 * The payout report a bookkeeper reads, end to end: books scenario 3 (sales of $200.00 and $50.00,
 * the $50.00 disputed and lost, one payout of $177.15) driven over HTTP only, with Settle's server
 * and worker as separate processes on PostgreSQL. The payout is explained to the cent by its lines,
 * and its CSV is exactly what a spreadsheet should receive.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import {
  advanceStripeClock, payAsShopper, placeOrder, readPayments, signUpAndConnect, startCheckout, stripeDashboard,
  type ConnectedMerchant, type Sandboxes,
} from '../support/journey';

interface Line {
  id: string; category: string; group: string; sourceId: string; paymentId: string | null; orderNumber: string | null;
  grossFormatted: string; feeFormatted: string; netFormatted: string; exchangeRate: string | null; occurredAt: string; availableOn: string;
}

describe('payout report, end to end (books scenario 3)', { timeout: 150_000 }, () => {
  let sandboxes: Sandboxes;
  let stack: SettleStack;
  let settleUrl: string;
  let merchant: ConnectedMerchant;
  const sales = {} as Record<'big' | 'small', { paymentId: string; orderNumber: string }>;
  let payoutId: string;

  const get = (path: string, apiKey = merchant.apiKey) => fetch(`${settleUrl}${path}`, { headers: apiKey ? { Authorization: `Bearer ${apiKey}` } : {} });

  /** A shopper buys one product at `price` and pays by card; the store shows the order paid. */
  async function sale(price: string, card?: string) {
    const product = (await merchant.woo.post('products', { name: `Item ${price}`, regular_price: price, manage_stock: true, stock_quantity: 5 })).data;
    const order = await placeOrder(merchant.woo, { productId: product.id, quantity: 1 });
    const checkout = await startCheckout(settleUrl, merchant.apiKey, order.id);
    expect(await payAsShopper(settleUrl, checkout.payment.id, card)).toBe('succeeded');
    await eventually(async () => (await merchant.woo.get(`orders/${order.id}`)).data.status, (s) => s === 'processing');
    return { paymentId: checkout.payment.id, orderNumber: order.number };
  }

  beforeAll(async () => {
    stack = await startSettleStack();
    ({ sandboxes, settleUrl } = stack);
    merchant = await signUpAndConnect(settleUrl, sandboxes, 'Payout Report Shop');

    sales.big = await sale('200.00');
    sales.small = await sale('50.00', '4000000000000259'); // disputed as soon as it is paid
    const stripe = stripeDashboard(sandboxes, merchant);
    const [dispute] = (await stripe.disputes.list({ limit: 1 })).data;
    await stripe.disputes.close(dispute!.id); // the merchant accepts the loss
    await advanceStripeClock(sandboxes, 3 * 86_400);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('lists the one payout of $177.15, paid and explained', async () => {
    const listed = await eventually(async () => (await (await get('/api/payouts')).json()).payouts, (p: { id: string }[]) => p.length > 0, 60_000);
    expect(listed).toEqual([
      expect.objectContaining({
        amount: { amount: 17715, currency: 'USD' }, amountFormatted: '$177.15', status: 'paid', lineCount: 3, reconciliation: 'explained', exceptions: [],
        arrivalDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      }),
    ]);
    payoutId = listed[0]!.id;
    expect(payoutId).toMatch(/^po_/);
  });

  it('shows each line it carried (two sales and the dispute, not the payout itself), the groups and the proof', async () => {
    const report = await (await get(`/api/payouts/${payoutId}`)).json();
    const byLine = (report.lines as Line[]).map((l) => [l.category, l.group, l.paymentId, l.orderNumber, l.grossFormatted, l.feeFormatted, l.netFormatted]);
    expect(byLine.sort()).toEqual([
      ['charge', 'charges', sales.big.paymentId, sales.big.orderNumber, '$200.00', '$6.10', '$193.90'],
      ['charge', 'charges', sales.small.paymentId, sales.small.orderNumber, '$50.00', '$1.75', '$48.25'],
      ['dispute', 'disputes', sales.small.paymentId, sales.small.orderNumber, '-$50.00', '$15.00', '-$65.00'],
    ].sort());
    expect((report.lines as Line[]).every((l) => /^txn_/.test(l.id) && l.sourceId !== null)).toBe(true);

    const figures = (g: { count: number; grossFormatted: string; feeFormatted: string; netFormatted: string }) => [g.count, g.grossFormatted, g.feeFormatted, g.netFormatted];
    expect(Object.fromEntries(report.summary.groups.map((g: { group: string } & Parameters<typeof figures>[0]) => [g.group, figures(g)]))).toEqual({
      charges: [2, '$250.00', '$7.85', '$242.15'],
      refunds: [0, '$0.00', '$0.00', '$0.00'],
      disputes: [1, '-$50.00', '$15.00', '-$65.00'],
      other_adjustments: [0, '$0.00', '$0.00', '$0.00'],
    });
    expect(figures(report.summary.total)).toEqual([3, '$200.00', '$22.85', '$177.15']);

    expect(report.reconciliation).toBe('explained');
    expect(report.exceptions).toEqual([]);
    expect(report.proof).toMatchObject({
      payoutAmountFormatted: '$177.15', payoutMovementFormatted: '$177.15', linesNetFormatted: '$177.15', remainder: { amount: 0, currency: 'USD' },
    });
    expect(report.csvUrl).toBe(`/api/payouts/${payoutId}/lines.csv`);
  });

  it('downloads the lines as RFC 4180 CSV, amounts in dollars and cents', async () => {
    const [report, response] = await Promise.all([(await get(`/api/payouts/${payoutId}`)).json(), get(`/api/payouts/${payoutId}/lines.csv`)]);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="payout-${payoutId}-lines.csv"`);

    // The amounts are written here by hand; only ids and times come from the report (same order).
    const amounts: Record<string, string> = {
      [`charge ${sales.big.paymentId}`]: '200.00,6.10,193.90',
      [`charge ${sales.small.paymentId}`]: '50.00,1.75,48.25',
      [`dispute ${sales.small.paymentId}`]: '-50.00,15.00,-65.00',
    };
    const utc = (iso: string) => iso.slice(0, 19).replace('T', ' ');
    const expected =
      'payout_id,balance_transaction_id,created_utc,available_on_utc,reporting_category,source_id,settle_payment_id,order_number,currency,gross,fee,net,exchange_rate\r\n' +
      (report.lines as Line[])
        .map((l) => {
          const order = l.paymentId === sales.big.paymentId ? sales.big.orderNumber : sales.small.orderNumber;
          return `${payoutId},${l.id},${utc(l.occurredAt)},${utc(l.availableOn)},${l.category},${l.sourceId},${l.paymentId},${order},USD,${amounts[`${l.category} ${l.paymentId}`]},\r\n`;
        })
        .join('');
    expect(await response.text()).toBe(expected);
  });

  it("answers 404 payout_not_found for an unknown payout and for another merchant's, and 401 without a key", async () => {
    const other = await (await fetch(`${settleUrl}/api/merchants`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Nosy Neighbour' }) })).json();
    for (const [path, apiKey] of [['/api/payouts/po_does_not_exist', merchant.apiKey], [`/api/payouts/${payoutId}`, other.apiKey], [`/api/payouts/${payoutId}/lines.csv`, other.apiKey]]) {
      const response = await get(path!, apiKey);
      expect([path, response.status, (await response.json()).error.code]).toEqual([path, 404, 'payout_not_found']);
    }
    expect(await (await get('/api/payouts', other.apiKey)).json()).toEqual({ payouts: [] });
    expect((await get('/api/payouts', '')).status).toBe(401);
  });

  it('the reports agree: the fee report splits the payout\'s $22.85 of fees, the daily summary nets to $177.15', async () => {
    const fees = await (await get('/api/reports/fees?group=payout')).json();
    expect(fees.rows.map((r: Record<string, unknown>) => [r.key, r.feeType, r.category, r.count, r.amountFormatted])).toEqual([
      [payoutId, 'stripe_fee', 'charge', 2, '$7.85'],
      [payoutId, 'stripe_fee', 'dispute', 1, '$15.00'],
    ]);
    const summary = await (await get('/api/reports/daily-summary')).json();
    const [usd] = summary.totals as Record<string, unknown>[];
    expect([usd!.sales, usd!.grossFormatted, usd!.disputesFormatted, usd!.feesFormatted, usd!.netFormatted]).toEqual([2, '$250.00', '-$50.00', '$22.85', '$177.15']);
    expect(new Set(summary.rows.map((r: { channel: string }) => r.channel))).toEqual(new Set(['woocommerce']));
  });

  it('the ledger agrees: the bank received what the payout report explains', async () => {
    const balances = Object.fromEntries((await readPayments(settleUrl, merchant.apiKey)).balances.map((b) => [b.role, b.balance]));
    expect(balances).toMatchObject({ bank: 17715, stripe_clearing: 0 });
  });
});
