/**
 * A payout the bank returns, end to end: a $100.00 sale is paid out ($96.80), then the bank sends it
 * back (Stripe's payout.failed, "account closed"). The money is back in the Stripe balance: the ledger
 * reverses the payout (bank 0, Stripe clearing $96.80), QuickBooks gets the transfer back, and the
 * merchant sees the payout failed with Stripe's reason. The next payout carries the returned money.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { advanceStripeClock, payAsShopper, placeOrder, readBooks, readLedgerEntries, readPayments, signUpAndConnect, startCheckout, type ConnectedMerchant } from '../support/journey';

interface PayoutView { id: string; status: string; amountFormatted: string; failureCode: string | null; failureMessage: string | null; reconciliationStatus: string | null }

describe('a payout the bank returns, end to end', { timeout: 120_000 }, () => {
  let stack: SettleStack;
  let settleUrl: string;
  let m: ConnectedMerchant;

  beforeAll(async () => {
    stack = await startSettleStack({ stripeSwitches: { deliver_twice: true } });
    settleUrl = stack.settleUrl;
    m = await signUpAndConnect(settleUrl, stack.sandboxes, 'Returned Payout Co');
    const product = (await m.woo.post('products', { name: 'Tent', regular_price: '100.00' })).data;
    const order = await placeOrder(m.woo, { productId: product.id, quantity: 1 });
    const checkout = await startCheckout(settleUrl, m.apiKey, order.id);
    expect(await payAsShopper(settleUrl, checkout.payment.id)).toBe('succeeded');
    await eventually(async () => (await m.woo.get(`orders/${order.id}`)).data.status, (s) => s === 'processing');
  }, 120_000);
  afterAll(async () => stack?.stop());

  const payouts = async () =>
    (await (await fetch(`${settleUrl}/api/payouts`, { headers: { Authorization: `Bearer ${m.apiKey}` } })).json()).payouts as PayoutView[];
  const balances = async () => Object.fromEntries((await readPayments(settleUrl, m.apiKey)).balances.map((b) => [b.role, b.balance]));
  const bankBalanceInBooks = async () => (await readBooks(stack.sandboxes, m.realmId)).documents.Account?.find((a) => a.Name === 'Bank')?.CurrentBalance;

  it('the payout is paid and Stripe’s reconciliation of it is recorded', async () => {
    await advanceStripeClock(stack.sandboxes, 3 * 86_400);
    const [paid] = await eventually(payouts, (p) => p[0]?.status === 'paid' && p[0].reconciliationStatus === 'completed', 30_000);
    expect(paid).toMatchObject({ amountFormatted: '$96.80', failureCode: null, failureMessage: null });
    await eventually(balances, (b) => b.bank === 9680 && b.stripe_clearing === 0);
  });

  it('the bank returns it: the merchant sees "failed" and why; the ledger and QuickBooks put the money back in Stripe', async () => {
    const [paid] = await payouts();
    const response = await fetch(`${stack.sandboxes.stripe.url}/_sandbox/payouts/${paid!.id}/fail`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ failure_code: 'account_closed' }),
    });
    expect(response.status).toBe(200);
    const [failed] = await eventually(payouts, (p) => p[0]?.status === 'failed');
    expect(failed).toMatchObject({ id: paid!.id, amountFormatted: '$96.80', failureCode: 'account_closed', failureMessage: 'The bank account has been closed.' });
    expect(await eventually(balances, (b) => b.bank === 0)).toMatchObject({ bank: 0, stripe_clearing: 9680, income: 10000, processing_fees: 320 });
    const reversal = (await readLedgerEntries(settleUrl, m.apiKey)).filter((e) => e.kind === 'payout_reversal');
    expect(reversal).toHaveLength(1);
    expect(reversal[0]!.postings.map((p) => [p.account, p.debit, p.credit])).toContainEqual(['Stripe clearing', '$96.80', null]);
    expect(await eventually(bankBalanceInBooks, (b) => b === 0, 30_000)).toBe(0);
  });

  it('the next payout carries the returned $96.80 to the bank once more', async () => {
    await advanceStripeClock(stack.sandboxes, 86_400);
    const listed = await eventually(payouts, (p) => p.length === 2 && p.some((x) => x.status === 'paid'));
    expect(listed.map((p) => [p.status, p.amountFormatted]).sort()).toEqual([['failed', '$96.80'], ['paid', '$96.80']]);
    await eventually(balances, (b) => b.bank === 9680 && b.stripe_clearing === 0);
    expect(await eventually(bankBalanceInBooks, (b) => b === 96.8, 30_000)).toBe(96.8);
  });
});
