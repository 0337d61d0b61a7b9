import type QuickBooks from 'node-quickbooks';
import type { BooksMapping } from '../../core/books/mapping';
import { ACCOUNT_ROLES, type AccountRole } from '../../core/ledger/accounts';
import { SettleError } from '../../core/errors';
import { accountTypeFor, fittingAccountTypes, mappingKeys, ref } from './mapping';
import { QuickBooksReferences, type Created, type Send } from './references';

interface QbAccount { Id: string; Name: string; AccountType: string; AccountSubType?: string; Active?: boolean }
interface QbItem { Id: string; Name: string; Sku?: string; Type?: string; Active?: boolean }

export interface AccountChoice { id: string; name: string; type: string }
export interface RoleMapping {
  role: AccountRole;
  name: string;
  /** The QuickBooks account Settle posts this role to; null until mapped (or first posted). */
  account: AccountChoice | null;
  /** The company's accounts of a type that fits the role. */
  candidates: AccountChoice[];
  /** What the step proposes for an unmapped role: an existing account, or creating the role's account. */
  suggestion: { kind: 'existing'; account: AccountChoice } | { kind: 'create'; name: string; type: string } | null;
}
export interface ItemChoice { id: string; name: string; sku: string | null }
export interface ProductMapping {
  sku: string;
  name: string;
  /** The item the product is sold as, and why: mapped by the merchant, QuickBooks' item with this SKU, or the fallback. */
  item: ItemChoice | null;
  source: 'mapped' | 'sku' | 'fallback';
  /** Mapped to an item QuickBooks no longer has (deleted there): receipts for it wait for review. */
  missing: boolean;
}
export interface MappingStep {
  accounts: RoleMapping[];
  items: { fallback: ItemChoice | null; products: ProductMapping[]; candidates: ItemChoice[] };
  customers: { rule: 'match_by_email_or_create'; description: string };
}

const accountChoice = (a: QbAccount): AccountChoice => ({ id: a.Id, name: a.Name, type: a.AccountType });
const itemChoice = (i: QbItem): ItemChoice => ({ id: i.Id, name: i.Name, sku: i.Sku ?? null });

/**
 * The mapping step of setup: which QuickBooks account stands for each of Settle's ledger roles,
 * which item each product (by SKU) is sold as, and how customers are matched. Reads the company's
 * accounts and items from QuickBooks; choices are kept in Settle's mapping.
 */
export class QuickBooksMappingStep {
  private readonly refs: QuickBooksReferences;

  constructor(
    private readonly qbo: QuickBooks,
    private readonly mapping: BooksMapping,
    private readonly send: Send,
  ) {
    this.refs = new QuickBooksReferences(qbo, mapping, send);
  }

