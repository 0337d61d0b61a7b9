// Shopify's own schemas, as published for 2026-07: the Admin API (gzipped introspection) and the
// Payments Apps API. Every operation the sandbox answers is parsed and validated against these, so
// a field or argument Shopify does not have is refused here as it would be there.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

export const API_VERSION = "2026-07";
const CONTRACTS = fileURLToPath(new URL("../../../../shared/contracts/shopify/", import.meta.url));

export type Api = "admin" | "payments";

const FILES: Record<Api, string> = {
  admin: `admin-graphql/admin_${API_VERSION}.introspection.json.gz`,
  payments: `payments-apps-graphql/payments-apps_${API_VERSION}.introspection.json`,
};

const cache = new Map<Api, GraphQLSchema>();

export function schemaFor(api: Api): GraphQLSchema {
  let s = cache.get(api);
  if (!s) {
    const raw = readFileSync(CONTRACTS + FILES[api]);
    const json = JSON.parse((FILES[api].endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8")) as { data: IntrospectionQuery };
    // assumeValid: graphql-js 17 rejects Shopify's schema as a schema (some implementations deprecate a
    // field their interface does not), which says nothing about the documents validated against it.
    s = buildClientSchema(json.data, { assumeValid: true });
    cache.set(api, s);
  }
  return s;
}
