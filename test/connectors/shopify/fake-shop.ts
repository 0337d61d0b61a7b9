/**
 * A stand-in for one shop's Admin GraphQL API, for the Shopify store and Payments Apps tests until
 * they move onto the sandbox (test/sandbox/shopify): every request is validated and executed with
 * graphql-js against Shopify's real 2026-07 schema, so a document or a variable Shopify would refuse
 * is refused here too; resolvers over a little state hold the variants and their stock, and orders
 * with their transactions and refunds. refundCreate honours the `@idempotent` key. Answers carry
 * Shopify's `extensions.cost`.
 */
// Resolver inputs are coerced against Shopify's schema before they arrive, so they are read loosely here.
/* eslint-disable @typescript-eslint/no-explicit-any */
import '@shopify/shopify-api/adapters/node';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { buildClientSchema, execute, parse, specifiedRules, validate, type GraphQLResolveInfo, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { ApiVersion, LogSeverity, shopifyApi, type Shopify } from '@shopify/shopify-api';
import { setAbstractFetchFunc } from '@shopify/shopify-api/runtime';
import { fromDecimal, toDecimal, money, type Money } from '../../../core/money';
import { contractPath } from '../../support/contracts';

/** Shopify's schemas, as introspected; its own schema breaks a rule graphql-js 17 checks on schemas (see test/contract/shopify-documents.test.ts). */
const loadSchema = (file: string) => {
  const raw = readFileSync(contractPath(file));
  const json = JSON.parse((file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8')) as { data: IntrospectionQuery };
  return buildClientSchema(json.data, { assumeValid: true });
};
const adminSchema = loadSchema('shopify/admin-graphql/admin_2026-07.introspection.json.gz');
const paymentsAppsSchema = loadSchema('shopify/payments-apps-graphql/payments-apps_2026-07.introspection.json');

/** One GraphQL request answered as Shopify would: validation errors, coerced variables, a cost extension. */
async function answerWith(schema: GraphQLSchema, rootValue: object, operations: string[], body: { query: string; variables?: Record<string, unknown> }): Promise<unknown> {
  let document;
  try {
    document = parse(body.query);
  } catch (error) {
    return { errors: [{ message: (error as Error).message }] };
  }
  const problems = validate(schema, document, specifiedRules);
  if (problems.length) return { errors: problems.map((e) => ({ message: e.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })) };
  const operation = document.definitions.find((d) => d.kind === 'OperationDefinition');
  operations.push(operation && 'name' in operation && operation.name ? operation.name.value : '');
  const result = await execute({ schema, document, rootValue, variableValues: body.variables ?? {} });
  return {
    ...(result.errors ? { errors: result.errors.map((e) => ({ message: e.message, path: e.path })) } : {}),
    data: result.data ?? null,
    extensions: { cost: { requestedQueryCost: 10, actualQueryCost: 10, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1990, restoreRate: 100 } } },
  };
}

export interface FakeVariant { id: string; sku: string; title: string; price: string; stock: number }
interface Transaction { id: string; kind: string; status: string; gateway: string; manualPaymentGateway: boolean; amount: Money }
interface Line { id: string; name: string; sku: string | null; quantity: number; total: Money; variantId: string | null }
export interface FakeOrder {
  id: string; name: string; number: number; createdAt: string; updatedAt: string; cancelledAt: string | null; tags: string[]; note: string | null;
  email: string | null; sourceIdentifier: string | null; currency: string; lines: Line[]; transactions: Transaction[];
  refunds: { id: string; note: string | null; amount: Money }[]; customerEmail: string | null;
}

const bag = (m: Money) => ({ shopMoney: { amount: toDecimal(m), currencyCode: m.currency }, presentmentMoney: { amount: toDecimal(m), currencyCode: m.currency } });
const page = <T>(nodes: T[]) => ({ nodes, pageInfo: { hasNextPage: false, endCursor: null } });
const sum = (items: Money[], currency: string) => money(items.reduce((s, m) => s + m.amount, 0), currency);
const paid = (o: FakeOrder) => sum(o.transactions.filter((t) => ['SALE', 'CAPTURE'].includes(t.kind) && t.status === 'SUCCESS').map((t) => t.amount), o.currency);
const refunded = (o: FakeOrder) => sum(o.refunds.map((r) => r.amount), o.currency);
const total = (o: FakeOrder) => sum(o.lines.map((l) => l.total), o.currency);

/** The shop's state and what Settle sent it. */
export class FakeShop {
  variants: FakeVariant[] = [];
  orders: FakeOrder[] = [];
  customers = new Map<string, { firstName?: string; lastName?: string }>();
  readonly operations: string[] = [];
  private readonly idempotent = new Map<string, unknown>();
  private nextId = 820982911946154508n;

  constructor(readonly shop: string) {}

  id(type: string): string {
    this.nextId += 1n;
    return `gid://shopify/${type}/${this.nextId}`;
  }

  stockOf(sku: string): number | undefined {
    return this.variants.find((v) => v.sku === sku)?.stock;
  }

  /** An order placed at the shop's own checkout, not yet paid (e.g. a manual payment method). */
  placeOrder(lines: { sku: string; quantity: number; total: Money }[], email = 'shopper@example.com'): FakeOrder {
    const number = 1001 + this.orders.length;
    const order: FakeOrder = {
      id: this.id('Order'), name: `#${number}`, number, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(), cancelledAt: null, tags: [], note: null,
      email, sourceIdentifier: null, currency: lines[0]!.total.currency, transactions: [], refunds: [], customerEmail: email,
      lines: lines.map((l) => ({ id: this.id('LineItem'), name: l.sku, sku: l.sku, quantity: l.quantity, total: l.total, variantId: this.variants.find((v) => v.sku === l.sku)?.id ?? null })),
    };
    this.orders.push(order);
    return order;
  }


  private orderView(o: FakeOrder) {
    const outstanding = money(Math.max(0, total(o).amount - paid(o).amount), o.currency);
    const back = refunded(o);
    const status = back.amount > 0 ? (back.amount >= paid(o).amount ? 'REFUNDED' : 'PARTIALLY_REFUNDED') : outstanding.amount === 0 ? 'PAID' : 'PENDING';
    const zero = money(0, o.currency);
    return {
      ...o, closed: false, test: false, displayFinancialStatus: status, fullyPaid: outstanding.amount === 0, currencyCode: o.currency,
      totalPriceSet: bag(total(o)), subtotalPriceSet: bag(total(o)), totalShippingPriceSet: bag(zero), totalTaxSet: bag(zero),
      totalOutstandingSet: bag(outstanding), totalRefundedSet: bag(back),
      customer: o.customerEmail ? { id: this.id('Customer'), displayName: o.customerEmail, email: o.customerEmail } : null,
      lineItems: page(o.lines.map((l) => ({ ...l, discountedTotalSet: bag(l.total), variant: l.variantId ? { id: l.variantId } : null }))),
      transactions: o.transactions.map((t) => ({ ...t, amountSet: bag(t.amount) })),
      refunds: o.refunds.map((r) => ({ ...r, createdAt: o.createdAt, totalRefundedSet: bag(r.amount) })),
    };
  }

  private variantView(v: FakeVariant) {
    return {
      ...v, inventoryQuantity: v.stock, availableForSale: v.stock > 0, inventoryPolicy: 'DENY',
      product: { id: this.id('Product'), title: v.title, status: 'ACTIVE' }, inventoryItem: { id: this.id('InventoryItem'), tracked: true },
    };
  }


  private findOrder(id: string) {
    return this.orders.find((o) => o.id === id);
  }

  /** The root resolvers: each Admin API field Settle uses, over the state above. */
  readonly root = {
    shop: () => ({ id: 'gid://shopify/Shop/1', name: 'Corner Shop', email: 'owner@corner.test', myshopifyDomain: this.shop, currencyCode: 'EUR', ianaTimezone: 'Europe/Paris' }),
    productVariants: ({ query }: { query: string }) => {
      const sku = /^sku:"((?:[^"\\]|\\.)*)"$/.exec(query)?.[1]?.replace(/\\(.)/g, '$1');
      // A quoted free-text term matches titles and SKUs, as Shopify's default search fields do.
      const words = /^"((?:[^"\\]|\\.)*)"$/.exec(query)?.[1]?.replace(/\\(.)/g, '$1').toLowerCase();
      const matches = (v: FakeVariant) => (sku !== undefined ? v.sku === sku : words !== undefined && `${v.title} ${v.sku}`.toLowerCase().includes(words));
      return page(this.variants.filter(matches).map((v) => this.variantView(v)));
    },
    productVariant: ({ id }: { id: string }) => {
      const variant = this.variants.find((v) => v.id === id);
      return variant ? this.variantView(variant) : null;
    },
    orders: ({ query, first, after }: { query: string; first: number; after?: string | null }) => {
      const tag = /^tag:'([^']*)'$/.exec(query)?.[1];
      const since = /^updated_at:>='([^']*)'$/.exec(query)?.[1];
      const matching = this.orders
        .filter((o) => (tag !== undefined && o.tags.includes(tag)) || (since !== undefined && o.updatedAt >= since))
        .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
      // The cursor is the position after the page, as an opaque string.
      const start = after ? Number(Buffer.from(after, 'base64').toString()) : 0;
      const nodes = matching.slice(start, start + first).map((o) => this.orderView(o));
      const end = start + nodes.length;
      return { nodes, pageInfo: { hasNextPage: end < matching.length, endCursor: nodes.length ? Buffer.from(String(end)).toString('base64') : null } };
    },
    order: ({ id }: { id: string }) => {
      const order = this.findOrder(id);
      return order ? this.orderView(order) : null;
    },
    orderCreate: ({ order, options }: { order: Record<string, any>; options?: { inventoryBehaviour?: string } }) => {
      const currency: string = order.currency;
      const number = 1001 + this.orders.length;
      const lines: Line[] = (order.lineItems as Record<string, any>[]).map((l) => {
        const variant = this.variants.find((v) => v.id === l.variantId);
        const unit = fromDecimal(l.priceSet.shopMoney.amount, l.priceSet.shopMoney.currencyCode);
        return { id: this.id('LineItem'), name: variant?.title ?? l.title, sku: variant?.sku ?? null, quantity: l.quantity, total: money(unit.amount * l.quantity, currency), variantId: variant?.id ?? null };
      });
      if (options?.inventoryBehaviour !== 'BYPASS') {
        for (const line of lines) {
          const variant = this.variants.find((v) => v.id === line.variantId);
          if (variant) variant.stock -= line.quantity;
        }
      }
      if (order.customer?.toUpsert) this.customers.set(order.customer.toUpsert.email, order.customer.toUpsert);
      const created: FakeOrder = {
        id: this.id('Order'), name: `#${number}`, number, createdAt: order.processedAt ?? new Date().toISOString(), updatedAt: new Date().toISOString(), cancelledAt: null,
        tags: order.tags ?? [], note: order.note ?? null, email: order.email ?? null, sourceIdentifier: order.sourceIdentifier ?? null, currency, lines,
        customerEmail: order.customer?.toUpsert?.email ?? null, refunds: [],
        transactions: (order.transactions ?? []).map((t: Record<string, any>) => ({
          id: this.id('OrderTransaction'), kind: t.kind ?? 'SALE', status: t.status ?? 'SUCCESS', gateway: t.gateway ?? 'manual',
          manualPaymentGateway: false, amount: fromDecimal(t.amountSet.shopMoney.amount, t.amountSet.shopMoney.currencyCode),
        })),
      };
      this.orders.push(created);
      return { order: this.orderView(created), userErrors: [] };
    },
    orderMarkAsPaid: ({ input }: { input: { id: string } }) => {
      const order = this.findOrder(input.id);
      if (!order) return { order: null, userErrors: [{ field: ['id'], message: 'Order does not exist' }] };
      const owed = total(order).amount - paid(order).amount;
      if (owed <= 0) return { order: this.orderView(order), userErrors: [{ field: ['id'], message: 'Order cannot be marked as paid.' }] };
      order.transactions.push({ id: this.id('OrderTransaction'), kind: 'SALE', status: 'SUCCESS', gateway: 'manual', manualPaymentGateway: true, amount: money(owed, order.currency) });
      return { order: this.orderView(order), userErrors: [] };
    },
    orderUpdate: ({ input }: { input: { id: string; note?: string } }) => {
      const order = this.findOrder(input.id);
      if (!order) return { order: null, userErrors: [{ field: ['id'], message: 'Order does not exist' }] };
      if (input.note !== undefined) order.note = input.note;
      return { order: { id: order.id, note: order.note }, userErrors: [] };
    },
    refundCreate: ({ input }: { input: Record<string, any> }, _context: unknown, info: GraphQLResolveInfo) => {
      const directive = info.fieldNodes[0]?.directives?.find((d) => d.name.value === 'idempotent');
      const keyNode = directive?.arguments?.find((a) => a.name.value === 'key')?.value;
      // graphql-js 17 keeps the operation's coerced variables under variableValues.coerced.
      const variables = (info.variableValues as unknown as { coerced: Record<string, unknown> }).coerced;
      const key = keyNode?.kind === 'Variable' ? String(variables[keyNode.name.value]) : keyNode?.kind === 'StringValue' ? keyNode.value : undefined;
      if (key && this.idempotent.has(key)) return this.idempotent.get(key);
      const order = this.findOrder(input.orderId);
      if (!order) return { refund: null, userErrors: [{ field: ['orderId'], message: 'Order does not exist' }] };
      const amount = sum((input.transactions ?? []).map((t: { amount: string }) => fromDecimal(t.amount, order.currency)), order.currency);
      if (refunded(order).amount + amount.amount > paid(order).amount) return { refund: null, userErrors: [{ field: ['transactions'], message: 'Amount exceeds the refundable amount' }] };
      const refund = { id: this.id('Refund'), note: input.note ?? null, amount };
      order.refunds.push(refund);
      const answer = { refund: { ...refund, totalRefundedSet: bag(amount) }, userErrors: [] };
      if (key) this.idempotent.set(key, answer);
      return answer;
    },
  };

  answer(body: { query: string; variables?: Record<string, unknown> }): Promise<unknown> {
    return answerWith(adminSchema, this.root, this.operations, body);
  }
}

