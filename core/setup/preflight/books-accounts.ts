import { ok, problem, skipped, type PreflightCheck } from './check';
import { ACCOUNT_ROLES, type AccountRole } from '../../ledger/accounts';

/** The QuickBooks account types each kind of ledger account may be booked to. */
const ALLOWED_TYPES: Record<(typeof ACCOUNT_ROLES)[AccountRole]['type'], string[]> = {
  income: ['Income', 'Other Income'],
  expense: ['Expense', 'Other Expense', 'Cost of Goods Sold'],
  liability: ['Other Current Liability'],
  bank: ['Bank', 'Other Current Asset'],
};

export const allowedTypesFor = (role: AccountRole): string[] => ALLOWED_TYPES[ACCOUNT_ROLES[role].type];

/**
 * Each account Settle posts to must exist in QuickBooks and be of a type that can hold what is
 * posted there: card sales deposited into an income account, or fees booked to a bank account,
 * would leave the books wrong in a way a bookkeeper finds months later. An unmapped role with no
 * account of its default name is fine: Settle creates it, of the right type, when it first posts.
 */
export const booksAccountsCheck: PreflightCheck = {
  id: 'books_accounts',
  title: 'QuickBooks accounts exist and have the right types',
  async run({ facts, choices }) {
    if (!choices.connect.quickbooks) return skipped('QuickBooks is not part of this setup.');
    const accounts = await facts.booksAccounts();
    if (!accounts) return problem('QuickBooks is not connected yet.', 'Go back to "Connect" and press "Connect to QuickBooks".');
    const problems: string[] = [];
    for (const a of accounts) {
      const allowed = allowedTypesFor(a.role as AccountRole);
      if (!a.account) {
        if (a.mapped) problems.push(`"${a.roleName}" is mapped to an account QuickBooks no longer has`);
        continue;
      }
      if (!a.account.active) problems.push(`"${a.account.name}" (for ${a.roleName}) is inactive in QuickBooks`);
      else if (!allowed.includes(a.account.type)) problems.push(`"${a.account.name}" (for ${a.roleName}) is a${/^[AEIOU]/.test(a.account.type) ? 'n' : ''} ${a.account.type} account; it must be ${allowed.join(' or ')}`);
    }
    if (problems.length > 0) {
      return problem(`${problems.join('; ')}.`, 'In "Posting mode and accounts", map each of these to an account of the right type (or let Settle create one), or change the account\'s type in QuickBooks.');
    }
    const created = accounts.filter((a) => !a.account).length;
    return ok(created > 0 ? `${accounts.length - created} accounts found; Settle creates the other ${created} when it first posts.` : `${accounts.length} accounts found, each of the right type.`);
  },
};
