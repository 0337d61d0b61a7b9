// Per-entity business rules: required fields, references that must exist, computed fields
// (TotalAmt, line ids) and the double-entry postings each transaction makes. Enumerations and
// element types are left to the XSD check that runs before these rules.
import { faults } from './faults';
import { centsToNumber, parseCents } from './money';
import type { Company, Entity, SandboxStore } from './store';

type Obj = Record<string, unknown>;
/** A debit (positive) or credit (negative) of cents to an account. */
export interface Posting {
  accountId: string;
  debit: number;
}

const CLASSIFICATION: Record<string, string> = {
  Bank: 'Asset', 'Accounts Receivable': 'Asset', 'Other Current Asset': 'Asset', 'Fixed Asset': 'Asset', 'Other Asset': 'Asset',
  'Accounts Payable': 'Liability', 'Credit Card': 'Liability', 'Other Current Liability': 'Liability', 'Long Term Liability': 'Liability',
  Equity: 'Equity', Income: 'Revenue', 'Other Income': 'Revenue',
  'Cost of Goods Sold': 'Expense', Expense: 'Expense', 'Other Expense': 'Expense', 'Non-Posting': 'Asset',
};
/** QuickBooks shows every balance in its normal direction as a positive number. */
export const isDebitNormal = (classification: unknown): boolean => classification === 'Asset' || classification === 'Expense';

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

export class Rules {
  constructor(private readonly store: SandboxStore) {}

  private refId(company: Company, entity: Obj, field: string, target: string, required: boolean, path = field): string | undefined {
    const ref = entity[field];
    if (!present(ref)) {
      if (required) throw faults.required(path);
      return undefined;
    }
    const id = isObj(ref) ? ref.value : undefined;
    if (typeof id !== 'string' && typeof id !== 'number') throw faults.invalidRef(path, JSON.stringify(ref));
    if (!this.store.table(company, target).has(String(id))) throw faults.invalidRef(path, id);
    return String(id);
  }

  private cents(entity: Obj, field: string, path = field, required = true): number {
    const v = entity[field];
    if (!present(v)) {
      if (required) throw faults.required(path);
      return 0;
    }
    // QuickBooks would round a third decimal; Settle must never send one, so refuse it.
    const c = parseCents(v);
    if (c === undefined) throw faults.amount(path, v);
    return c;
  }

  private uniqueName(company: Company, entityName: string, field: string, value: string, selfId?: string): void {
    const lower = value.trim().toLowerCase();
    for (const e of this.store.table(company, entityName).values()) {
      if (e.Id !== selfId && String(e[field] ?? '').trim().toLowerCase() === lower) throw faults.duplicateName(value, e.Id);
    }
  }

  private txnDefaults(company: Company, e: Obj): void {
    e.TxnDate ??= new Date(this.store.now()).toISOString().slice(0, 10);
    e.CurrencyRef ??= { value: company.homeCurrency };
  }

  /** Completes `e` (a merged request body) in place and returns the postings it makes. */
  prepare(company: Company, entityName: string, e: Obj): Posting[] {
    switch (entityName) {
      case 'Account': {
        if (!present(e.Name)) throw faults.required('Name');
        if (!present(e.AccountType)) throw faults.required('AccountType');
        this.uniqueName(company, 'Account', 'Name', String(e.Name), e.Id as string | undefined);
        e.FullyQualifiedName = e.Name;
        e.Classification = CLASSIFICATION[String(e.AccountType)] ?? e.Classification;
        e.Active ??= true;
        e.SubAccount ??= false;
        e.CurrencyRef ??= { value: company.homeCurrency };
        return [];
      }
      case 'Customer': {
        const display = e.DisplayName ?? ([e.GivenName, e.FamilyName].filter(present).join(' ') || e.CompanyName);
        if (!present(display)) throw faults.required('DisplayName');
        e.DisplayName = display;
        this.uniqueName(company, 'Customer', 'DisplayName', String(display), e.Id as string | undefined);
        e.FullyQualifiedName = display;
        e.Active ??= true;
        e.CurrencyRef ??= { value: company.homeCurrency };
        return [];
      }
      case 'Item': {
        if (!present(e.Name)) throw faults.required('Name');
        this.uniqueName(company, 'Item', 'Name', String(e.Name), e.Id as string | undefined);
        e.Type ??= 'Service';
        const needsIncome = ['Service', 'NonInventory', 'Inventory'].includes(String(e.Type));
        this.refId(company, e, 'IncomeAccountRef', 'Account', needsIncome);
        this.refId(company, e, 'ExpenseAccountRef', 'Account', e.Type === 'Inventory');
        this.refId(company, e, 'AssetAccountRef', 'Account', e.Type === 'Inventory');
        e.FullyQualifiedName = e.Name;
        e.Active ??= true;
        return [];
      }
      case 'SalesReceipt':
        return this.salesReceipt(company, e);
      case 'Purchase':
        return this.purchase(company, e);
      case 'Transfer': {
        const from = this.refId(company, e, 'FromAccountRef', 'Account', true) as string;
        const to = this.refId(company, e, 'ToAccountRef', 'Account', true) as string;
        const amount = this.cents(e, 'Amount');
        if (amount <= 0) throw faults.amount('Amount', e.Amount);
        if (from === to) throw faults.invalid('ToAccountRef', 'Transfer accounts must differ');
        e.Amount = centsToNumber(amount);
        this.txnDefaults(company, e);
        return [{ accountId: to, debit: amount }, { accountId: from, debit: -amount }];
      }
      default:
        return [];
    }
  }

