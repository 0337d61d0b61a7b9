// App Bridge session tokens: JWTs (HS256, signed with the app's client secret) that Shopify admin
// hands to an embedded app's page. The sandbox issues them as App Bridge would and verifies them
// where Shopify does (token exchange): signature, audience, destination, issuer and lifetime.
// Times are the wall clock, not the sandbox clock: the app checks them against its own clock.
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import type { AppRegistration } from "./store";

export interface SessionTokenClaims {
  iss: string; dest: string; aud: string; sub: string; exp: number; nbf: number; iat: number; jti: string; sid: string; sig?: string;
}

const b64url = (s: string | Buffer) => Buffer.from(s).toString("base64url");
const LIFETIME_S = 60;
/** Shopify tolerates a few seconds of clock difference between its servers and the app's. */
const LEEWAY_S = 5;

function sign(payload: object, secret: string): string {
  const head = `${b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${b64url(JSON.stringify(payload))}`;
  return `${head}.${createHmac("sha256", secret).update(head).digest("base64url")}`;
}

/** What App Bridge's `shopify.idToken()` returns for `userId` in `shop`'s admin. */
export function issueSessionToken(app: AppRegistration, shop: string, userId: string, overrides: Partial<SessionTokenClaims> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const claims: SessionTokenClaims = {
    iss: `https://${shop}/admin`, dest: `https://${shop}`, aud: app.clientId, sub: userId,
    exp: now + LIFETIME_S, nbf: now, iat: now, jti: randomUUID(), sid: randomUUID(), ...overrides,
  };
  return sign(claims, app.clientSecret);
}

/** The claims of a session token `app` can trust for `shop`, or the reason it cannot. */
export function verifySessionToken(app: AppRegistration, shop: string, token: string): { ok: true; claims: SessionTokenClaims } | { ok: false; reason: string } {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "not a JWT" };
  const [h, p, s] = parts as [string, string, string];
  let header: { alg?: string };
  let claims: SessionTokenClaims;
  try {
    header = JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as { alg?: string };
    claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as SessionTokenClaims;
  } catch {
    return { ok: false, reason: "not a JWT" };
  }
  if (header.alg !== "HS256") return { ok: false, reason: "algorithm is not HS256" };
  const expected = createHmac("sha256", app.clientSecret).update(`${h}.${p}`).digest();
  const given = Buffer.from(s, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "signature does not verify" };
  const now = Math.floor(Date.now() / 1000);
  if (claims.aud !== app.clientId) return { ok: false, reason: "aud is not this app" };
  if (claims.dest !== `https://${shop}`) return { ok: false, reason: "dest is not this shop" };
  if (claims.iss !== `https://${shop}/admin`) return { ok: false, reason: "iss is not this shop's admin" };
  if (typeof claims.exp !== "number" || claims.exp + LEEWAY_S < now) return { ok: false, reason: "expired" };
  if (typeof claims.nbf !== "number" || claims.nbf - LEEWAY_S > now) return { ok: false, reason: "not valid yet" };
  if (typeof claims.sub !== "string" || claims.sub === "") return { ok: false, reason: "no sub (user)" };
  return { ok: true, claims };
}
