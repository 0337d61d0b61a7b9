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


export interface Ref {
  value: string;
}
export const ref = (value: string): Ref => ({ value });
