import type QuickBooks from 'node-quickbooks';
import type { BooksDocument } from '../../core/books/books';
import type { BooksMapping } from '../../core/books/mapping';
import { BooksNeedsReview } from '../../core/books/review';
import { ACCOUNT_ROLES, type AccountRole } from '../../core/ledger/accounts';
import { SettleError } from '../../core/errors';
import { accountTypeFor, mappingKeys, ref, type Send } from './mapping';
import { ClosingDate, closedPeriod } from './closing-date';
import { missingItemForSku } from './explain';
import type { DocumentReferences } from './documents';

/** The client unwraps a create's `{ SalesReceipt: {…} }` answer to the entity itself. */
export type Created = { Id?: string; SyncToken?: string };

export type { Send } from './mapping';

type Plural = 'Accounts' | 'Items' | 'Customers';

/**
 * The accounts, items and customers a document refers to in the merchant's QuickBooks company:
 * what the merchant mapped (the mapping step), or else found or created under the documented
 * default name (and remembered in the mapping for next time). Products are sold as the item mapped
 * to their SKU, else the item QuickBooks has with that SKU, else the fallback item; customers are
 * matched by email, else created.
 */
export class QuickBooksReferences implements DocumentReferences {
  /** The company's closing date: a document dated in a closed period waits for the bookkeeper. */
  readonly closingDate: ClosingDate;

  constructor(
    private readonly qbo: QuickBooks,
    private readonly mapping: BooksMapping,
    private readonly send: Send,
  ) {
    this.closingDate = new ClosingDate(qbo, send);
  }

  /** The merchant's account for a role; by default found or created under the role's name. */
  account(role: AccountRole): Promise<string> {
    return this.mapping.resolve(mappingKeys.account(role), () => this.defaultAccount(role));
  }

  /** Finds or creates the account named after the role (the mapping step's "create" choice). */
  async defaultAccount(role: AccountRole): Promise<string> {
    const name = ACCOUNT_ROLES[role].name;
    const body = { Name: name, ...accountTypeFor(role) };
    return this.findOrCreate('Accounts', 'Account', { Name: name }, (cb) => this.qbo.createAccount(body, cb), `the ${name} account`);
  }

  /**
   * A receipt line's item: for a product, the item of its SKU (or the fallback item); otherwise one
   * service item per role, so QuickBooks credits the role's account.
   */
  item(role: AccountRole, product?: { sku: string }): Promise<string> {
    if (product && role === 'income') return this.itemForSku(product.sku);
    return this.mapping.resolve(`item:${role}`, () => this.defaultItem(role));
  }

  /** Finds or creates the service item "<role name> (Settle)" (the fallback item for income). */
  async defaultItem(role: AccountRole): Promise<string> {
    const name = `${ACCOUNT_ROLES[role].name} (Settle)`;
    const body = { Name: name, Type: 'Service', IncomeAccountRef: ref(await this.account(role)) };
    return this.findOrCreate('Items', 'Item', { Name: name }, (cb) => this.qbo.createItem(body, cb), `the ${name} item`);
  }

  /** The item sold under a SKU: mapped, else QuickBooks' active item with that SKU (remembered), else the fallback. */
  async itemForSku(sku: string): Promise<string> {
    const trimmed = sku.trim();
    if (!trimmed) return this.item('income');
    const mapped = await this.mapping.get(mappingKeys.itemForSku(trimmed));
    if (mapped) return mapped;
    const found = await this.findOne('Items', 'Item', { Sku: trimmed, Active: true });
    if (!found) return this.item('income');
    await this.mapping.set(mappingKeys.itemForSku(trimmed), found);
    return found;
  }

