/**
 * Every GraphQL document Settle sends to Shopify, validated against Shopify's real 2026-07 schemas
 * (the introspection results in shared/contracts/shopify). Each module under connectors/shopify/
 * is imported and every exported string that is a GraphQL document is parsed and validated: Admin
 * API documents against the Admin schema, documents under a `payments-apps` path against the
 * Payments Apps schema. A misspelt field, an argument Shopify does not take, a wrong variable type
 * or an enum value it does not know fails here, whether or not a sandbox accepted it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import {
  buildClientSchema, getNamedType, isAbstractType, isCompositeType, isListType, isNonNullType, Kind, NoUnusedFragmentsRule, parse, specifiedRules, validate,
  type DocumentNode, type FragmentDefinitionNode, type GraphQLCompositeType, type GraphQLOutputType, type GraphQLSchema, type IntrospectionQuery, type SelectionSetNode,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { contractPath } from '../support/contracts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SHOPIFY_CONNECTOR = join(REPO, 'connectors/shopify');

function introspected(file: string): GraphQLSchema {
  const raw = readFileSync(contractPath(file));
  const json = JSON.parse((file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8')) as { data: IntrospectionQuery };
  // Shopify's own schema breaks one rule graphql-js 17 checks (deprecated fields implementing
  // interface fields that are not, e.g. ChannelDefinition.id): it is what Shopify serves, so it is
  // taken as valid and only the documents are validated.
  return buildClientSchema(json.data, { assumeValid: true });
}

const schemas = {
  admin: introspected('shopify/admin-graphql/admin_2026-07.introspection.json.gz'),
  paymentsApps: introspected('shopify/payments-apps-graphql/payments-apps_2026-07.introspection.json'),
};

/** Shopify's message for each problem in a document; empty when the schema accepts it. */
function problems(source: string, schema: GraphQLSchema): string[] {
  let document: DocumentNode;
  try {
    document = parse(source);
  } catch (error) {
    return [(error as Error).message];
  }
  const hasOperation = document.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION);
  // A fragment exported on its own is checked against its type; its use is checked in the operations that spread it.
  const rules = hasOperation ? specifiedRules : specifiedRules.filter((r) => r !== NoUnusedFragmentsRule);
  return validate(schema, document, rules).map((e) => e.message);
}

/** The most Settle asks for in one page when `first` is a variable. */
const LARGEST_PAGE = 100;

/**
 * Shopify's calculated cost of a document, as its rate-limit docs describe it: an object 1, a
 * scalar or enum 0, a connection 2 plus `first` times what one node costs, a mutation 10 plus what
 * it reads back. Shopify refuses a query whose cost passes 1000 before running it.
 */
function queryCost(document: DocumentNode, schema: GraphQLSchema): number {
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const firstOf = (args: readonly { name: { value: string }; value: { kind: string; value?: string } }[] | undefined) => {
    const first = args?.find((a) => a.name.value === 'first')?.value;
    return first?.kind === Kind.INT ? Number(first.value) : first ? LARGEST_PAGE : undefined;
  };
  const selectionCost = (set: SelectionSetNode | undefined, parent: GraphQLCompositeType): number =>
    (set?.selections ?? []).reduce((sum, selection) => {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value)!;
        return sum + selectionCost(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType);
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) as GraphQLCompositeType) : parent;
        return sum + selectionCost(selection.selectionSet, on);
      }
      if (isAbstractType(parent) || selection.name.value === '__typename') return sum + 0;
      const field = parent.getFields()[selection.name.value]!;
      return sum + fieldCost(field.type, selection.selectionSet, firstOf(selection.arguments as never));
    }, 0);
  const fieldCost = (type: GraphQLOutputType, set: SelectionSetNode | undefined, first: number | undefined): number => {
    const named = getNamedType(type);
    if (!isCompositeType(named)) return 0;
    const bare = isNonNullType(type) ? type.ofType : type;
    const one = 1 + selectionCost(set, named);
    if (named.name.endsWith('Connection')) return 2 + (first ?? 1) * (one - 1);
    return isListType(bare) ? (first ?? 1) * one : one;
  };
  return document.definitions.reduce((total, d) => {
    if (d.kind !== Kind.OPERATION_DEFINITION) return total;
    const root = d.operation === 'mutation' ? schema.getMutationType()! : schema.getQueryType()!;
    const fields = selectionCost(d.selectionSet, root);
    return total + (d.operation === 'mutation' ? 10 : 0) + fields;
  }, 0);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

