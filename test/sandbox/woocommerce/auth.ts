// WooCommerce REST authentication (WC_REST_Authentication), one key store per site.
// - Over HTTP: OAuth 1.0a one-legged. Base string = METHOD & enc(site URL + path) & enc(sorted,
//   RFC 3986-encoded query (+ form body) params incl. oauth_* but not oauth_signature); key =
//   consumer_secret + "&"; HMAC-SHA1 or HMAC-SHA256. The JSON body is not signed.
// - Over HTTPS: HTTP Basic or consumer_key/consumer_secret query params. WordPress decides "HTTPS"
//   with is_ssl(); sites behind a TLS proxy commonly map X-Forwarded-Proto: https to it in
//   wp-config.php, so the sandbox does the same. Plain-HTTP Basic is ignored, as WooCommerce
//   ignores it, and the request then fails as unauthenticated (woocommerce_rest_cannot_view).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Request } from "express";
import { WpError } from "./errors";
import type { ApiKey, Store } from "./state";

const FIFTEEN_MIN = 15 * 60;

export function createKey(store: Store, permissions: ApiKey["permissions"] = "read_write"): ApiKey {
  const key: ApiKey = {
    keyId: store.nextKeyId(),
    consumerKey: `ck_${randomBytes(20).toString("hex")}`,
    consumerSecret: `cs_${randomBytes(20).toString("hex")}`,
    permissions,
    nonces: new Map(),
  };
  store.keys.set(key.consumerKey, key);
  return key;
}

const authError = (message: string) => new WpError(401, "woocommerce_rest_authentication_error", message);

/** rawurlencode(): RFC 3986, which encodeURIComponent nearly is. */
const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
/** PHP's $_GET decoding: "+" is a space. */
const dec = (s: string) => {
  try { return decodeURIComponent(s.replace(/\+/g, " ")); } catch { return s; }
};

function rawPairs(req: Request): [string, string][] {
  const q = req.originalUrl.split("?")[1] ?? "";
  const pairs: [string, string][] = q
    .split("&")
    .filter(Boolean)
    .map((p) => { const i = p.indexOf("="); return i < 0 ? [dec(p), ""] : [dec(p.slice(0, i)), dec(p.slice(i + 1))]; });
  // $_POST joins the signed parameters for form bodies (array_merge($_GET, $_POST)).
  if (req.is("application/x-www-form-urlencoded") && req.body && typeof req.body === "object") {
    for (const [k, v] of Object.entries(req.body as Record<string, unknown>)) if (typeof v === "string") pairs.push([k, v]);
  }
  return pairs;
}

function oauthHeader(req: Request): Record<string, string> {
  const h = req.get("authorization") ?? "";
  if (!/^OAuth\s/i.test(h)) return {};
  const out: Record<string, string> = {};
  for (const m of h.slice(6).matchAll(/([a-z_]+)="([^"]*)"/gi)) out[m[1] as string] = dec(m[2] as string);
  return out;
}

function isHttps(req: Request): boolean {
  return req.protocol === "https" || req.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
}

function checkPermission(key: ApiKey, method: string): void {
  const read = method === "GET" || method === "HEAD" || method === "OPTIONS";
  if (read && key.permissions === "write") throw authError("The API key provided does not have read permissions.");
  if (!read && key.permissions === "read") throw authError("The API key provided does not have write permissions.");
}

function basic(store: Store, req: Request): ApiKey | null {
  let ck: string | undefined, cs: string | undefined;
  const h = req.get("authorization") ?? "";
  if (/^Basic\s/i.test(h)) {
    const raw = Buffer.from(h.slice(6).trim(), "base64").toString("utf8");
    const i = raw.indexOf(":");
    ck = raw.slice(0, i); cs = raw.slice(i + 1);
  } else {
    const q = new URLSearchParams(req.originalUrl.split("?")[1] ?? "");
    ck = q.get("consumer_key") ?? undefined; cs = q.get("consumer_secret") ?? undefined;
  }
  if (!ck || !cs) return null; // not this method; try OAuth
  const key = store.keys.get(ck);
  if (!key) throw authError("Consumer key is invalid.");
  const a = Buffer.from(key.consumerSecret), b = Buffer.from(cs);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw authError("Consumer secret is invalid.");
  return key;
}

function oauth(store: Store, req: Request, siteUrl: string): ApiKey | null {
  const pairs = rawPairs(req);
  const header = oauthHeader(req);
  const params: Record<string, string> = {};
  for (const [k, v] of pairs) params[k] = v;
  Object.assign(params, header);
  if (!params.oauth_consumer_key) return null; // no OAuth attempted: request is anonymous
  for (const p of ["oauth_consumer_key", "oauth_timestamp", "oauth_nonce", "oauth_signature", "oauth_signature_method"]) {
    if (!params[p]) throw new WpError(401, "woocommerce_rest_authentication_missing_parameter", `Missing OAuth parameter ${p}`);
  }
  const key = store.keys.get(params.oauth_consumer_key);
  if (!key) throw authError("Consumer key is invalid.");
  const method = params.oauth_signature_method;
  if (method !== "HMAC-SHA1" && method !== "HMAC-SHA256") throw authError("Invalid signature - signature method is invalid.");

  const signed = Object.entries(params)
    .filter(([k]) => k !== "oauth_signature")
    .map(([k, v]) => [enc(k), enc(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  // WooCommerce signs against the site's home URL plus the request path, not the Host header.
  const path = req.originalUrl.split("?")[0] as string;
  const base = `${req.method.toUpperCase()}&${enc(siteUrl.replace(/\/$/, "") + path)}&${enc(signed)}`;
  const expected = createHmac(method === "HMAC-SHA1" ? "sha1" : "sha256", `${key.consumerSecret}&`).update(base).digest("base64");
  const a = Buffer.from(expected), b = Buffer.from(params.oauth_signature as string);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw authError("Invalid signature - provided signature does not match.");

  // check_oauth_timestamp_and_nonce(): only a too-old timestamp is refused, as in WooCommerce.
  const ts = Number(params.oauth_timestamp);
  const now = Math.floor(Date.now() / 1000);
  if (!Number.isFinite(ts) || ts < now - FIFTEEN_MIN) throw authError("Invalid timestamp.");
  for (const [n, t] of key.nonces) if (t < now - FIFTEEN_MIN) key.nonces.delete(n);
  const nonce = params.oauth_nonce as string;
  if (key.nonces.has(nonce)) throw authError("Invalid nonce - nonce has already been used.");
  key.nonces.set(nonce, ts);
  return key;
}

/** Returns the key, null for an anonymous request, or throws a 401 WpError. */
export function authenticate(store: Store, req: Request, siteUrl: string): ApiKey | null {
  const key = isHttps(req) ? basic(store, req) ?? oauth(store, req, siteUrl) : oauth(store, req, siteUrl);
  if (key) checkPermission(key, req.method);
  return key;
}
