// The request pipeline every /v1 route goes through, in Stripe's order: authenticate,
// decode + check parameters against the spec, idempotency (POST), run, expand, validate
// the response against the spec, remember it for idempotent replays, send.
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { type Account, type SandboxState, newId, snapshot } from './store';
import { StripeApiError } from './errors';
import { parseParams } from './params';
import { requestSchema, validateStripeResponse } from './spec';
import { applyExpand } from './expand';
import { actingAccount } from './connect';
import type { RequestInfo, WebhookDispatcher } from './webhooks';
import { delayed, dropConnection, internalError, sendThrottled, strike } from './faults';

export type KeyKind = 'secret' | 'publishable';

export interface RouteCtx {
  state: SandboxState;
  hooks: WebhookDispatcher;
  acct: Account;
  keyKind: KeyKind;
  request: RequestInfo;
  path: Record<string, string>;
}

export interface RouteDef {
  method: 'GET' | 'POST' | 'DELETE';
  path: string; // express path, e.g. /v1/payment_intents/:intent
  spec: string; // spec path template, e.g. /v1/payment_intents/{intent}
  /** Publishable keys may call it (the handler then checks client_secret where needed). */
  publishable?: boolean;
  handler: (ctx: RouteCtx, params: Record<string, unknown>) => Record<string, unknown>;
}

const IDEMPOTENCY_TTL = 24 * 3600;

function apiKey(req: Request): string | null {
  const h = req.header('authorization');
  if (!h) return null;
  const bearer = /^Bearer\s+(\S+)$/i.exec(h);
  if (bearer) return bearer[1] ?? null;
  const basic = /^Basic\s+(\S+)$/i.exec(h); // curl -u sk_test_...: also accepted by Stripe
  if (basic) return Buffer.from(basic[1] ?? '', 'base64').toString('utf8').split(':')[0] ?? null;
  return null;
}

function authenticate(state: SandboxState, req: Request, route: RouteDef): { acct: Account; keyKind: KeyKind } {
  const key = apiKey(req);
  if (!key)
    throw new StripeApiError(401, 'invalid_request_error',
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').");
  const acct = state.accountForKey(key);
  if (!acct)
    throw new StripeApiError(401, 'invalid_request_error', `Invalid API Key provided: ${key.slice(0, 8)}${'*'.repeat(8)}${key.slice(-4)}`);
  const keyKind: KeyKind = key === acct.publishableKey ? 'publishable' : 'secret';
  // A publishable key on a secret-only endpoint: Stripe answers 403 (the SDKs raise
  // PermissionError for it today; very old API versions used 401). Its type stays
  // invalid_request_error.
  if (keyKind === 'publishable' && !route.publishable)
    throw new StripeApiError(403, 'invalid_request_error',
      'This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.');
  return { acct: actingAccount(state, acct, key, req.header('stripe-account'), route.method), keyKind };
}

/** Canonical form of the parameters, so key order does not change the fingerprint. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

function send(res: Response, requestId: string, status: number, body: unknown, replayed = false) {
  const check = validateStripeResponse(body);
  if (!check.ok) {
    // The sandbox built something Stripe would never return: a sandbox bug, made loud.
    console.error(`[stripe-sandbox] response failed the spec (${requestId})`, JSON.stringify(check.errors.slice(0, 20), null, 2));
    status = 500;
    body = new StripeApiError(500, 'api_error', `Stripe sandbox bug: response does not match the spec (${requestId}); see the sandbox log.`).body();
    res.setHeader('Stripe-Should-Retry', 'false');
  }
  res.setHeader('Request-Id', requestId);
  if (replayed) res.setHeader('Idempotent-Replayed', 'true');
  // A 500 that Stripe saved under the idempotency key would only be replayed: Stripe tells the SDK
  // not to retry it (stripe-node's _shouldRetry comment).
  if (status === 500 && !res.hasHeader('Stripe-Should-Retry')) res.setHeader('Stripe-Should-Retry', 'false');
  res.status(status).json(body);
}

export function runRoute(state: SandboxState, hooks: WebhookDispatcher, route: RouteDef) {
  return (req: Request, res: Response) => {
    const requestId = newId('req', 14);
    try {
      const { acct, keyKind } = authenticate(state, req, route);
      const raw = route.method === 'POST'
        ? (typeof req.body === 'string' ? req.body : '')
        : req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '';
      const idemKey = route.method === 'POST' ? req.header('idempotency-key') ?? null : null;
      const prior = idemKey ? acct.idempotency.get(idemKey) : undefined;
      const isReplay = prior !== undefined && state.now() - prior.createdAt < IDEMPOTENCY_TTL;
      const fault = strike(state, req.method, req.path, isReplay);
      // Before the work (and before the parameters are read): the limiter, an outage in front of the
      // API, a cut connection. Nothing is applied or saved under the key, so a retry runs afresh.
      if (fault?.fault === 'throttle_429') return delayed(state, () => sendThrottled(res, requestId));
      if (fault && !fault.afterApply) {
        if (fault.fault === 'drop_connection') return dropConnection(req);
        // A transient 500 in front of the API: retrying is worth it (no Stripe-Should-Retry: false).
        res.setHeader('Stripe-Should-Retry', 'true');
        return delayed(state, () => send(res, requestId, 500, internalError().body()));
      }
      const params = parseParams(raw, requestSchema(route.method, route.spec));
      let fingerprint = '';
      if (idemKey) {
        fingerprint = createHash('sha256')
          .update(JSON.stringify([route.method, req.path, keyKind, canonical(params)]))
          .digest('hex');
        if (prior && isReplay) {
          if (prior.fingerprint !== fingerprint)
            throw new StripeApiError(400, 'idempotency_error',
              `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idemKey}' if you meant to execute a different request.`);
          return delayed(state, () => send(res, requestId, prior.status, snapshot(prior.body), true));
        }
      }
      const ctx: RouteCtx = {
        state, hooks, acct, keyKind,
        request: { id: requestId, idempotency_key: idemKey },
        path: req.params as Record<string, string>,
      };
      let status = 200;
      let body: unknown;
      try {
        const out = snapshot(route.handler(ctx, params));
        applyExpand(acct, out, params.expand);
        body = out;
      } catch (e) {
        if (!(e instanceof StripeApiError)) throw e;
        status = e.status;
        body = e.body();
      }
      // After the work: the answer is lost. A 500 replaces the result and is what the key replays
      // (Stripe saves "the first request's status and body", 500s included).
      if (fault?.fault === 'fail_with_500') {
        status = 500;
        body = internalError().body();
      }
      // Stripe saves the result once the endpoint started executing, errors included.
      if (idemKey) acct.idempotency.set(idemKey, { fingerprint, status, body: snapshot(body), createdAt: state.now() });
      if (fault?.fault === 'drop_connection') return dropConnection(req);
      return delayed(state, () => send(res, requestId, status, body));
    } catch (e) {
      if (e instanceof StripeApiError) return send(res, requestId, e.status, e.body());
      console.error('[stripe-sandbox] internal error', e);
      res.setHeader('Stripe-Should-Retry', 'false');
      return send(res, requestId, 500, new StripeApiError(500, 'api_error', `Stripe sandbox internal error: ${e instanceof Error ? e.message : String(e)}`).body());
    }
  };
}
