import type QuickBooks from 'node-quickbooks';
import type { BooksChoice, BooksDocument, BooksPreview } from '../../core/books/books';
import type { BooksMapping } from '../../core/books/mapping';
import { ACCOUNT_ROLES, type AccountRole } from '../../core/ledger/accounts';
import { SettleError } from '../../core/errors';
import { toQuickBooks, type DocumentReferences } from './documents';
import type { Send } from './references';

type Found = { Id: string; Name?: string; DisplayName?: string; Active?: boolean };
type Callback = (error: unknown, body?: unknown) => void;

/**
 * The references of a preview: the same choices QuickBooksReferences makes (the merchant's mapping,
 * else the documented default name), but only looked up. What posting would create is named
 * "(new) Name" instead, so opening the review queue never changes the merchant's QuickBooks.
 */
class PreviewReferences implements DocumentReferences {
  /** "Entity:reference value" → the name the bookkeeper sees (ids are per entity in QuickBooks). */
  readonly names = new Map<string, string>();
  readonly wouldCreate: string[] = [];
  private readonly seen = new Map<string, Promise<string>>();

  constructor(
    private readonly qbo: QuickBooks,
    private readonly mapping: BooksMapping,
    private readonly send: Send,
  ) {}

  account(role: AccountRole): Promise<string> {
    return this.named(`account:${role}`, 'Account', 'Name', ACCOUNT_ROLES[role].name);
  }

  item(role: AccountRole): Promise<string> {
    return this.named(`item:${role}`, 'Item', 'Name', `${ACCOUNT_ROLES[role].name} (Settle)`);
  }

  customer(who: { name: string; email: string }): Promise<string> {
    return this.named(`customer:${(who.email || who.name).toLowerCase()}`, 'Customer', 'DisplayName', who.name);
  }

  private named(key: string, entity: 'Account' | 'Item' | 'Customer', field: 'Name' | 'DisplayName', defaultName: string): Promise<string> {
    let answer = this.seen.get(key);
    if (!answer) this.seen.set(key, (answer = this.lookUp(key, entity, field, defaultName)));
    return answer;
  }

  private async lookUp(key: string, entity: 'Account' | 'Item' | 'Customer', field: 'Name' | 'DisplayName', defaultName: string): Promise<string> {
    const mapped = await this.mapping.get(key);
    if (mapped) {
      const found = await this.read(entity, mapped);
      // Mapped to something QuickBooks no longer has: posting would be refused (the review queue explains it).
      this.names.set(`${entity}:${mapped}`, found ? (found[field] ?? mapped) : `(missing in QuickBooks) ${entity} ${mapped}`);
      return mapped;
    }
    const found = await this.find(entity, field, defaultName);
    if (found) {
      this.names.set(`${entity}:${found.Id}`, found[field] ?? defaultName);
      return found.Id;
    }
    const label = `(new) ${defaultName}`;
    this.names.set(`${entity}:${label}`, label);
    this.wouldCreate.push(label);
    return label;
  }

  private async read(entity: 'Account' | 'Item' | 'Customer', id: string): Promise<Found | undefined> {
    const get = (this.qbo[`get${entity}`] as (id: string, cb: Callback) => void).bind(this.qbo);
    try {
      const body = await this.send<Found & Record<string, Found | undefined>>((cb) => get(id, cb), `reading ${entity} ${id}`);
      return body[entity] ?? body;
    } catch (error) {
      if (error instanceof SettleError && error.code === 'books_not_found') return undefined;
      throw error;
    }
  }

  private async find(entity: 'Account' | 'Item' | 'Customer', field: string, value: string): Promise<Found | undefined> {
    const find = (this.qbo[`find${entity}s`] as (criteria: unknown, cb: Callback) => void).bind(this.qbo);
    const criteria = [{ field, value, operator: '=' }, { field: 'limit', value: 1 }];
    const body = await this.send<{ QueryResponse: Record<string, Found[] | undefined> }>((cb) => find(criteria, cb), `looking up ${entity}`);
    return body.QueryResponse[entity]?.[0];
  }
}

/** The QuickBooks body posting would send, every reference carrying its name as QuickBooks shows refs. */
export async function previewInQuickBooks(qbo: QuickBooks, mapping: BooksMapping, send: Send, document: BooksDocument): Promise<BooksPreview> {
  const refs = new PreviewReferences(qbo, mapping, send);
  const { entity, body, what } = await toQuickBooks(document, refs);
  return { documentType: entity, what, body: nameReferences(body, refs.names) as Record<string, unknown>, wouldCreate: [...new Set(refs.wouldCreate)] };
}

/** The entity a reference field points at: CustomerRef, ItemRef, …AccountRef. */
const refEntity = (key: string) => (key === 'CustomerRef' ? 'Customer' : key === 'ItemRef' ? 'Item' : key.endsWith('AccountRef') ? 'Account' : undefined);

/** Adds `name` to every `…Ref: {value}` in the body. */
function nameReferences(value: unknown, names: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => nameReferences(v, names));
  if (!value || typeof value !== 'object') return value;
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const ref = inner as { value?: unknown };
    const name = key.endsWith('Ref') && ref && typeof ref.value === 'string' ? names.get(`${refEntity(key)}:${ref.value}`) : undefined;
    result[key] = name === undefined ? nameReferences(inner, names) : { ...ref, name };
  }
  return result;
}

/** Active accounts or items, by name, for the bookkeeper's "fix the mapping" choice. */
export async function choicesInQuickBooks(qbo: QuickBooks, send: Send, kind: 'account' | 'item'): Promise<BooksChoice[]> {
  const entity = kind === 'account' ? 'Account' : 'Item';
  const find = (qbo[`find${entity}s`] as (criteria: unknown, cb: Callback) => void).bind(qbo);
  const body = await send<{ QueryResponse: Record<string, Found[] | undefined> }>((cb) => find([{ field: 'limit', value: 1000 }], cb), `listing ${entity}s`);
  return (body.QueryResponse[entity] ?? []).filter((f) => f.Active !== false).map((f) => ({ id: f.Id, name: f.Name ?? f.Id })).sort((a, b) => a.name.localeCompare(b.name));
}
