// Entity lifecycle for one company: create, read, update (full or sparse) with SyncToken
// checks, delete and void of transactions, the XSD check of every request body, and balance
// bookkeeping through postings (an update reverses the old postings and applies the new ones;
// a delete reverses them; a void re-posts the transaction with every amount zeroed).
import { faults, QboFault } from './faults';
import { centsToNumber } from './money';
import { isObj, present, type Obj } from './rule-kit';
import { applyPostings, Rules, type Posting } from './rules';
import type { Company, Entity, SandboxStore } from './store';
import { depositsLinking } from './txn-rules';
import { initialPreferences, PREFERENCES_ID, refuseInClosedPeriod } from './preferences';
import type { XsdValidator } from './xsd-validator';

/** URL segment (what node-quickbooks sends, lower-cased) → entity name. */
export const ENTITY_BY_PATH: Record<string, string> = {
  account: 'Account',
  customer: 'Customer',
  item: 'Item',
  salesreceipt: 'SalesReceipt',
  purchase: 'Purchase',
  transfer: 'Transfer',
  refundreceipt: 'RefundReceipt',
  journalentry: 'JournalEntry',
  deposit: 'Deposit',
  preferences: 'Preferences',
};

/** Entities dated by TxnDate: QuickBooks refuses them in a closed period (preferences.ts). */
const DATED = new Set(['SalesReceipt', 'RefundReceipt', 'Purchase', 'Transfer', 'JournalEntry', 'Deposit']);

/** Transactions QuickBooks deletes with POST ?operation=delete (name lists such as Account,
 * Customer and Item cannot be deleted, only made inactive). */
export const DELETABLE = new Set(['SalesReceipt', 'RefundReceipt', 'Purchase', 'Transfer', 'JournalEntry', 'Deposit']);
/** Transactions voided with a sparse POST ?operation=update&include=void (Intuit's SalesReceipt
 * reference). Of the entities the sandbox serves, only SalesReceipt documents a void:
 * RefundReceipt, Purchase, Transfer, JournalEntry and Deposit can only be deleted. */
export const VOIDABLE = new Set(['SalesReceipt']);

// Output-only fields: QuickBooks ignores them on input (CurrentBalance is read-only; totals
// are computed). Removing them before the rules run keeps clients from setting them.
const READ_ONLY = ['MetaData', 'domain', 'sparse', 'status', 'TotalAmt', 'Balance', 'CurrentBalance', 'CurrentBalanceWithSubAccounts', 'FullyQualifiedName', 'Classification'];

// The XSD declares Transfer/TransferEx without minOccurs="0" (required), yet Intuit's JSON
// API neither sends nor requires it; an empty TransferEx is added to the XML form only.
// RefundReceipt, JournalEntry and Deposit have no such quirk: their *Ex elements are optional
// and Intuit's request and response samples validate as they are.
function xsdForm(entityName: string, body: Obj): Obj {
  return entityName === 'Transfer' && body.TransferEx === undefined ? { ...body, TransferEx: {} } : body;
}

export interface ContractViolation {
  entity: string;
  id: string;
  errors: string[];
}

/** What happened to an entity, in the legacy webhook's `operation` words. */
export type Operation = 'Create' | 'Update' | 'Delete' | 'Void';
export type ChangeListener = (company: Company, entityName: string, id: string, operation: Operation, lastUpdated: string) => void;

export class Books {
  private readonly rules: Rules;
  /** Told of every change made through the API (the webhooks send them on). */
  readonly listeners: ChangeListener[] = [];
  /** Stored response forms the XSD refused (checked in the background; should stay empty). */
  readonly violations: ContractViolation[] = [];
  private readonly postings = new Map<string, Posting[]>(); // "realm/Entity/Id" → postings

  constructor(
    private readonly store: SandboxStore,
    private readonly validator: XsdValidator,
  ) {
    this.rules = new Rules(store);
  }

  /** QuickBooks creates some accounts itself; the sandbox only needs Undeposited Funds
   * (the default DepositToAccountRef of a SalesReceipt). It gets Id "1". */
  seed(company: Company): void {
    this.insert(company, 'Account', { Name: 'Undeposited Funds', AccountType: 'Other Current Asset', AccountSubType: 'UndepositedFunds' });
    this.insert(company, 'Preferences', initialPreferences(company));
  }

  /** The company's one Preferences entity. */
  preferences(company: Company): Entity | undefined {
    return this.store.table(company, 'Preferences').get(PREFERENCES_ID);
  }

