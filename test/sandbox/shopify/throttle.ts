// Cost-based throttling as Shopify documents it (shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits):
// each field costs by what it returns (scalar and enum 0, object 1, connection 2 + its page size times
// what one item costs, mutation 10), a request may cost at most 1000, and each app+shop pair draws on a
// leaky bucket. Standard plan numbers: restore 100 points/s into a bucket of 2000 (20 s of restore, the
// ratio Shopify has always kept); the Payments Apps API restores 910/s. When the bucket holds less than
// a request's cost, the request is refused with THROTTLED and nothing runs.
import {
  getNamedType, isCompositeType, isLeafType, isObjectType, isInterfaceType, Kind,
  type FieldNode, type FragmentDefinitionNode, type GraphQLCompositeType, type GraphQLObjectType, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode,
} from "graphql";

export const MAX_QUERY_COST = 1000;
const MUTATION_COST = 10;

export interface ThrottleStatus { maximumAvailable: number; currentlyAvailable: number; restoreRate: number }
export interface Plan { maximumAvailable: number; restoreRate: number }
export const PLANS: Record<"admin" | "payments", Plan> = {
  admin: { maximumAvailable: 2000, restoreRate: 100 },
  payments: { maximumAvailable: 18200, restoreRate: 910 },
};

/** One leaky bucket per app+shop (and API); `now` is the sandbox clock in ms. */
export class Buckets {
  private buckets = new Map<string, { available: number; at: number }>();

  private level(key: string, plan: Plan, now: number) {
    const b = this.buckets.get(key) ?? { available: plan.maximumAvailable, at: now };
    b.available = Math.min(plan.maximumAvailable, b.available + ((now - b.at) / 1000) * plan.restoreRate);
    b.at = now;
    this.buckets.set(key, b);
    return b;
  }

  /** Takes `cost` points if the bucket holds them; the status is what `extensions.cost` reports. */
  take(key: string, plan: Plan, cost: number, now: number): { ok: boolean; status: ThrottleStatus } {
    const b = this.level(key, plan, now);
    const ok = b.available >= cost;
    if (ok) b.available -= cost;
    return { ok, status: { maximumAvailable: plan.maximumAvailable, currentlyAvailable: Math.floor(b.available), restoreRate: plan.restoreRate } };
  }

  /** Gives back what a request was charged beyond its actual cost (Shopify refunds the difference). */
  refund(key: string, plan: Plan, points: number, now: number): ThrottleStatus {
    const b = this.level(key, plan, now);
    b.available = Math.min(plan.maximumAvailable, b.available + points);
    return { maximumAvailable: plan.maximumAvailable, currentlyAvailable: Math.floor(b.available), restoreRate: plan.restoreRate };
  }
}

type Fragments = Record<string, FragmentDefinitionNode>;
type Vars = Record<string, unknown>;

function pageSize(field: FieldNode, vars: Vars): number {
  for (const a of field.arguments ?? []) {
    if (a.name.value !== "first" && a.name.value !== "last") continue;
    if (a.value.kind === Kind.INT) return Number(a.value.value);
    if (a.value.kind === Kind.VARIABLE) return Number(vars[a.value.name.value] ?? 0);
  }
  return 0;
}

/**
 * Requested cost of a selection on `type`. With `data`, the actual cost: connections count the
 * items they returned and null objects cost nothing.
 */
function selectionCost(schema: GraphQLSchema, set: SelectionSetNode, type: GraphQLCompositeType, frags: Fragments, vars: Vars, data?: unknown): number {
  let total = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.INLINE_FRAGMENT || sel.kind === Kind.FRAGMENT_SPREAD) {
      const frag = sel.kind === Kind.INLINE_FRAGMENT ? sel : frags[sel.name.value];
      if (!frag) continue;
      const cond = frag.typeCondition ? schema.getType(frag.typeCondition.name.value) : type;
      if (cond && isCompositeType(cond)) total += selectionCost(schema, frag.selectionSet, cond, frags, vars, data);
      continue;
    }
    if (sel.name.value.startsWith("__") || !(isObjectType(type) || isInterfaceType(type))) continue;
    const def = type.getFields()[sel.name.value];
    if (!def) continue;
    const named = getNamedType(def.type);
    if (isLeafType(named) || !sel.selectionSet) continue;
    const value = data === undefined ? undefined : (data as Record<string, unknown> | null)?.[sel.alias?.value ?? sel.name.value];
    if (data !== undefined && (value === null || value === undefined)) continue;
    const items = Array.isArray(value) ? value : [value];
    if (named.name.endsWith("Connection") && isObjectType(named)) {
      const conn = value as { edges?: { node: unknown }[]; nodes?: unknown[] } | undefined;
      const n = data === undefined ? pageSize(sel, vars) : Math.max(conn?.edges?.length ?? 0, conn?.nodes?.length ?? 0);
      const item = data === undefined ? undefined : (conn?.nodes?.[0] ?? conn?.edges?.[0]?.node ?? null);
      total += 2 + n * (1 + itemCost(schema, sel.selectionSet, named, frags, vars, item));
    } else if (data !== undefined) {
      for (const item of items) total += 1 + selectionCost(schema, sel.selectionSet, named as GraphQLCompositeType, frags, vars, item);
    } else {
      total += 1 + selectionCost(schema, sel.selectionSet, named as GraphQLCompositeType, frags, vars);
    }
  }
  return total;
}

/**
 * What one item of a connection costs beyond its own 1: the fields asked of it through `nodes` or
 * `edges { node }` (the larger, when both are asked). `edges`, `node` and `pageInfo` cost nothing more.
 */
function itemCost(schema: GraphQLSchema, set: SelectionSetNode, conn: GraphQLObjectType, frags: Fragments, vars: Vars, item: unknown): number {
  const fields = conn.getFields();
  const nodeType = getNamedType(fields.nodes?.type ?? (getNamedType(fields.edges!.type) as GraphQLObjectType).getFields().node!.type);
  if (!isCompositeType(nodeType)) return 0;
  const asked = set.selections.flatMap((sel) => {
    if (sel.kind !== Kind.FIELD) return [];
    if (sel.name.value === "nodes") return [sel];
    if (sel.name.value === "edges") return sel.selectionSet?.selections.filter((x): x is FieldNode => x.kind === Kind.FIELD && x.name.value === "node") ?? [];
    return [];
  });
  return Math.max(0, ...asked.map((f) => (f.selectionSet ? selectionCost(schema, f.selectionSet, nodeType, frags, vars, item) : 0)));
}

export function queryCost(schema: GraphQLSchema, op: OperationDefinitionNode, frags: Fragments, vars: Vars, data?: unknown): number {
  const root = op.operation === "mutation" ? schema.getMutationType() : schema.getQueryType();
  if (!root) return 0;
  if (op.operation === "mutation") {
    return op.selectionSet.selections.filter((s) => s.kind === Kind.FIELD).length * MUTATION_COST;
  }
  return selectionCost(schema, op.selectionSet, root, frags, vars, data);
}