  /** The step as it stands; `products` are the store's (SKU and name), added to the SKUs already mapped. */
  async read(products: { sku: string; name: string }[]): Promise<MappingStep> {
    const [accounts, items, mappedAccounts, mappedSkus, fallbackId] = await Promise.all([
      this.all<QbAccount>('Accounts', 'Account'), this.all<QbItem>('Items', 'Item'),
      this.mapping.entries('account:'), this.mapping.entries('item:sku:'), this.mapping.get(mappingKeys.fallbackItem),
    ]);
    const accountById = new Map(accounts.map((a) => [a.Id, a]));
    const active = accounts.filter((a) => a.Active !== false);
    // An account already standing for one role is not suggested for another (shipping is not sales).
    const taken = new Set(mappedAccounts.values());
    const roles = (Object.keys(ACCOUNT_ROLES) as AccountRole[]).map((role): RoleMapping => {
      const fits = fittingAccountTypes(role);
      const mappedId = mappedAccounts.get(mappingKeys.account(role));
      const mapped = mappedId ? accountById.get(mappedId) : undefined;
      const candidates = active.filter((a) => fits.includes(a.AccountType)).map(accountChoice);
      return {
        role, name: ACCOUNT_ROLES[role].name,
        account: mapped ? accountChoice(mapped) : mappedId ? { id: mappedId, name: `Account ${mappedId} (not in QuickBooks)`, type: '' } : null,
        candidates,
        suggestion: mappedId ? null : suggestAccount(role, active, taken),
      };
    });

    const activeItems = items.filter((i) => i.Active !== false);
    const itemById = new Map(items.map((i) => [i.Id, i]));
    const fallbackItem = fallbackId ? itemById.get(fallbackId) : undefined;
    const fallback = fallbackItem ? itemChoice(fallbackItem) : null;
    const bySku = new Map<string, string>(products.filter((p) => p.sku.trim()).map((p) => [p.sku.trim(), p.name]));
    for (const key of mappedSkus.keys()) {
      const sku = key.slice('item:sku:'.length);
      if (!bySku.has(sku)) bySku.set(sku, sku);
    }
    const productMappings = [...bySku].sort(([a], [b]) => a.localeCompare(b)).map(([sku, name]): ProductMapping => {
      const mappedId = mappedSkus.get(mappingKeys.itemForSku(sku));
      if (mappedId) {
        const item = itemById.get(mappedId);
        const gone = !item || item.Active === false;
        return { sku, name, item: item ? itemChoice(item) : { id: mappedId, name: `Item ${mappedId}`, sku }, source: 'mapped', missing: gone };
      }
      const match = activeItems.find((i) => (i.Sku ?? '').trim().toLowerCase() === sku.toLowerCase());
      return match ? { sku, name, item: itemChoice(match), source: 'sku', missing: false } : { sku, name, item: fallback, source: 'fallback', missing: false };
    });
    return {
      accounts: roles,
      items: { fallback, products: productMappings, candidates: activeItems.filter((i) => i.Type !== 'Category').map(itemChoice) },
      customers: { rule: 'match_by_email_or_create', description: 'Each sale names the QuickBooks customer with the shopper\'s email; a new shopper is added as a customer.' },
    };
  }

  /** Maps a role to an existing account, refusing one of a type that does not fit (422). */
  async mapAccount(role: AccountRole, accountId: string): Promise<void> {
    const account = await this.readOne<QbAccount>((cb) => this.qbo.getAccount(accountId, cb), 'Account', accountId, `reading account ${accountId}`);
    const fits = fittingAccountTypes(role);
    if (account.Active === false) throw new SettleError('account_inactive', `“${account.Name}” is inactive in QuickBooks; choose an active account for ${ACCOUNT_ROLES[role].name}.`, 422);
    if (!fits.includes(account.AccountType)) {
      throw new SettleError('wrong_account_type',
        `“${account.Name}” is ${article(account.AccountType)} account; ${ACCOUNT_ROLES[role].name} needs ${fits.map(article).join(' or ')} account.`, 422);
    }
    await this.mapping.set(mappingKeys.account(role), account.Id);
  }

  /** Maps a role to the account named after it, creating it in QuickBooks if the company has none. */
  async createAccount(role: AccountRole): Promise<void> {
    await this.mapping.set(mappingKeys.account(role), await this.refs.defaultAccount(role));
  }

  /** Products with this SKU are sold as this item. */
  async mapItem(sku: string, itemId: string): Promise<void> {
    const item = await this.activeItem(itemId);
    await this.mapping.set(mappingKeys.itemForSku(sku), item.Id);
  }

  /** Creates a service item for the product (its name and SKU, income to Sales income) and maps the SKU to it. */
  async createItem(sku: string, name: string): Promise<void> {
    const income = await this.refs.account('income');
    const body = { Name: name.slice(0, 100), Sku: sku, Type: 'Service', IncomeAccountRef: ref(income) };
    const created = await this.send<Created>((cb) => this.qbo.createItem(body, cb), `the item ${name}`);
    if (!created.Id) throw new Error('QuickBooks answered without an Item id');
    await this.mapping.set(mappingKeys.itemForSku(sku), created.Id);
  }