  /** The bookkeeper turns multicurrency on in QuickBooks' settings (it cannot be turned off). */
  enableMultiCurrency(company: Company): Entity {
    company.multiCurrency = true;
    const current = this.preferences(company);
    if (!current) throw faults.notFound('Preferences', PREFERENCES_ID);
    const { CurrencyPrefs: prefs, ...rest } = structuredClone(current);
    const updated = { ...rest, CurrencyPrefs: { ...((prefs ?? {}) as Obj), MultiCurrencyEnabled: true } };
    return this.changed(company, 'Preferences', this.save(company, 'Preferences', updated, current), 'Update');
  }

  /** The bookkeeper closes the books up to `date` in QuickBooks' settings (null reopens them). */
  setBookCloseDate(company: Company, date: string | null): Entity {
    const current = this.preferences(company);
    if (!current) throw faults.notFound('Preferences', PREFERENCES_ID);
    const { AccountingInfoPrefs: prefs, ...rest } = structuredClone(current);
    const { BookCloseDate: _old, ...accounting } = (prefs ?? {}) as Obj;
    const updated = { ...rest, AccountingInfoPrefs: date ? { ...accounting, BookCloseDate: date } : accounting };
    return this.changed(company, 'Preferences', this.save(company, 'Preferences', updated, current), 'Update');
  }

  render(company: Company, entityName: string, e: Entity): Entity {
    if (entityName !== 'Account') return e;
    const cents = company.balances.get(e.Id) ?? 0;
    return { ...e, CurrentBalance: centsToNumber(cents), CurrentBalanceWithSubAccounts: centsToNumber(cents) };
  }

  read(company: Company, entityName: string, id: string): Entity {
    const e = this.store.table(company, entityName).get(id);
    if (!e) throw faults.notFound(entityName, id);
    return this.render(company, entityName, e);
  }

  all(company: Company, entityName: string): Entity[] {
    return [...this.store.table(company, entityName).values()].map((e) => this.render(company, entityName, e));
  }

  private async checkRequest(entityName: string, body: Obj): Promise<void> {
    const r = await this.validator.validate(entityName, xsdForm(entityName, body));
    if (!r.valid) throw faults.schema(entityName, r.errors);
  }

  private readonly pending = new Set<Promise<void>>();