  /**
   * The customer with this email in QuickBooks, else a new one (never a second for the same email).
   * QuickBooks keeps a customer in one currency: a shopper paying in another currency than the
   * company's is a second customer, "Name (EUR)", in that currency.
   */
  customer(who: { name: string; email: string }, currency?: string): Promise<string> {
    if (currency) return this.foreignCustomer(who, currency);
    const email = who.email.trim();
    if (!email) {
      const body = { DisplayName: who.name };
      return this.mapping.resolve(mappingKeys.customer(who.name), () =>
        this.findOrCreate('Customers', 'Customer', { DisplayName: who.name }, (cb) => this.qbo.createCustomer(body, cb), `the customer ${who.name}`));
    }
    return this.mapping.resolve(mappingKeys.customer(email), async () => {
      const known = await this.findOne('Customers', 'Customer', { PrimaryEmailAddr: email });
      if (known) return known;
      const name = who.name.trim() || email;
      const create = (displayName: string) => (cb: (error: unknown, body?: unknown) => void) =>
        this.qbo.createCustomer({ DisplayName: displayName, PrimaryEmailAddr: { Address: email } }, cb);
      try {
        return (await this.send<Created>(create(name), `the customer ${name}`)).Id ?? missingId('Customer');
      } catch (error) {
        if (!(error instanceof SettleError && error.code === 'books_duplicate_name')) throw error;
        // Another customer already has this name (a namesake, or a job that just created this one).
        const raced = await this.findOne('Customers', 'Customer', { PrimaryEmailAddr: email });
        if (raced) return raced;
        const distinct = `${name} (${email})`;
        return (await this.send<Created>(create(distinct), `the customer ${distinct}`)).Id ?? missingId('Customer');
      }
    });
  }

  private foreignCustomer(who: { name: string; email: string }, currency: string): Promise<string> {
    const key = `customer:${(who.email || who.name).toLowerCase()}:${currency}`;
    return this.mapping.resolve(key, async () => {
      const name = `${who.name} (${currency})`;
      const body = { DisplayName: name, ...(who.email ? { PrimaryEmailAddr: { Address: who.email } } : {}), CurrencyRef: ref(currency) };
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
   * What QuickBooks' refusal of `document` means for the bookkeeper, in Settle's words where Settle
   * knows better: a product's item gone from QuickBooks names the SKU; a closed period says up to when.
   */
  async explainRefusal(error: unknown, document: BooksDocument): Promise<never> {
    if (!(error instanceof BooksNeedsReview)) throw error;
    const { code, element } = error.fault;
    if (code === '6200') {
      this.closingDate.forget();
      const closedUpTo = await this.closingDate.closedUpTo().catch(() => null);
      if (closedUpTo) throw closedPeriod(closedUpTo, document.date);
    }
    const line = /^Line\[(\d+)\]\.SalesItemLineDetail\.ItemRef/.exec(element ?? '');
    const sku = line && 'lines' in document ? (document.lines[Number(line[1])] as { product?: { sku: string } } | undefined)?.product?.sku : undefined;
    if ((code === '610' || code === '2500') && sku) throw new BooksNeedsReview(missingItemForSku(sku), error.fault);
    throw error;
  }

  /**
   * Finds the named account, item or customer, or creates it. Two jobs may race to create the same
   * name: QuickBooks refuses the second as a duplicate, which then finds the first one's.
   */
  private async findOrCreate(
    plural: Plural, entity: string, where: Record<string, string>,
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

  /** The first entity whose fields equal the values; the client quotes and escapes the query. */
  private async findOne(plural: Plural, entity: string, where: Record<string, string | boolean>): Promise<string | undefined> {
    const criteria = [...Object.entries(where).map(([field, value]) => ({ field, value, operator: '=' })), { field: 'limit', value: 1 }];
    const find = this.qbo[`find${plural}`].bind(this.qbo) as (criteria: unknown, cb: (error: unknown, body?: unknown) => void) => void;
    const body = await this.send<{ QueryResponse: Record<string, { Id: string }[] | undefined> }>((cb) => find(criteria, cb), `looking up ${entity}`);
    return body.QueryResponse[entity]?.[0]?.Id;
  }
}

export function missingId(type: string): never {
  throw new Error(`QuickBooks answered without a ${type} id`);
}
