// Transaction rules: what each transaction requires and the postings (debit +, credit −, in
// cents) it makes. applyPostings (rules.ts) turns a posting into a CurrentBalance change on
// the account's normal side, so an asset/bank balance rises with a debit and an income,
// liability or equity balance rises with a credit.
import { faults } from './faults';
import { centsToNumber } from './money';
import { isObj, present, type Obj, type Posting, type RuleKit } from './rule-kit';
import { transactionCurrency } from './currency-rules';
import type { Company } from './store';

/**
 * SalesReceipt (sign +1): debit DepositToAccountRef (default Undeposited Funds), credit each
 * item's income account. RefundReceipt (sign −1) is the mirror image: credit the account the
 * refund is paid from (DepositToAccountRef, required for a RefundReceipt), debit each item's
 * income account. Both carry QuickBooks' computed subtotal line and Balance 0. In another
 * currency (currency-rules.ts) the postings are the lines' home-currency amounts.
 */
export function salesForm(kit: RuleKit, company: Company, e: Obj, sign: 1 | -1): Posting[] {
  const kind = sign === 1 ? 'SalesReceipt' : 'RefundReceipt';
  const lines = kit.lines(e);
  const credited: { accountId: string; amount: number }[] = [];
  let total = 0;
  lines.forEach((line, i) => {
    const p = `Line[${i}]`;
    if (!present(line.DetailType)) throw faults.required(`${p}.DetailType`);
    const amount = kit.cents(line, 'Amount', `${p}.Amount`);
    line.Amount = centsToNumber(amount);
    total += amount;
    if (line.DetailType === 'SalesItemLineDetail') {
      const d = line.SalesItemLineDetail;
      if (!isObj(d)) throw faults.required(`${p}.SalesItemLineDetail`);
      const itemId = kit.refId(company, d, 'ItemRef', 'Item', true, `${p}.SalesItemLineDetail.ItemRef`) as string;
      const item = kit.store.table(company, 'Item').get(itemId);
      const income = isObj(item?.IncomeAccountRef) ? String(item.IncomeAccountRef.value) : undefined;
      if (!income) throw faults.invalidRef(`${p}.SalesItemLineDetail.ItemRef`, itemId); // item cannot be sold
      credited.push({ accountId: income, amount });
    } else if (line.DetailType !== 'DescriptionOnly') {
      throw faults.invalid(`${p}.DetailType`, `Unsupported DetailType for ${kind} in the sandbox: ${String(line.DetailType)}`);
    }
  });
  kit.refId(company, e, 'CustomerRef', 'Customer', false);
  if (sign === 1 && !present(e.DepositToAccountRef)) e.DepositToAccountRef = { value: '1', name: 'Undeposited Funds' };
  const deposit = kit.refId(company, e, 'DepositToAccountRef', 'Account', true) as string;
  // Balances are in the home currency: each line converted on its own, the deposit their sum.
  const currency = transactionCurrency(kit, company, e, kind, [deposit]);
  const postings: Posting[] = credited.map(({ accountId, amount }) => ({ accountId, debit: -sign * currency.toHome(amount) }));
  const homeTotal = credited.reduce((sum, c) => sum + currency.toHome(c.amount), 0);
  postings.push({ accountId: deposit, debit: sign * homeTotal });
  kit.finishLines(e, lines, total, { subtotal: true });
  if (currency.foreign) e.HomeTotalAmt = centsToNumber(homeTotal);
  e.Balance = 0;
  kit.txnDefaults(company, e);
  return postings;
}

/** Purchase: debit each expense line's account, credit the paying account (a bank balance
 * falls, a credit-card balance — money owed — rises). */
export function purchase(kit: RuleKit, company: Company, e: Obj): Posting[] {
  if (!present(e.PaymentType)) throw faults.required('PaymentType');
  const paying = kit.refId(company, e, 'AccountRef', 'Account', true) as string;
  kit.refId(company, e, 'EntityRef', 'Customer', false);
  const lines = kit.lines(e);
  const postings: Posting[] = [];
  let total = 0;
  lines.forEach((line, i) => {
    const p = `Line[${i}]`;
    if (line.DetailType !== 'AccountBasedExpenseLineDetail') {
      if (!present(line.DetailType)) throw faults.required(`${p}.DetailType`);
      throw faults.invalid(`${p}.DetailType`, `Unsupported DetailType for Purchase in the sandbox: ${String(line.DetailType)}`);
    }
    const amount = kit.cents(line, 'Amount', `${p}.Amount`);
    line.Amount = centsToNumber(amount);
    total += amount;
    const d = line.AccountBasedExpenseLineDetail;
    if (!isObj(d)) throw faults.required(`${p}.AccountBasedExpenseLineDetail`);
    const acct = kit.refId(company, d, 'AccountRef', 'Account', true, `${p}.AccountBasedExpenseLineDetail.AccountRef`) as string;
    postings.push({ accountId: acct, debit: amount });
  });
  postings.push({ accountId: paying, debit: -total });
  kit.finishLines(e, lines, total, { subtotal: false });
  kit.txnDefaults(company, e);
  return postings;
}

