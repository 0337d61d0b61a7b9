import type QuickBooks from 'node-quickbooks';
import type { Books, BooksDocument, PostedDocument } from '../../core/books/books';
import type { BooksMapping } from '../../core/books/mapping';
import { ACCOUNT_ROLES, type AccountRole } from '../../core/ledger/accounts';
import { fromDecimal, type Money } from '../../core/money';
import { accountTypeFor, qbAmount, ref } from './mapping';
import { call } from './client';
import type { RealmLimiter } from './limiter';
import { SettleError } from '../../core/errors';

/** The client unwraps a create's `{ SalesReceipt: {…} }` answer to the entity itself. */
type Created = { Id?: string; SyncToken?: string };

/** One merchant's QuickBooks Online company as core's Books port. */
export class QuickBooksBooks implements Books {
  constructor(
    private readonly qbo: QuickBooks,
    private readonly mapping: BooksMapping,
    /** Intuit's per-company limits, shared by all of the worker's jobs; absent in one-off tools. */
    private readonly limiter?: { realmId: string; limiter: RealmLimiter },
  ) {}

  private send<T>(run: Parameters<typeof call>[0], doing: string): Promise<T> {
    const limit = this.limiter;
    return limit ? limit.limiter.run(limit.realmId, () => call<T>(run, doing)) : call<T>(run, doing);
  }

  async post(document: BooksDocument, requestId: string): Promise<PostedDocument> {
    switch (document.kind) {
      case 'sale_receipt':
      case 'refund_receipt': {
        const body = {
          requestId,
          TxnDate: document.date,
          PrivateNote: document.memo,
          CustomerRef: ref(await this.customer(document.customer)),
          // A sales receipt deposits into this account; a refund receipt pays the money back out of it.
          DepositToAccountRef: ref(await this.account(document.kind === 'sale_receipt' ? document.depositTo : document.refundFrom)),
          Line: await this.itemLines(document.lines),
        };
        if (document.kind === 'sale_receipt') {
          return this.created('SalesReceipt', await this.send<Created>((cb) => this.qbo.createSalesReceipt(body, cb), 'the sales receipt'));
        }
        return this.created('RefundReceipt', await this.send<Created>((cb) => this.qbo.createRefundReceipt(body, cb), 'the refund receipt'));
      }
      case 'journal': {
        const lines = [];
        for (const line of document.lines) {
          lines.push({
            Amount: qbAmount({ ...line.amount, amount: Math.abs(line.amount.amount) }),
            Description: document.memo.slice(0, 4000),
            DetailType: 'JournalEntryLineDetail',
            JournalEntryLineDetail: { PostingType: line.amount.amount > 0 ? 'Debit' : 'Credit', AccountRef: ref(await this.account(line.role)) },
          });
        }
        const body = { requestId, TxnDate: document.date, PrivateNote: document.memo, Line: lines };
        return this.created('JournalEntry', await this.send<Created>((cb) => this.qbo.createJournalEntry(body, cb), 'the journal entry'));
      }
      case 'expense': {
        const body = {
          requestId,
          TxnDate: document.date,
          PaymentType: 'Cash',
          PrivateNote: document.memo,
          AccountRef: ref(await this.account(document.paidFrom)),
          Line: [{ Amount: qbAmount(document.amount), DetailType: 'AccountBasedExpenseLineDetail', AccountBasedExpenseLineDetail: { AccountRef: ref(await this.account(document.expense)) } }],
        };
        return this.created('Purchase', await this.send<Created>((cb) => this.qbo.createPurchase(body, cb), 'the fee expense'));
      }
      case 'transfer': {
        const body = {
          requestId,
          TxnDate: document.date,
          PrivateNote: document.memo,
          FromAccountRef: ref(await this.account(document.from)),
          ToAccountRef: ref(await this.account(document.to)),
          Amount: qbAmount(document.amount),
        };
        return this.created('Transfer', await this.send<Created>((cb) => this.qbo.createTransfer(body, cb), 'the payout transfer'));
      }
    }
  }

  async readTotal(documentType: string, documentId: string, currency: string): Promise<Money | null | undefined> {
    type Receipt = { TotalAmt?: number; CurrencyRef?: { value?: string }; SalesReceipt?: Receipt; RefundReceipt?: Receipt };
    const read =
      documentType === 'SalesReceipt' ? (cb: (e: unknown, b?: unknown) => void) => this.qbo.getSalesReceipt(documentId, cb)
      : documentType === 'RefundReceipt' ? (cb: (e: unknown, b?: unknown) => void) => this.qbo.getRefundReceipt(documentId, cb)
      : undefined;
    if (!read) return undefined;
    try {
      const body = await this.send<Receipt>(read, `reading ${documentType} ${documentId}`);
      const receipt = body.SalesReceipt ?? body.RefundReceipt ?? body;
      return fromDecimal(String(receipt.TotalAmt ?? 0), receipt.CurrencyRef?.value ?? currency);
    } catch (error) {
      if (error instanceof SettleError && error.code === 'books_not_found') return null;
      throw error;
    }
  }

  /** Receipt lines: one service item per ledger role, so QuickBooks books each to the role's account. */
  private async itemLines(lines: { role: AccountRole; description: string; amount: Money }[]) {
    const result = [];
    for (const line of lines) {
      result.push({
        Amount: qbAmount(line.amount),
        Description: line.description,
        DetailType: 'SalesItemLineDetail',
        SalesItemLineDetail: { ItemRef: ref(await this.item(line.role)), Qty: 1, UnitPrice: qbAmount(line.amount) },
      });
    }
    return result;
  }

  private created(type: string, body: Created): PostedDocument {
    return { documentType: type, documentId: body.Id ?? missingId(type), ...(body.SyncToken ? { syncToken: body.SyncToken } : {}) };
  }

  /** The merchant's account for a role; by default found or created under the role's name. */
  private account(role: AccountRole): Promise<string> {
    return this.mapping.resolve(`account:${role}`, async () => {
      const name = ACCOUNT_ROLES[role].name;
      const body = { Name: name, ...accountTypeFor(role) };
      return this.findOrCreate('Accounts', 'Account', { Name: name }, (cb) => this.qbo.createAccount(body, cb), `the ${name} account`);
    });
  }

  /** Sales lines are posted with one service item per role, so QuickBooks credits the role's account. */
  private item(role: AccountRole): Promise<string> {
    return this.mapping.resolve(`item:${role}`, async () => {
      const name = `${ACCOUNT_ROLES[role].name} (Settle)`;
      const body = { Name: name, Type: 'Service', IncomeAccountRef: ref(await this.account(role)) };
      return this.findOrCreate('Items', 'Item', { Name: name }, (cb) => this.qbo.createItem(body, cb), `the ${name} item`);
    });
  }

  private async customer(who: { name: string; email: string }): Promise<string> {
    const key = `customer:${(who.email || who.name).toLowerCase()}`;
    return this.mapping.resolve(key, async () => {
      const body = { DisplayName: who.name, ...(who.email ? { PrimaryEmailAddr: { Address: who.email } } : {}) };
      return this.findOrCreate('Customers', 'Customer', { DisplayName: who.name }, (cb) => this.qbo.createCustomer(body, cb), `the customer ${who.name}`);
    });
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

function missingId(type: string): never {
  throw new Error(`QuickBooks answered without a ${type} id`);
}