  private lines(e: Obj): Obj[] {
    const lines = Array.isArray(e.Line) ? e.Line.filter(isObj) : [];
    // QuickBooks computes the subtotal line itself; drop any the client echoed back.
    const real = lines.filter((l) => l.DetailType !== 'SubTotalLineDetail');
    if (real.length === 0) throw faults.required('Line');
    return real;
  }

  private finishLines(e: Obj, lines: Obj[], total: number, withSubtotal: boolean): void {
    lines.forEach((l, i) => {
      l.Id = String(i + 1);
      l.LineNum = i + 1;
    });
    const out: Obj[] = [...lines];
    if (withSubtotal) out.push({ Amount: centsToNumber(total), DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} });
    e.Line = out;
    e.TotalAmt = centsToNumber(total);
  }

  private salesReceipt(company: Company, e: Obj): Posting[] {
    const lines = this.lines(e);
    const postings: Posting[] = [];
    let total = 0;
    lines.forEach((line, i) => {
      const p = `Line[${i}]`;
      if (!present(line.DetailType)) throw faults.required(`${p}.DetailType`);
      const amount = this.cents(line, 'Amount', `${p}.Amount`);
      line.Amount = centsToNumber(amount);
      total += amount;
      if (line.DetailType === 'SalesItemLineDetail') {
        const d = line.SalesItemLineDetail;
        if (!isObj(d)) throw faults.required(`${p}.SalesItemLineDetail`);
        const itemId = this.refId(company, d, 'ItemRef', 'Item', true, `${p}.SalesItemLineDetail.ItemRef`) as string;
        const item = this.store.table(company, 'Item').get(itemId);
        const income = isObj(item?.IncomeAccountRef) ? String(item.IncomeAccountRef.value) : undefined;
        if (!income) throw faults.invalidRef(`${p}.SalesItemLineDetail.ItemRef`, itemId); // item cannot be sold
        postings.push({ accountId: income, debit: -amount });
      } else if (line.DetailType !== 'DescriptionOnly') {
        throw faults.invalid(`${p}.DetailType`, `Unsupported DetailType for SalesReceipt in the sandbox: ${String(line.DetailType)}`);
      }
    });
    this.refId(company, e, 'CustomerRef', 'Customer', false);
    if (!present(e.DepositToAccountRef)) e.DepositToAccountRef = { value: '1', name: 'Undeposited Funds' };
    const deposit = this.refId(company, e, 'DepositToAccountRef', 'Account', true) as string;
    postings.push({ accountId: deposit, debit: total });
    this.finishLines(e, lines, total, true);
    e.Balance = 0;
    this.txnDefaults(company, e);
    return postings;
  }

  private purchase(company: Company, e: Obj): Posting[] {
    if (!present(e.PaymentType)) throw faults.required('PaymentType');
    const paying = this.refId(company, e, 'AccountRef', 'Account', true) as string;
    this.refId(company, e, 'EntityRef', 'Customer', false);
    const lines = this.lines(e);
    const postings: Posting[] = [];
    let total = 0;
    lines.forEach((line, i) => {
      const p = `Line[${i}]`;
      if (line.DetailType !== 'AccountBasedExpenseLineDetail') {
        if (!present(line.DetailType)) throw faults.required(`${p}.DetailType`);
        throw faults.invalid(`${p}.DetailType`, `Unsupported DetailType for Purchase in the sandbox: ${String(line.DetailType)}`);
      }
      const amount = this.cents(line, 'Amount', `${p}.Amount`);
      line.Amount = centsToNumber(amount);
      total += amount;
      const d = line.AccountBasedExpenseLineDetail;
      if (!isObj(d)) throw faults.required(`${p}.AccountBasedExpenseLineDetail`);
      const acct = this.refId(company, d, 'AccountRef', 'Account', true, `${p}.AccountBasedExpenseLineDetail.AccountRef`) as string;
      postings.push({ accountId: acct, debit: amount });
    });
    // Credit the paying account: a bank balance falls, a credit-card balance (owed) rises.
    postings.push({ accountId: paying, debit: -total });
    this.finishLines(e, lines, total, false);
    this.txnDefaults(company, e);
    return postings;
  }
}

/** Applies postings to company balances, respecting each account's normal side. */
export function applyPostings(company: Company, accounts: Map<string, Entity>, postings: Posting[], sign: 1 | -1): void {
  for (const { accountId, debit } of postings) {
    const normal = isDebitNormal(accounts.get(accountId)?.Classification) ? 1 : -1;
    company.balances.set(accountId, (company.balances.get(accountId) ?? 0) + sign * normal * debit);
  }
}
