import type QuickBooks from 'node-quickbooks';
import type { Books, BooksDocument, PostedDocument } from '../../core/books/books';
import type { BooksMapping } from '../../core/books/mapping';
import { ACCOUNT_ROLES, type AccountRole } from '../../core/ledger/accounts';
import { accountTypeFor, qbAmount, ref } from './mapping';
import { call } from './client';

/** The client unwraps a create's `{ SalesReceipt: {…} }` answer to the entity itself. */
type Created = { Id?: string };

/** One merchant's QuickBooks Online company as core's Books port. */
export class QuickBooksBooks implements Books {
  constructor(
    private readonly qbo: QuickBooks,
    private readonly mapping: BooksMapping,
  ) {}

  async post(document: BooksDocument, requestId: string): Promise<PostedDocument> {
    switch (document.kind) {
      case 'sale_receipt': {
        const lines = [];
        for (const line of document.lines) {
          lines.push({
            Amount: qbAmount(line.amount),
            Description: line.description,
            DetailType: 'SalesItemLineDetail',
            SalesItemLineDetail: { ItemRef: ref(await this.item(line.role)), Qty: 1, UnitPrice: qbAmount(line.amount) },
          });
        }
        const body = {
          requestId,
          TxnDate: document.date,
          PrivateNote: document.memo,
          CustomerRef: ref(await this.customer(document.customer)),
          DepositToAccountRef: ref(await this.account(document.depositTo)),
          Line: lines,
        };
        return this.created('SalesReceipt', await call<Created>((cb) => this.qbo.createSalesReceipt(body, cb), 'the sales receipt'));
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
        return this.created('Purchase', await call<Created>((cb) => this.qbo.createPurchase(body, cb), 'the fee expense'));
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
        return this.created('Transfer', await call<Created>((cb) => this.qbo.createTransfer(body, cb), 'the payout transfer'));
      }
    }
  }

  private created(type: string, body: Created): PostedDocument {
    return { documentType: type, documentId: body.Id ?? missingId(type) };
  }

  /** The merchant's account for a role; by default found or created under the role's name. */
  private account(role: AccountRole): Promise<string> {
    return this.mapping.resolve(`account:${role}`, async () => {
      const name = ACCOUNT_ROLES[role].name;
      const found = await this.findOne('Accounts', 'Account', { Name: name });
      if (found) return found;
      const body = { Name: name, ...accountTypeFor(role) };
      return (await call<Created>((cb) => this.qbo.createAccount(body, cb), `the ${name} account`)).Id ?? missingId('Account');
    });
  }

  /** Sales lines are posted with one service item per role, so QuickBooks credits the role's account. */
  private item(role: AccountRole): Promise<string> {
    return this.mapping.resolve(`item:${role}`, async () => {
      const name = `${ACCOUNT_ROLES[role].name} (Settle)`;
      const found = await this.findOne('Items', 'Item', { Name: name });
      if (found) return found;
      const body = { Name: name, Type: 'Service', IncomeAccountRef: ref(await this.account(role)) };
      return (await call<Created>((cb) => this.qbo.createItem(body, cb), `the ${name} item`)).Id ?? missingId('Item');
    });
  }

  private async customer(who: { name: string; email: string }): Promise<string> {
    const key = `customer:${(who.email || who.name).toLowerCase()}`;
    return this.mapping.resolve(key, async () => {
      const found = await this.findOne('Customers', 'Customer', { DisplayName: who.name });
      if (found) return found;
      const body = { DisplayName: who.name, ...(who.email ? { PrimaryEmailAddr: { Address: who.email } } : {}) };
      return (await call<Created>((cb) => this.qbo.createCustomer(body, cb), `the customer ${who.name}`)).Id ?? missingId('Customer');
    });
  }

  /** The first entity whose field equals the value; the client quotes and escapes the query. */
  private async findOne(plural: 'Accounts' | 'Items' | 'Customers', entity: string, where: Record<string, string>): Promise<string | undefined> {
    const criteria = [...Object.entries(where).map(([field, value]) => ({ field, value, operator: '=' })), { field: 'limit', value: 1 }];
    const find = this.qbo[`find${plural}`].bind(this.qbo) as (criteria: unknown, cb: (error: unknown, body?: unknown) => void) => void;
    const body = await call<{ QueryResponse: Record<string, { Id: string }[] | undefined> }>((cb) => find(criteria, cb), `looking up ${entity}`);
    return body.QueryResponse[entity]?.[0]?.Id;
  }
}

function missingId(type: string): never {
  throw new Error(`QuickBooks answered without a ${type} id`);
}