type SessionKind = 'PaymentSession' | 'RefundSession' | 'CaptureSession' | 'VoidSession';
interface FakeSession { id: string; kind: SessionKind; state: 'OPEN' | 'RESOLVED' | 'REJECTED' | 'PENDING'; reason?: string; merchantMessage?: string }

/** The shop's Payments Apps API: the sessions Shopify sent Settle, and the app's configuration. */
export class FakePaymentsApps {
  sessions: FakeSession[] = [];
  configuration = { ready: false, externalHandle: null as string | null };
  readonly operations: string[] = [];

  /** Shopify sends Settle a session (the tests play Shopify posting to Settle's session URL). */
  open(kind: SessionKind): FakeSession {
    const session: FakeSession = { id: `gid://shopify/${kind}/${820982911946154508n + BigInt(this.sessions.length + 1)}`, kind, state: 'OPEN' };
    this.sessions.push(session);
    return session;
  }

  private view(session: FakeSession) {
    const code = session.state === 'OPEN' ? 'REDIRECTING' : session.state;
    const typename = `${session.kind}State${code.charAt(0)}${code.slice(1).toLowerCase()}`;
    return {
      id: session.id,
      state: { __typename: typename, code, reason: session.reason, merchantMessage: session.merchantMessage },
      nextAction: session.kind === 'PaymentSession' && session.state === 'RESOLVED'
        ? { action: 'REDIRECT', context: { __typename: 'PaymentSessionActionsRedirect', redirectUrl: 'https://corner-shop.myshopify.com/checkouts/thank-you' } }
        : null,
    };
  }