const GRAPHQL_START = /^\s*(#[^\n]*\n\s*)*(query|mutation|subscription|fragment)\b/;

interface FoundDocument {
  file: string;
  exportName: string;
  source: string;
  schema: 'admin' | 'paymentsApps';
}

/** Every exported GraphQL document of connectors/shopify/, with the schema it is sent to. */
async function connectorDocuments(): Promise<{ documents: FoundDocument[]; markers: Map<string, number> }> {
  const documents: FoundDocument[] = [];
  const markers = new Map<string, number>();
  for (const path of sourceFiles(SHOPIFY_CONNECTOR)) {
    const file = relative(REPO, path);
    const text = readFileSync(path, 'utf8');
    const marked = text.match(/\/\*\s*GraphQL\s*\*\//g)?.length ?? 0;
    if (marked) markers.set(file, marked);
    // Only modules that hold documents are imported (others may need configuration to load).
    if (!marked && !/\b(query|mutation)\s+[A-Z]\w*\s*[({]/.test(text)) continue;
    const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    for (const [exportName, value] of Object.entries(module)) {
      if (typeof value !== 'string' || !GRAPHQL_START.test(value)) continue;
      documents.push({ file, exportName, source: value, schema: file.includes('payments-apps') ? 'paymentsApps' : 'admin' });
    }
  }
  return { documents, markers };
}

const { documents, markers } = await connectorDocuments();

describe("Settle's Shopify GraphQL documents against the 2026-07 schemas", () => {
  it.each(documents.map((d) => [`${d.file} ${d.exportName}`, d] as const))('%s validates', (_name, document) => {
    expect(problems(document.source, schemas[document.schema])).toEqual([]);
  });

  it.each(documents.filter((d) => /\b(query|mutation)\b/.test(d.source)).map((d) => [`${d.file} ${d.exportName}`, d] as const))(
    '%s stays inside the 1000 points Shopify allows one query',
    (_name, document) => {
      expect(queryCost(parse(document.source), schemas[document.schema])).toBeLessThanOrEqual(1000);
    },
  );

  it('finds every document: each `/* GraphQL */` string in connectors/shopify/ is exported and so checked', () => {
    for (const [file, count] of markers) {
      expect(documents.filter((d) => d.file === file).length, `${file} has ${count} GraphQL strings; export each so this test checks it`).toBe(count);
    }
  });

  it('covers the operations Settle needs from the Admin and Payments Apps APIs', () => {
    const operations = new Set(
      documents.flatMap((d) => parse(d.source).definitions.flatMap((def) => (def.kind === Kind.OPERATION_DEFINITION && def.name ? [def.name.value] : []))),
    );
    for (const name of [
      'ShopInfo', 'VariantsBySku', 'InventoryLevels', 'OrderCreate', 'OrderById', 'OrdersMatching', 'OrderRefunds', 'RefundCreate',
      'OrderMarkAsPaid', 'AppSubscriptionCreate', 'ActiveSubscriptions', 'WebhookSubscriptions',
      'PaymentSessionResolve', 'PaymentSessionReject', 'PaymentSessionPending', 'RefundSessionResolve', 'RefundSessionReject',
      'CaptureSessionResolve', 'CaptureSessionReject', 'VoidSessionResolve', 'VoidSessionReject', 'PaymentsAppConfigure',
    ]) {
      expect(operations, name).toContain(name);
    }
  });
});

describe('the check refuses what Shopify would refuse', () => {
  const order = documents.find((d) => d.exportName === 'ORDER_BY_ID')!;

  it('a misspelt field', () => {
    const broken = order.source.replace(/\bdisplayFinancialStatus\b/, 'displayFinancalStatus');
    expect(problems(broken, schemas.admin).join('\n')).toMatch(/Cannot query field "displayFinancalStatus" on type "Order"/);
  });

  it('an argument orderCreate does not take (it has no idempotency key in 2026-07)', () => {
    const create = documents.find((d) => d.exportName === 'ORDER_CREATE')!;
    const broken = create.source.replace('orderCreate(order: $order', 'orderCreate(idempotencyKey: "pay_1", order: $order');
    expect(problems(broken, schemas.admin).join('\n')).toMatch(/Unknown argument "idempotencyKey"/);
  });

  it('an enum value Shopify does not know', () => {
    const reject = documents.find((d) => d.exportName === 'PAYMENT_SESSION_REJECT')!;
    const broken = reject.source.replace('$reason: PaymentSessionRejectionReasonInput!', '$reason: PaymentSessionRejectionReasonInput! = {code: CARD_REFUSED}');
    expect(problems(broken, schemas.paymentsApps).join('\n')).toMatch(/CARD_REFUSED/);
  });

  it('a Payments Apps mutation sent to the Admin API', () => {
    const resolve = documents.find((d) => d.exportName === 'PAYMENT_SESSION_RESOLVE')!;
    expect(problems(resolve.source, schemas.admin).join('\n')).toMatch(/Cannot query field "paymentSessionResolve"/);
  });

  it('a query that costs more than Shopify allows (a page of whole orders)', () => {
    const orders = documents.find((d) => d.exportName === 'ORDERS_MATCHING')!;
    const fields = documents.find((d) => d.exportName === 'ORDER_FIELDS')!;
    const whole = orders.source.replace(/nodes \{[^}]*\}/, 'nodes { ...SettleOrderFields }') + fields.source;
    expect(problems(whole, schemas.admin)).toEqual([]);
    expect(queryCost(parse(whole), schemas.admin)).toBeGreaterThan(1000);
  });

  it('text that is not GraphQL', () => {
    expect(problems('query Broken { shop { name }', schemas.admin).join('\n')).toMatch(/Syntax Error/);
  });
});
