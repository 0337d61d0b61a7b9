// Shared request/response plumbing for the REST routes: permissions, contract-checked JSON
// responses, and WordPress-style paging.
import type { Request, Response } from "express";
import type { Resource } from "./contract";
import { invalidParams, WpError } from "./errors";
import { phpJson } from "./format";
import type { ApiKey } from "./state";
import { validateResponse } from "./validate";

type Action = "list" | "view" | "create" | "edit" | "delete";
const DENIED: Record<Action, [string, string]> = {
  list: ["woocommerce_rest_cannot_view", "Sorry, you cannot list resources."],
  view: ["woocommerce_rest_cannot_view", "Sorry, you cannot view this resource."],
  create: ["woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."],
  edit: ["woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."],
  delete: ["woocommerce_rest_cannot_delete", "Sorry, you are not allowed to delete this resource."],
};

/** Anonymous requests reach the controller and fail its permission check (401 = rest_authorization_required_code). */
export function need(res: Response, action: Action): ApiKey {
  const key = res.locals.key as ApiKey | null | undefined;
  if (!key) {
    const [code, message] = DENIED[action];
    throw new WpError(401, code, message);
  }
  return key;
}

/** A response that breaks the contract is a sandbox bug: 500, logged, never sent as if valid. */
export class ContractViolation extends WpError {
  constructor(resource: Resource, errors: string[]) {
    super(500, "sandbox_contract_violation", `Sandbox ${resource} response breaks the WooCommerce contract: ${errors.join("; ")}`);
  }
}

export function sendJson(res: Response, status: number, body: unknown): void {
  res.status(status).type("application/json; charset=UTF-8").send(phpJson(body));
}

export function send(res: Response, resource: Resource, body: Record<string, unknown> | Record<string, unknown>[], status = 200): void {
  for (const obj of Array.isArray(body) ? body : [body]) {
    const v = validateResponse(resource, obj);
    if (!v.ok) {
      console.error(`[woo-sandbox] contract violation (${resource} ${String(obj.id)}):`, v.errors);
      throw new ContractViolation(resource, v.errors);
    }
  }
  sendJson(res, status, body);
}

export function intParam(req: Request, name: string, def: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = req.query[name];
  if (raw === undefined) return def;
  const n = typeof raw === "string" && /^-?\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n)) throw invalidParams({ [name]: `${name} is not of type integer.` });
  if (n < min || n > max) {
    throw invalidParams({ [name]: max === Number.MAX_SAFE_INTEGER ? `${name} must be greater than or equal to ${min}` : `${name} must be between ${min} (inclusive) and ${max} (inclusive)` });
  }
  return n;
}

/** Comma-separated or repeated (`a[]=x`) list parameter, as rest_sanitize_array does. */
export function listParam(req: Request, name: string): string[] | undefined {
  const raw = req.query[name];
  if (raw === undefined) return undefined;
  const arr = Array.isArray(raw) ? raw : [raw];
  return arr.flatMap((v) => String(v).split(",")).map((s) => s.trim()).filter(Boolean);
}

export function dateParam(req: Request, name: string): number | undefined {
  const raw = req.query[name];
  if (raw === undefined) return undefined;
  // rest_parse_date(): ISO 8601; without an offset the site timezone (UTC here) applies.
  const s = String(raw);
  const ms = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(s) ? s : `${s}Z`);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(s) || Number.isNaN(ms)) throw invalidParams({ [name]: "Invalid date." });
  return ms;
}

interface Sortable { id: number; created: number }

/**
 * page / per_page (1..100, default 10) / offset / order / orderby, with X-WP-Total,
 * X-WP-TotalPages and an RFC 5988 Link header. Past the last page the list is empty.
 */
export function paginate<T extends Sortable>(req: Request, res: Response, all: T[], routeUrl: string): T[] {
  const perPage = intParam(req, "per_page", 10, 1, 100);
  const page = intParam(req, "page", 1, 1);
  const offset = req.query.offset === undefined ? undefined : intParam(req, "offset", 0, 0);
  const order = String(req.query.order ?? "desc");
  if (order !== "asc" && order !== "desc") throw invalidParams({ order: "order is not one of asc, desc." });
  const orderby = String(req.query.orderby ?? "date");
  const key = orderby === "id" ? (x: T) => x.id : (x: T) => x.created * 1e6 + x.id;
  const sorted = [...all].sort((a, b) => (order === "asc" ? key(a) - key(b) : key(b) - key(a)));
  const start = offset ?? (page - 1) * perPage;
  const total = sorted.length;
  const pages = Math.ceil(total / perPage);
  res.setHeader("X-WP-Total", String(total));
  res.setHeader("X-WP-TotalPages", String(pages));
  // Links keep the caller's filters; signing parameters are per request and are left out.
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query)) {
    if (k === "page" || k.startsWith("oauth_") || k === "consumer_key" || k === "consumer_secret") continue;
    for (const x of Array.isArray(v) ? v : [v]) q.append(k, String(x));
  }
  const link = (p: number, rel: string) => { const u = new URLSearchParams(q); u.set("page", String(p)); return `<${routeUrl}?${u}>; rel="${rel}"`; };
  const links: string[] = [];
  if (page > 1) links.push(link(Math.min(page - 1, Math.max(pages, 1)), "prev"));
  if (page < pages) links.push(link(page + 1, "next"));
  if (links.length) res.setHeader("Link", links.join(", "));
  return sorted.slice(start, start + perPage);
}