  /** Violations once every background check started so far has finished. */
  async settledViolations(): Promise<ContractViolation[]> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    return this.violations;
  }

  private checkResponseLater(entityName: string, e: Entity): void {
    const p = this.validator.validate(entityName, xsdForm(entityName, e)).then(
      (r) => {
        if (!r.valid) this.violations.push({ entity: entityName, id: e.Id, errors: r.errors });
        return undefined;
      },
      (err: unknown) => void this.violations.push({ entity: entityName, id: e.Id, errors: [String(err)] }),
    );
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private insert(company: Company, entityName: string, input: Obj, existing?: Entity): Entity {
    const draft: Obj = structuredClone(input);
    for (const k of READ_ONLY) delete draft[k];
    if (existing) draft.Id = existing.Id; // lets the unique-name rule skip the entity itself
    const postings = this.rules.prepare(company, entityName, draft);
    if (DATED.has(entityName)) refuseInClosedPeriod(this.preferences(company), draft.TxnDate, existing?.TxnDate);
    const now = this.store.isoNow();
    const id = existing?.Id ?? this.store.nextId(company, entityName);
    const meta = existing?.MetaData as Obj | undefined;
    const entity: Entity = {
      ...draft,
      Id: id,
      SyncToken: existing ? String(Number(existing.SyncToken) + 1) : '0',
      domain: 'QBO',
      sparse: false,
      MetaData: { CreateTime: meta?.CreateTime ?? now, LastUpdatedTime: now },
    };
    const key = `${company.realmId}/${entityName}/${id}`; // ids are per company
    const accounts = this.store.table(company, 'Account');
    this.store.table(company, entityName).set(id, entity);
    const old = this.postings.get(key);
    if (old) applyPostings(company, accounts, old, -1);
    applyPostings(company, accounts, postings, 1);
    this.postings.set(key, postings);
    return this.render(company, entityName, entity);
  }

  async create(company: Company, entityName: string, body: unknown): Promise<Entity> {
    if (!isObj(body)) throw faults.invalid(entityName, 'Request body must be a JSON object');
    // A company has its one Preferences: it is read and updated, never created.
    if (entityName === 'Preferences') throw faults.unsupportedOperation('create', entityName);
    await this.checkRequest(entityName, body);
    const { Id: _ignored, SyncToken: _ignored2, ...rest } = body;
    const created = this.insert(company, entityName, rest);
    this.checkResponseLater(entityName, created);
    this.changed(company, entityName, created, 'Create');
    return created;
  }

  /** The stored entity a delete/void/update body names, after the XSD and SyncToken checks. */
  private async target(company: Company, entityName: string, body: unknown): Promise<{ req: Obj; current: Entity }> {
    if (!isObj(body)) throw faults.invalid(entityName, 'Request body must be a JSON object');
    if (!present(body.Id)) throw faults.required('Id');
    if (!present(body.SyncToken)) throw faults.required('SyncToken');
    await this.checkRequest(entityName, body);
    const current = this.store.table(company, entityName).get(String(body.Id));
    if (!current) throw faults.notFound(entityName, String(body.Id));
    if (String(body.SyncToken) !== current.SyncToken) throw faults.stale(current.Id);
    return { req: body, current };
  }

  async update(company: Company, entityName: string, body: unknown): Promise<Entity> {
    const { req, current } = await this.target(company, entityName, body);
    // sparse=true: only the given fields change; otherwise the body replaces the entity.
    const merged: Obj = req.sparse === true || req.sparse === 'true' ? { ...current, ...req } : { ...req };
    delete merged.Id;
    delete merged.SyncToken;
    return this.changed(company, entityName, this.save(company, entityName, merged, current), 'Update');
  }

  /** POST ?operation=delete: reverses the postings and removes the transaction. */
  async remove(company: Company, entityName: string, body: unknown): Promise<Obj> {
    if (!DELETABLE.has(entityName)) throw faults.unsupportedOperation('delete', entityName);
    const { current } = await this.target(company, entityName, body);
    this.refuseIfDeposited(company, entityName, current.Id);
    refuseInClosedPeriod(this.preferences(company), current.TxnDate);
    const key = `${company.realmId}/${entityName}/${current.Id}`;
    const old = this.postings.get(key);
    if (old) applyPostings(company, this.store.table(company, 'Account'), old, -1);
    this.postings.delete(key);
    this.store.table(company, entityName).delete(current.Id);
    let deleted = company.deleted.get(entityName);
    if (!deleted) company.deleted.set(entityName, (deleted = new Map()));
    deleted.set(current.Id, this.store.now());
    for (const listener of this.listeners) listener(company, entityName, current.Id, 'Delete', this.store.isoNow());
    return { status: 'Deleted', domain: 'QBO', Id: current.Id };
  }

  /** POST ?operation=update&include=void: the transaction stays, with every amount and
   * quantity zeroed and "Voided" put in front of PrivateNote (Intuit's SalesReceipt reference;
   * the separator before an existing note is the sandbox's guess). */
  async void(company: Company, entityName: string, body: unknown): Promise<Entity> {
    if (!VOIDABLE.has(entityName)) throw faults.unsupportedOperation('void', entityName);
    const { current } = await this.target(company, entityName, body);
    this.refuseIfDeposited(company, entityName, current.Id);
    refuseInClosedPeriod(this.preferences(company), current.TxnDate);
    const { Id: _id, SyncToken: _token, ...rest } = structuredClone(current);
    const lines = (Array.isArray(rest.Line) ? rest.Line : []).filter(isObj).map((l) => {
      const d = l.SalesItemLineDetail;
      if (!isObj(d)) return { ...l, Amount: 0 };
      const { UnitPrice: _price, ...detail } = d;
      return { ...l, Amount: 0, SalesItemLineDetail: { ...detail, Qty: 0 } };
    });
    const note = typeof rest.PrivateNote === 'string' && rest.PrivateNote !== '' ? `Voided - ${rest.PrivateNote}` : 'Voided';
    return this.changed(company, entityName, this.save(company, entityName, { ...rest, Line: lines, PrivateNote: note }, current), 'Void');
  }

  private changed(company: Company, entityName: string, e: Entity, operation: Operation): Entity {
    const at = String((e.MetaData as Obj | undefined)?.LastUpdatedTime ?? this.store.isoNow());
    for (const listener of this.listeners) listener(company, entityName, e.Id, operation, at);
    return e;
  }

  // A SalesReceipt linked from a Deposit cannot be deleted or voided (fault 6540).
  private refuseIfDeposited(company: Company, entityName: string, id: string): void {
    if (entityName === 'SalesReceipt' && depositsLinking(this.rules.kit, company, entityName, id).length > 0) throw faults.deposited();
  }

  private save(company: Company, entityName: string, draft: Obj, current: Entity): Entity {
    try {
      const updated = this.insert(company, entityName, draft, current);
      this.checkResponseLater(entityName, updated);
      return updated;
    } catch (err) {
      if (err instanceof QboFault) throw err;
      throw faults.system(String(err));
    }
  }
}
