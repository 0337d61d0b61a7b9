// Per-entity business rules: required fields, references that must exist, computed fields
// (TotalAmt, line ids) and the double-entry postings each transaction makes. Enumerations and
// element types are left to the XSD check that runs before these rules. Transactions live in
// txn-rules.ts and journal-rules.ts; shared helpers in rule-kit.ts.
import { faults } from './faults';
import { journalEntry } from './journal-rules';
import { present, RuleKit, type Obj, type Posting } from './rule-kit';
import type { Company, Entity, SandboxStore } from './store';
import { deposit, purchase, salesForm, transfer } from './txn-rules';
import { checkListCurrency, transactionCurrency } from './currency-rules';

export type { Posting } from './rule-kit';

const CLASSIFICATION: Record<string, string> = {
  Bank: 'Asset', 'Accounts Receivable': 'Asset', 'Other Current Asset': 'Asset', 'Fixed Asset': 'Asset', 'Other Asset': 'Asset',
  'Accounts Payable': 'Liability', 'Credit Card': 'Liability', 'Other Current Liability': 'Liability', 'Long Term Liability': 'Liability',
  Equity: 'Equity', Income: 'Revenue', 'Other Income': 'Revenue',
  'Cost of Goods Sold': 'Expense', Expense: 'Expense', 'Other Expense': 'Expense', 'Non-Posting': 'Asset',
};
/** QuickBooks shows every balance in its normal direction as a positive number. */
export const isDebitNormal = (classification: unknown): boolean => classification === 'Asset' || classification === 'Expense';

export class Rules {
  readonly kit: RuleKit;

  constructor(store: SandboxStore) {
    this.kit = new RuleKit(store);
  }

  /** Completes `e` (a merged request body) in place and returns the postings it makes. */
  prepare(company: Company, entityName: string, e: Obj): Posting[] {
    const kit = this.kit;
    const selfId = e.Id as string | undefined;
    switch (entityName) {
      case 'Account': {
        if (!present(e.Name)) throw faults.required('Name');
        if (!present(e.AccountType)) throw faults.required('AccountType');
        kit.uniqueName(company, 'Account', 'Name', String(e.Name), selfId);
        e.FullyQualifiedName = e.Name;
        e.Classification = CLASSIFICATION[String(e.AccountType)] ?? e.Classification;
        e.Active ??= true;
        e.SubAccount ??= false;
        checkListCurrency(company, e);
        e.CurrencyRef ??= { value: company.homeCurrency };
        return [];
      }
      case 'Customer': {
        const display = e.DisplayName ?? ([e.GivenName, e.FamilyName].filter(present).join(' ') || e.CompanyName);
        if (!present(display)) throw faults.required('DisplayName');
        e.DisplayName = display;
        kit.uniqueName(company, 'Customer', 'DisplayName', String(display), selfId);
        e.FullyQualifiedName = display;
        e.Active ??= true;
        checkListCurrency(company, e);
        e.CurrencyRef ??= { value: company.homeCurrency };
        return [];
      }
      case 'Item': {
        if (!present(e.Name)) throw faults.required('Name');
        kit.uniqueName(company, 'Item', 'Name', String(e.Name), selfId);
        e.Type ??= 'Service';
        const needsIncome = ['Service', 'NonInventory', 'Inventory'].includes(String(e.Type));
        kit.refId(company, e, 'IncomeAccountRef', 'Account', needsIncome);
        kit.refId(company, e, 'ExpenseAccountRef', 'Account', e.Type === 'Inventory');
        kit.refId(company, e, 'AssetAccountRef', 'Account', e.Type === 'Inventory');
        e.FullyQualifiedName = e.Name;
        e.Active ??= true;
        return [];
      }
      case 'SalesReceipt':
        return salesForm(kit, company, e, 1);
      case 'RefundReceipt':
        return salesForm(kit, company, e, -1);
      case 'Purchase':
        homeOnly(kit, company, e, entityName);
        return purchase(kit, company, e);
      case 'Transfer':
        homeOnly(kit, company, e, entityName);
        return transfer(kit, company, e);
      case 'JournalEntry':
        homeOnly(kit, company, e, entityName);
        return journalEntry(kit, company, e);
      case 'Deposit':
        homeOnly(kit, company, e, entityName);
        return deposit(kit, company, e);
      default:
        return [];
    }
  }
}

/** Documents the sandbox keeps in the home currency only (transactionCurrency refuses others). */
function homeOnly(kit: RuleKit, company: Company, e: Obj, entityName: string): void {
  transactionCurrency(kit, company, e, entityName, []);
}

/** Applies postings to company balances, respecting each account's normal side. */
export function applyPostings(company: Company, accounts: Map<string, Entity>, postings: Posting[], sign: 1 | -1): void {
  for (const { accountId, debit } of postings) {
    const normal = isDebitNormal(accounts.get(accountId)?.Classification) ? 1 : -1;
    company.balances.set(accountId, (company.balances.get(accountId) ?? 0) + sign * normal * debit);
  }
}
