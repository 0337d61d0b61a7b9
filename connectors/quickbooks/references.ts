import type QuickBooks from 'node-quickbooks';
import type { BooksMapping } from '../../core/books/mapping';
import { ACCOUNT_ROLES, type AccountRole } from '../../core/ledger/accounts';
import { SettleError } from '../../core/errors';
import { accountTypeFor, ref } from './mapping';
import type { DocumentReferences } from './documents';

/** The client unwraps a create's `{ SalesReceipt: {…} }` answer to the entity itself. */
export type Created = { Id?: string; SyncToken?: string };

/** Sends one request to QuickBooks within the company's limits (see QuickBooksBooks.send). */
export type Send = <T>(run: (cb: (error: unknown, body?: unknown) => void) => void, doing: string) => Promise<T>;

/**
 * The accounts, items and customers a document refers to in the merchant's QuickBooks company:
 * what the merchant mapped, or else found or created under the documented default name (and
 * remembered in the mapping for next time).
 */
export class QuickBooksReferences implements DocumentReferences {
  constructor(
    private readonly qbo: QuickBooks,
    private readonly mapping: BooksMapping,
    private readonly send: Send,
  ) {}

  /** The merchant's account for a role; by default found or created under the role's name. */
  account(role: AccountRole): Promise<string> {
    return this.mapping.resolve(`account:${role}`, async () => {
      const name = ACCOUNT_ROLES[role].name;
      const body = { Name: name, ...accountTypeFor(role) };
      return this.findOrCreate('Accounts', 'Account', { Name: name }, (cb) => this.qbo.createAccount(body, cb), `the ${name} account`);
    });
  }

  /** Sales lines are posted with one service item per role, so QuickBooks credits the role's account. */
  item(role: AccountRole): Promise<string> {
    return this.mapping.resolve(`item:${role}`, async () => {
      const name = `${ACCOUNT_ROLES[role].name} (Settle)`;
      const body = { Name: name, Type: 'Service', IncomeAccountRef: ref(await this.account(role)) };
      return this.findOrCreate('Items', 'Item', { Name: name }, (cb) => this.qbo.createItem(body, cb), `the ${name} item`);
    });
  }

  /**
   * The customer by email (or name). QuickBooks keeps a customer in one currency: a shopper paying in
   * another currency than the company's is a second customer, "Name (EUR)", in that currency.
   */
  customer(who: { name: string; email: string }, currency?: string): Promise<string> {
    const key = `customer:${(who.email || who.name).toLowerCase()}${currency ? `:${currency}` : ''}`;
    return this.mapping.resolve(key, async () => {
      const name = currency ? `${who.name} (${currency})` : who.name;
      const body = { DisplayName: name, ...(who.email ? { PrimaryEmailAddr: { Address: who.email } } : {}), ...(currency ? { CurrencyRef: ref(currency) } : {}) };
      return this.findOrCreate('Customers', 'Customer', { DisplayName: name }, (cb) => this.qbo.createCustomer(body, cb), `the customer ${name}`);
    });
  }

  private currency?: Promise<{ homeCurrency: string; multiCurrency: boolean }>;

  /** The company's home currency and whether multicurrency is on, read once from its Preferences. */
  companyCurrency(): Promise<{ homeCurrency: string; multiCurrency: boolean }> {
    type CurrencyPrefs = { CurrencyPrefs?: { MultiCurrencyEnabled?: boolean; HomeCurrency?: { value?: string } } };
    type Prefs = CurrencyPrefs & { Preferences?: CurrencyPrefs }; // the client unwraps { Preferences: … }
    this.currency ??= this.send<Prefs>((cb) => this.qbo.getPreferences(cb), 'reading the company preferences').then((body) => {
      const prefs = (body.Preferences ?? body).CurrencyPrefs;
      return { homeCurrency: prefs?.HomeCurrency?.value ?? '', multiCurrency: prefs?.MultiCurrencyEnabled === true };
    });
    this.currency.catch(() => (this.currency = undefined));
    return this.currency;
  }

  /**
   * Finds the named account, item or customer, or creates it. Two jobs may race to create the same
   * name: QuickBooks refuses the second as a duplicate, which then finds the first one's.
   */
  private async findOrCreate(
    plural: 'Accounts' | 'Items' | 'Customers', entity: string, where: Record<string, string>,
    create: (cb: (error: unknown, body?: unknown) => void) => void, what: string,
  ): Promise<string> {
    const found = await this.findOne(plural, entity, where);
    if (found) return found;
    try {
      return (await this.send<Created>(create, what)).Id ?? missingId(entity);
    } catch (error) {
      if (!(error instanceof SettleError && error.code === 'books_duplicate_name')) throw error;
      return (await this.findOne(plural, entity, where)) ?? Promise.reject(error);
    }
  }

  /** The first entity whose field equals the value; the client quotes and escapes the query. */
  private async findOne(plural: 'Accounts' | 'Items' | 'Customers', entity: string, where: Record<string, string>): Promise<string | undefined> {
    const criteria = [...Object.entries(where).map(([field, value]) => ({ field, value, operator: '=' })), { field: 'limit', value: 1 }];
    const find = this.qbo[`find${plural}`].bind(this.qbo) as (criteria: unknown, cb: (error: unknown, body?: unknown) => void) => void;
    const body = await this.send<{ QueryResponse: Record<string, { Id: string }[] | undefined> }>((cb) => find(criteria, cb), `looking up ${entity}`);
    return body.QueryResponse[entity]?.[0]?.Id;
  }
}

export function missingId(type: string): never {
  throw new Error(`QuickBooks answered without a ${type} id`);
}
