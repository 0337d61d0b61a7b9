// The GraphQL endpoints (/shops/{shop}/admin/api/{version}/graphql.json and
// /shops/{shop}/payments_apps/api/{version}/graphql.json): token check, parse, validation against
// Shopify's schema, cost and throttling, then execution over the store. Errors come back in
// Shopify's shapes: 401 with a plain `errors` string for a bad token, 200 with `errors[]` otherwise.
import type { Request, Response } from "express";
import {
  execute, GraphQLError, isNonNullType, Kind, parse, validate,
  type DocumentNode, type FragmentDefinitionNode, type GraphQLFieldResolver, type OperationDefinitionNode,
} from "graphql";
import type { Ctx, Services } from "./context";
import { API_VERSION, schemaFor, type Api } from "./schema";
import { Buckets, MAX_QUERY_COST, PLANS, queryCost, type ThrottleStatus } from "./throttle";

export const INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)";

/**
 * Plain objects answer for their fields; a function-valued property is called with the field's
 * arguments (connections, filters). A non-null field the sandbox has no value for is named in the
 * error, so a missing piece of the sandbox is obvious rather than a vague null.
 */
const fieldResolver: GraphQLFieldResolver<unknown, Ctx> = (source, args, ctx, info) => {
  const v = (source as Record<string, unknown> | null)?.[info.fieldName];
  if (typeof v === "function") return (v as (a: unknown, c: Ctx, i: unknown) => unknown).call(source, args, ctx, info);
  if (v === undefined && isNonNullType(info.returnType)) {
    throw new GraphQLError(`The Shopify sandbox does not implement ${info.parentType.name}.${info.fieldName}.`, { extensions: { code: "SANDBOX_NOT_IMPLEMENTED" } });
  }
  return v ?? null;
};

/** graphql-js's wording → Shopify's, for the error a client meets most (an unknown field). */
function shopifyValidationError(e: GraphQLError): Record<string, unknown> {
  const m = /^Cannot query field "(\w+)" on type "(\w+)"\./.exec(e.message);
  const json = e.toJSON() as unknown as Record<string, unknown>;
  if (!m) return { ...json, extensions: { code: "GRAPHQL_VALIDATION_FAILED", ...(json.extensions as object) } };
  return { message: `Field '${m[1]}' doesn't exist on type '${m[2]}'`, locations: json.locations, extensions: { code: "undefinedField", typeName: m[2], fieldName: m[1] } };
}

function operationOf(doc: DocumentNode, name: string | undefined): OperationDefinitionNode | undefined {
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return name ? ops.find((o) => o.name?.value === name) : ops.length === 1 ? ops[0] : undefined;
}

export interface GraphqlEndpoint {
  api: Api;
  /** The resolvers: one object holding the query and mutation root fields. */
  root: Record<string, unknown>;
}

export function graphqlHandler(services: Services, endpoint: GraphqlEndpoint, buckets: Buckets) {
  const schema = schemaFor(endpoint.api);
  const plan = PLANS[endpoint.api];
  return async (req: Request, res: Response) => {
    const { store } = services;
    const shopDomain = String((req.params as Record<string, string>).shop);
    const shop = store.shop(shopDomain);
    if (!shop) return void res.status(404).json({ errors: "Not Found" });
    if (req.params.version !== API_VERSION) {
      return void res.status(404).json({ errors: `The sandbox serves API version ${API_VERSION} only; ${String(req.params.version)} was asked for.` });
    }
    const token = store.tokenFor(String(req.get("X-Shopify-Access-Token") ?? ""), shop.domain);
    const app = token && store.apps.get(token.clientId);
    if (!token || !app) return void res.status(401).json({ errors: INVALID_TOKEN });

    const body = (req.body ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
    if (typeof body.query !== "string" || body.query.trim() === "") {
      return void res.status(400).json({ errors: { query: "Required parameter missing or invalid" } });
    }
    const variables = (body.variables && typeof body.variables === "object" ? body.variables : {}) as Record<string, unknown>;
    const send = (payload: Record<string, unknown>, cost?: Record<string, unknown>) =>
      res.status(200).json(cost ? { ...payload, extensions: { cost } } : payload);

    let doc: DocumentNode;
    try {
      doc = parse(body.query);
    } catch (e) {
      return send({ errors: [{ ...(e as GraphQLError).toJSON(), extensions: { code: "PARSE_ERROR" } }] });
    }
    const invalid = validate(schema, doc);
    if (invalid.length) return send({ errors: invalid.map(shopifyValidationError) });
    const op = operationOf(doc, typeof body.operationName === "string" ? body.operationName : undefined);
    if (!op) return send({ errors: [{ message: "An operation name is required when the document holds several operations.", extensions: { code: "BAD_REQUEST" } }] });

    const frags: Record<string, FragmentDefinitionNode> = {};
    for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) frags[d.name.value] = d;
    const requested = queryCost(schema, op, frags, variables);
    const bucketKey = `${endpoint.api}:${app.clientId}:${shop.domain}`;
    if (requested > MAX_QUERY_COST) {
      const status: ThrottleStatus = buckets.refund(bucketKey, plan, 0, store.now());
      return send({
        errors: [{ message: `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).`, extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: MAX_QUERY_COST, documentation: "https://shopify.dev/api/usage/rate-limits" } }],
      }, { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: status });
    }
    const taken = buckets.take(bucketKey, plan, requested, store.now());
    if (!taken.ok) {
      return send({ errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }] },
        { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: taken.status });
    }

    const ctx: Ctx = { ...services, shop, app, token, variables };
    const result = await execute({
      schema, document: doc, rootValue: endpoint.root, contextValue: ctx, variableValues: variables,
      operationName: op.name?.value, fieldResolver,
      typeResolver: (value) => (value as { __typename?: string })?.__typename,
    });
    if (!("data" in result)) {
      // A request error (variables that do not fit their types): nothing ran and nothing is charged beyond the request.
      const errors = (result.errors ?? []).map((e) => ({ ...e.toJSON(), extensions: { code: "INVALID_VARIABLE", ...e.extensions } }));
      return send({ errors }, { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: buckets.refund(bucketKey, plan, requested, store.now()) });
    }
    for (const e of result.errors ?? []) {
      if (!e.extensions?.code) console.error(`[shopify-sandbox] ${e.message}`, e.originalError?.stack ?? "");
    }
    const actual = result.data ? Math.min(requested, queryCost(schema, op, frags, variables, result.data)) : requested;
    const status = buckets.refund(bucketKey, plan, requested - actual, store.now());
    const errors = result.errors?.map((e) => ({ ...e.toJSON(), extensions: { code: "INTERNAL_SERVER_ERROR", ...e.extensions } }));
    send({ ...(errors?.length ? { errors } : {}), data: result.data ?? null }, { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: status });
  };
}
