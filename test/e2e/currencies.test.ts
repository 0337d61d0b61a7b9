/**
 * Currencies end to end over HTTP. A USD merchant sells to a Kuwaiti shopper in KWD (three decimals)
 * and to a French shopper in EUR: Settle keeps the payment in the shopper's currency to the last
 * fils or cent, keeps what Stripe converted it to and at which rate, shows both, and refunds in the
 * shopper's currency. The ledger and the payout report are in dollars.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import {
  advanceStripeClock, payAsShopper, placeOrder, readPayments, signUpAndConnect, startCheckout, stripeDashboard, type ConnectedMerchant,
  merchantApi,
} from '../support/journey';

interface PaymentWithSettlement {
  id: string; amount: { amount: number; currency: string }; amountFormatted: string; status: string;
  settlement: { amount: { amount: number; currency: string }; amountFormatted: string; feeFormatted: string; netFormatted: string; exchangeRate: string | null } | null;
}

const nbsp = (s: string) => s.replace(/\u00a0/g, ' ');

describe('currencies: KWD (three decimals) and EUR presented to a USD account, end to end', { timeout: 120_000 }, () => {
  let stack: SettleStack;
  let settleUrl: string;
  let m: ConnectedMerchant;

  beforeAll(async () => {
    stack = await startSettleStack();
    settleUrl = stack.settleUrl;
    m = await signUpAndConnect(settleUrl, stack.sandboxes, 'Gulf and Paris Traders');
  }, 120_000);
  afterAll(async () => stack?.stop());

  const api = (path: string, body?: unknown) => merchantApi(settleUrl, m.apiKey, path, { body });
  const payment = async (id: string) => ((await api('/api/payments')).body.payments as PaymentWithSettlement[]).find((p) => p.id === id)!;
  const balances = async () => Object.fromEntries((await readPayments(settleUrl, m.apiKey)).balances.map((b) => [b.role, b.balance]));

  async function sale(price: string, currency: string, card?: string) {
    const product = (await m.woo.post('products', { name: `Rug ${currency}`, regular_price: price })).data;
    const order = await placeOrder(m.woo, { productId: product.id, quantity: 1, currency });
    const checkout = await startCheckout(settleUrl, m.apiKey, order.id);
    expect(await payAsShopper(settleUrl, checkout.payment.id, card)).toBe('succeeded');
    await eventually(async () => (await m.woo.get(`orders/${order.id}`)).data.status, (s) => s === 'processing');
    return { paymentId: checkout.payment.id, orderId: order.id as number };
  }

  it('KWD 12.340: charged as 12340 fils, converted at 3.25 to $40.11 (fee $1.86, net $38.25), both kept and shown', async () => {
    const { paymentId } = await sale('12.34', 'KWD');
    const paid = await eventually(() => payment(paymentId), (p) => p.settlement !== null);
    expect(paid).toMatchObject({ amount: { amount: 12340, currency: 'KWD' }, status: 'succeeded' });
    expect(nbsp(paid.amountFormatted)).toBe('KWD 12.340');
    expect(paid.settlement).toMatchObject({ amount: { amount: 4011, currency: 'USD' }, amountFormatted: '$40.11', feeFormatted: '$1.86', netFormatted: '$38.25', exchangeRate: '3.25' });
    const intent = (await stripeDashboard(stack.sandboxes, m).paymentIntents.list({ limit: 1 })).data[0]!;
    expect(intent).toMatchObject({ amount: 12340, currency: 'kwd' });
    expect(await balances()).toMatchObject({ income: 4011, processing_fees: 186, stripe_clearing: 3825 });
  });

  it('a KWD 5.000 refund goes back in KWD, costs $16.25 at the same rate; a part refund of 1.234 KWD is refused in plain words', async () => {
    const kwd = ((await api('/api/payments')).body.payments as PaymentWithSettlement[]).find((p) => p.amount.currency === 'KWD')!;
    const refund = await api(`/api/payments/${kwd.id}/refunds`, { amount: 5000 });
    expect(refund.status).toBe(201);
    expect(nbsp(refund.body.refund.amountFormatted)).toBe('KWD 5.000');
    expect(await eventually(balances, (b) => b.income === 4011 - 1625)).toMatchObject({ income: 2386, stripe_clearing: 3825 - 1625 });
    const odd = await api(`/api/payments/${kwd.id}/refunds`, { amount: 1234 });
    expect(odd.status).toBe(422);
    expect(odd.body.error).toMatchObject({ code: 'amount_not_chargeable', message: expect.stringContaining('1.234 KWD cannot be charged or refunded') });
    // Refused before anything was recorded: Settle and Stripe hold the one refund of 5.000 KWD.
    const refunds = (await api(`/api/payments/${kwd.id}/refunds`)).body.refunds as { amount: { amount: number }; status: string }[];
    expect(refunds.map((r) => [r.amount.amount, r.status])).toEqual([[5000, 'succeeded']]);
    const stripe = stripeDashboard(stack.sandboxes, m);
    expect((await stripe.refunds.list({ limit: 10 })).data.map((r) => [r.amount, r.currency])).toEqual([[5000, 'kwd']]);
  });

  it('EUR 100.00 by a French card: converted at 1.1 to $110.00, fee $6.24, net $103.76; the payout report keeps the rate', async () => {
    const { paymentId } = await sale('100.00', 'EUR', '4000002500000003');
    const paid = await eventually(() => payment(paymentId), (p) => p.settlement !== null);
    expect(paid.amountFormatted).toBe('€100.00');
    expect(paid.settlement).toMatchObject({ amountFormatted: '$110.00', feeFormatted: '$6.24', netFormatted: '$103.76', exchangeRate: '1.1' });

    await advanceStripeClock(stack.sandboxes, 3 * 86_400);
    const payouts = await eventually(async () => (await api('/api/payouts')).body.payouts as { id: string }[], (p) => p.length === 1, 30_000);
    const report = (await eventually(async () => (await api(`/api/payouts/${payouts[0]!.id}`)).body, (r) => r.lines?.length === 3, 30_000)) as {
      lines: { category: string; grossFormatted: string; exchangeRate: string | null; orderNumber: string | null }[];
    };
    const rates = report.lines.map((l) => [l.category, l.grossFormatted, l.exchangeRate]).sort();
    expect(rates).toEqual([['charge', '$110.00', '1.1'], ['charge', '$40.11', '3.25'], ['refund', '-$16.25', '3.25']]);
  });
});