  /** Products without a SKU, or whose SKU has no item, are sold as this item. */
  async mapFallbackItem(itemId: string): Promise<void> {
    const item = await this.activeItem(itemId);
    await this.mapping.set(mappingKeys.fallbackItem, item.Id);
  }

  async createFallbackItem(): Promise<void> {
    await this.mapping.set(mappingKeys.fallbackItem, await this.refs.defaultItem('income'));
  }

  /** Takes every suggestion for the roles not mapped yet: the existing account, or the one created. */
  async applySuggestions(): Promise<void> {
    const step = await this.read([]);
    for (const role of step.accounts) {
      if (role.account || !role.suggestion) continue;
      if (role.suggestion.kind === 'existing') await this.mapping.set(mappingKeys.account(role.role), role.suggestion.account.id);
      else await this.createAccount(role.role);
    }
    if (!step.items.fallback) await this.createFallbackItem();
  }

  private async activeItem(itemId: string): Promise<QbItem> {
    const item = await this.readOne<QbItem>((cb) => this.qbo.getItem(itemId, cb), 'Item', itemId, `reading item ${itemId}`);
    if (item.Active === false) throw new SettleError('item_inactive', `“${item.Name}” is inactive in QuickBooks; choose an active item.`, 422);
    return item;
  }

  private async readOne<T>(run: (cb: (error: unknown, body?: unknown) => void) => void, entity: string, id: string, doing: string): Promise<T> {
    try {
      const body = await this.send<Record<string, unknown>>(run, doing);
      return (body[entity] ?? body) as T;
    } catch (error) {
      if (error instanceof SettleError && (error.code === 'books_not_found' || error.code === 'books_needs_review')) {
        throw new SettleError(`${entity.toLowerCase()}_not_found`, `QuickBooks has no ${entity.toLowerCase()} ${id}.`, 422);
      }
      throw error;
    }
  }

  /** Every account or item of the company (QuickBooks answers at most 1,000 a page). */
  private async all<T>(plural: 'Accounts' | 'Items', entity: string): Promise<T[]> {
    const find = this.qbo[`find${plural}`].bind(this.qbo) as (criteria: unknown, cb: (error: unknown, body?: unknown) => void) => void;
    const rows: T[] = [];
    for (let offset = 1; ; offset += 1000) {
      const body = await this.send<{ QueryResponse: Record<string, T[] | undefined> }>(
        (cb) => find([{ field: 'offset', value: offset }, { field: 'limit', value: 1000 }], cb), `listing the ${plural.toLowerCase()}`);
      const page = body.QueryResponse[entity] ?? [];
      rows.push(...page);
      if (page.length < 1000) return rows;
    }
  }
}

const article = (type: string) => `${/^[AEIOU]/i.test(type) ? 'an' : 'a'} ${type}`;

/** An existing account for the role: by its name, else the only one of the subtype Settle would create; else create. */
function suggestAccount(role: AccountRole, accounts: QbAccount[], taken: Set<string>): RoleMapping['suggestion'] {
  const fits = fittingAccountTypes(role);
  const fitting = accounts.filter((a) => fits.includes(a.AccountType) && !taken.has(a.Id));
  const name = ACCOUNT_ROLES[role].name.toLowerCase();
  const { AccountType, AccountSubType } = accountTypeFor(role);
  const bySubType = fitting.filter((a) => a.AccountSubType === AccountSubType);
  // Bank and clearing share a subtype: guessing between bank accounts would post money to the wrong one.
  const found = fitting.find((a) => a.Name.trim().toLowerCase() === name) ?? (bySubType.length === 1 && ACCOUNT_ROLES[role].type !== 'bank' ? bySubType[0] : undefined);
  if (!found) return { kind: 'create', name: ACCOUNT_ROLES[role].name, type: AccountType };
  taken.add(found.Id);
  return { kind: 'existing', account: accountChoice(found) };
}