  /** Settle's answer to a session; a second answer of the same kind returns it as it is, a contrary one is refused. */
  private settle(kind: SessionKind, field: string, id: string, to: FakeSession['state'], reason?: { code: string; merchantMessage?: string }) {
    const session = this.sessions.find((s) => s.id === id && s.kind === kind);
    const key = field.charAt(0).toLowerCase() + field.slice(1);
    if (!session) return { [key]: null, userErrors: [{ field: ['id'], message: `${kind} does not exist`, code: 'SESSION_NOT_FOUND' }] };
    if (session.state !== 'OPEN' && session.state !== 'PENDING' && session.state !== to) {
      return { [key]: this.view(session), userErrors: [{ field: ['id'], message: `${kind} is already ${session.state.toLowerCase()}`, code: 'TRANSITION_NOT_ALLOWED' }] };
    }
    session.state = to;
    if (reason) Object.assign(session, { reason: reason.code, merchantMessage: reason.merchantMessage });
    return { [key]: this.view(session), userErrors: [] };
  }

  readonly root = {
    paymentSessionResolve: ({ id }: { id: string }) => this.settle('PaymentSession', 'PaymentSession', id, 'RESOLVED'),
    paymentSessionReject: ({ id, reason }: { id: string; reason: { code: string } }) => this.settle('PaymentSession', 'PaymentSession', id, 'REJECTED', reason),
    paymentSessionPending: ({ id, reason }: { id: string; reason: string }) => this.settle('PaymentSession', 'PaymentSession', id, 'PENDING', { code: reason }),
    refundSessionResolve: ({ id }: { id: string }) => this.settle('RefundSession', 'RefundSession', id, 'RESOLVED'),
    refundSessionReject: ({ id, reason }: { id: string; reason: { code: string } }) => this.settle('RefundSession', 'RefundSession', id, 'REJECTED', reason),
    captureSessionResolve: ({ id }: { id: string }) => this.settle('CaptureSession', 'CaptureSession', id, 'RESOLVED'),
    captureSessionReject: ({ id, reason }: { id: string; reason: { code: string } }) => this.settle('CaptureSession', 'CaptureSession', id, 'REJECTED', reason),
    voidSessionResolve: ({ id }: { id: string }) => this.settle('VoidSession', 'VoidSession', id, 'RESOLVED'),
    voidSessionReject: ({ id, reason }: { id: string; reason: { code: string } }) => this.settle('VoidSession', 'VoidSession', id, 'REJECTED', reason),
    paymentsAppConfigure: ({ ready, externalHandle }: { ready: boolean; externalHandle?: string | null }) => {
      this.configuration = { ready, externalHandle: externalHandle ?? null };
      return { paymentsAppConfiguration: this.configuration, userErrors: [] };
    },
  };

