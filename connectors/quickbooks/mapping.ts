import { toDecimal, type Money } from '../../core/money';
import { ACCOUNT_ROLES, type AccountRole } from '../../core/ledger/accounts';

/** QuickBooks takes amounts as JSON numbers; two-decimal strings convert exactly enough for its parser. */
export const qbAmount = (value: Money): number => Number(toDecimal(value));

/** The QuickBooks account type each ledger role is created as when the merchant has not mapped one. */
export function accountTypeFor(role: AccountRole): { AccountType: string; AccountSubType: string } {
  switch (ACCOUNT_ROLES[role].type) {
    case 'income':
      return { AccountType: 'Income', AccountSubType: 'SalesOfProductIncome' };
    case 'liability':
      return { AccountType: 'Other Current Liability', AccountSubType: 'SalesTaxPayable' };
    case 'expense':
      return { AccountType: 'Expense', AccountSubType: 'BankCharges' };
    case 'bank':
      return { AccountType: 'Bank', AccountSubType: 'Checking' };
  }
}

/**
 * The QuickBooks account types an account must have to stand for a role: the mapping step offers
 * only these, and refuses another (a bank account cannot take sales income).
 */
export function fittingAccountTypes(role: AccountRole): string[] {
  switch (ACCOUNT_ROLES[role].type) {
    case 'income':
      return ['Income', 'Other Income'];
    case 'liability':
      return ['Other Current Liability'];
    case 'expense':
      return ['Expense', 'Other Expense'];
    case 'bank':
      // A clearing account is often set up as an other current asset rather than a bank.
      return role === 'bank' ? ['Bank'] : ['Bank', 'Other Current Asset'];
  }
}

/** Mapping keys: the account of a role, the item of a SKU, the fallback item (the income item). */
export const mappingKeys = {
  account: (role: AccountRole) => `account:${role}`,
  itemForSku: (sku: string) => `item:sku:${sku}`,
  /** Products without a SKU, or whose SKU has no item, are sold as the income item. */
  fallbackItem: 'item:income',
  customer: (emailOrName: string) => `customer:${emailOrName.toLowerCase()}`,
} as const;

/** Sends one request to QuickBooks within the company's limits (see QuickBooksBooks.send). */
export type Send = <T>(run: (cb: (error: unknown, body?: unknown) => void) => void, doing: string) => Promise<T>;

export interface Ref {
  value: string;
}
export const ref = (value: string): Ref => ({ value });
