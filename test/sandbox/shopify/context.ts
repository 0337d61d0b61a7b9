// What every resolver is given: the shop and the app calling (from its access token), the store,
// and the sandbox's services (webhook delivery, payments apps). Also the helpers resolvers share:
// scope checks, top-level errors in Shopify's shape, and the @idempotent directive.
import { createHash } from "node:crypto";
import { GraphQLError, valueFromASTUntyped, type GraphQLResolveInfo } from "graphql";
import type { AccessToken, AppRegistration, Shop, Store } from "./store";
import type { Webhooks } from "./webhooks";

export interface Services {
  store: Store;
  hooks: Webhooks;
  /** Absolute URL of this sandbox, e.g. http://127.0.0.1:5123 (no trailing slash). */
  baseUrl(): string;
}

export interface Ctx extends Services {
  shop: Shop;
  app: AppRegistration;
  token: AccessToken;
  variables: Record<string, unknown>;
}

/** Shopify's top-level error for a field the token's scopes do not cover. */
export function need(ctx: Ctx, scope: string, field: string): void {
  const [verb, what] = scope.split("_", 2) as [string, string];
  const ok = ctx.token.scopes.includes(scope) || (verb === "read" && ctx.token.scopes.includes(`write_${what}`));
  if (!ok) {
    throw new GraphQLError(`Access denied for ${field} field. Required access: \`${scope}\` access scope.`, {
      extensions: { code: "ACCESS_DENIED", documentation: "https://shopify.dev/api/usage/access-scopes", requiredAccess: `\`${scope}\` access scope.` },
    });
  }
}

const replays = new WeakMap<Shop, Map<string, { hash: string; result: unknown }>>();

/**
 * Runs a mutation once per `@idempotent(key:)`: the same key with the same arguments answers what
 * the first call answered; with other arguments it is refused. `required` mutations (inventory
 * changes, since 2026-04) fail without a key.
 */
export function idempotent<T>(ctx: Ctx, info: GraphQLResolveInfo, args: unknown, required: boolean, run: () => T, mismatch: () => T): T {
  const dir = info.fieldNodes[0]?.directives?.find((d) => d.name.value === "idempotent");
  const arg = dir?.arguments?.find((a) => a.name.value === "key");
  const key = arg ? valueFromASTUntyped(arg.value, ctx.variables) : undefined;
  if (key === undefined || key === null || key === "") {
    if (required) {
      throw new GraphQLError(`The @idempotent directive is required for the ${info.fieldName} mutation: give it a key that identifies this change.`, {
        extensions: { code: "BAD_REQUEST" },
      });
    }
    return run();
  }
  const map = replays.get(ctx.shop) ?? new Map<string, { hash: string; result: unknown }>();
  replays.set(ctx.shop, map);
  const id = `${ctx.app.clientId}:${info.fieldName}:${String(key)}`;
  const hash = createHash("sha256").update(JSON.stringify(args)).digest("hex");
  const seen = map.get(id);
  if (seen) return seen.hash === hash ? (seen.result as T) : mismatch();
  const result = run();
  map.set(id, { hash, result });
  return result;
}

export const userError = (field: string[] | null, message: string, code?: string) => ({ field, message, ...(code ? { code } : {}) });