  answer(body: { query: string; variables?: Record<string, unknown> }): Promise<unknown> {
    return answerWith(paymentsAppsSchema, this.root, this.operations, body);
  }
}

/** Serves a FakeShop at `/shops/{shop}/admin/api/2026-07/graphql.json` (and its Payments Apps API beside it) and a shopify-api instance pointed at it. */
export async function startFakeShop(shopDomain = 'corner-shop.myshopify.com'): Promise<{ shop: FakeShop; paymentsApps: FakePaymentsApps; shopify: Shopify; close(): Promise<void> }> {
  const shop = new FakeShop(shopDomain);
  const paymentsApps = new FakePaymentsApps();
  const apis: Record<string, { answer(body: { query: string }): Promise<unknown> }> = {
    [`/shops/${shopDomain}/admin/api/2026-07/graphql.json`]: shop,
    [`/shops/${shopDomain}/payments_apps/api/2026-07/graphql.json`]: paymentsApps,
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const api = req.headers['x-shopify-access-token'] === FAKE_TOKEN ? apis[req.url ?? ''] : undefined;
      const known = api !== undefined;
      const answer = api ? await api.answer(JSON.parse(Buffer.concat(chunks).toString('utf8'))) : { errors: 'Not Found' };
      res.writeHead(known ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/shops`;
  // What connectors/shopify/app.ts does with SHOPIFY_SHOP_URL=http://127.0.0.1:PORT/shops/{shop}.
  setAbstractFetchFunc((input, init) => fetch(String(input).replace(/^https:\/\/([^/]+)/, `${base}/$1`), init));
  const shopify = shopifyApi({
    apiKey: 'settle-client-id', apiSecretKey: 'settle-secret', scopes: ['write_orders'], hostName: 'settle.test',
    apiVersion: ApiVersion.July26, isEmbeddedApp: true, logger: { level: LogSeverity.Error, log: async () => undefined },
  });
  return { shop, paymentsApps, shopify, close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
}

/** The access token the fake shop accepts. */
export const FAKE_TOKEN = 'shpat_test';