/** Transfer: debit ToAccountRef, credit FromAccountRef. */
export function transfer(kit: RuleKit, company: Company, e: Obj): Posting[] {
  const from = kit.refId(company, e, 'FromAccountRef', 'Account', true) as string;
  const to = kit.refId(company, e, 'ToAccountRef', 'Account', true) as string;
  const amount = kit.cents(e, 'Amount');
  if (amount <= 0) throw faults.amount('Amount', e.Amount);
  if (from === to) throw faults.invalid('ToAccountRef', 'Transfer accounts must differ');
  e.Amount = centsToNumber(amount);
  kit.txnDefaults(company, e);
  return [{ accountId: to, debit: amount }, { accountId: from, debit: -amount }];
}

/** Deposits (other than `selfId`) whose lines link the given transaction. */
export function depositsLinking(kit: RuleKit, company: Company, txnType: string, txnId: string, selfId?: string): string[] {
  const ids: string[] = [];
  for (const d of kit.store.table(company, 'Deposit').values()) {
    if (d.Id === selfId || !Array.isArray(d.Line)) continue;
    const links = (d.Line as Obj[]).flatMap((l) => (Array.isArray(l.LinkedTxn) ? (l.LinkedTxn as Obj[]) : []));
    if (links.some((t) => t.TxnType === txnType && String(t.TxnId) === txnId)) ids.push(d.Id);
  }
  return ids;
}

/**
 * Deposit: debit DepositToAccountRef with the total. A DepositLineDetail line credits its
 * AccountRef (a direct deposit); a LinkedTxn line moves a SalesReceipt out of Undeposited
 * Funds (credits the account that receipt was deposited to). Only SalesReceipt links are
 * supported by the sandbox.
 */
export function deposit(kit: RuleKit, company: Company, e: Obj): Posting[] {
  const to = kit.refId(company, e, 'DepositToAccountRef', 'Account', true) as string;
  const lines = kit.lines(e);
  const postings: Posting[] = [];
  let total = 0;
  lines.forEach((line, i) => {
    const p = `Line[${i}]`;
    const amount = kit.cents(line, 'Amount', `${p}.Amount`);
    line.Amount = centsToNumber(amount);
    total += amount;
    if (Array.isArray(line.LinkedTxn) && line.LinkedTxn.length > 0) {
      postings.push({ accountId: linkedSource(kit, company, line.LinkedTxn, p, e.Id as string | undefined), debit: -amount });
      return;
    }
    if (line.DetailType !== 'DepositLineDetail') {
      if (!present(line.DetailType)) throw faults.required(`${p}.DetailType`);
      throw faults.invalid(`${p}.DetailType`, `Unsupported DetailType for Deposit in the sandbox: ${String(line.DetailType)}`);
    }
    const d = line.DepositLineDetail;
    if (!isObj(d)) throw faults.required(`${p}.DepositLineDetail`);
    const from = kit.refId(company, d, 'AccountRef', 'Account', true, `${p}.DepositLineDetail.AccountRef`) as string;
    kit.refId(company, d, 'Entity', 'Customer', false, `${p}.DepositLineDetail.Entity`);
    postings.push({ accountId: from, debit: -amount });
  });
  postings.push({ accountId: to, debit: total });
  kit.finishLines(e, lines, total, { subtotal: false });
  kit.txnDefaults(company, e);
  return postings;
}

// The 6000 details below are the sandbox's wording; Intuit's exact text for these two cases
// could not be confirmed.
function linkedSource(kit: RuleKit, company: Company, links: unknown[], p: string, selfId: string | undefined): string {
  const link = links[0];
  if (!isObj(link) || !present(link.TxnId)) throw faults.required(`${p}.LinkedTxn[0].TxnId`);
  if (link.TxnType !== 'SalesReceipt') {
    throw faults.invalid(`${p}.LinkedTxn[0].TxnType`, `Unsupported LinkedTxn type for Deposit in the sandbox: ${String(link.TxnType)}`);
  }
  const txnId = String(link.TxnId);
  const receipt = kit.store.table(company, 'SalesReceipt').get(txnId);
  if (!receipt) throw faults.invalidRef(`${p}.LinkedTxn[0].TxnId`, txnId);
  const source = isObj(receipt.DepositToAccountRef) ? String(receipt.DepositToAccountRef.value) : '';
  if (kit.account(company, source)?.AccountSubType !== 'UndepositedFunds') {
    throw faults.business(`SalesReceipt ${txnId} was not deposited to Undeposited Funds, so it cannot be linked to a deposit.`);
  }
  if (depositsLinking(kit, company, 'SalesReceipt', txnId, selfId).length > 0) {
    throw faults.business(`SalesReceipt ${txnId} has already been deposited.`);
  }
  return source;
}
