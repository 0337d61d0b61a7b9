// 3-D Secure, as Stripe's test cards drive it. Confirming with a card whose issuer asks for
// authentication leaves the intent requires_action with a next_action pointing at the
// sandbox's challenge page (Stripe's hooks.stripe.com page stands behind it in production):
// redirect_to_url when the caller gave a return_url, use_stripe_sdk otherwise. The page is a
// plain HTML form with "Complete" and "Fail"; completing authorizes the card (which may still
// decline: 4000008400001629), failing leaves the intent requires_payment_method with
// payment_intent_authentication_failure. Then the shopper's browser goes back to return_url
// with payment_intent, payment_intent_client_secret and redirect_status, as Stripe sends it.
import express, { type Request, type Response } from 'express';
import { type Account, type SandboxState, type StripeObject, snapshot } from './store';
import type { Ctx } from './context';
import type { WebhookDispatcher } from './webhooks';
import { authorizeCard } from './charges';
import { answerSetupChallenge } from './setup-intents';

const AUTHENTICATION_FAILED =
  'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.';

export const challengeUrl = (state: SandboxState, intentId: string) => `${state.publicUrl}/_sandbox/3ds/${encodeURIComponent(intentId)}`;

/** The issuer wants the shopper to authenticate before it answers: the intent waits for the challenge. */
export function requireAuthentication(ctx: Ctx, pi: StripeObject, pm: StripeObject, returnUrl: string | null): StripeObject {
  const url = challengeUrl(ctx.state, pi.id);
  Object.assign(pi, {
    last_payment_error: null,
    payment_method: pm.id,
    status: 'requires_action',
    next_action: returnUrl
      ? { type: 'redirect_to_url', redirect_to_url: { return_url: returnUrl, url } }
      : { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: url } },
  });
  ctx.hooks.emit(ctx.acct, 'payment_intent.requires_action', pi, { request: ctx.request });
  return pi;
}

/** The shopper's answer on the challenge page; returns Stripe's redirect_status for it. */
export function answerChallenge(ctx: Ctx, pi: StripeObject, outcome: 'complete' | 'fail'): 'succeeded' | 'failed' {
  const pm = ctx.acct.paymentMethods.get(String(pi.payment_method));
  const behaviour = pm && ctx.acct.cardBehaviour.get(pm.id);
  if (!pm || !behaviour) throw new Error(`sandbox bug: ${pi.id} awaits authentication without a card`);
  if (outcome === 'complete') {
    authorizeCard(ctx, pi, pm, behaviour, true);
    return pi.status === 'succeeded' || pi.status === 'requires_capture' ? 'succeeded' : 'failed';
  }
  Object.assign(pi, {
    last_payment_error: {
      code: 'payment_intent_authentication_failure',
      doc_url: 'https://stripe.com/docs/error-codes/payment-intent-authentication-failure',
      message: AUTHENTICATION_FAILED,
      payment_method: snapshot(pm),
      type: 'invalid_request_error',
    },
    next_action: null,
    payment_method: null,
    status: 'requires_payment_method',
  });
  ctx.hooks.emit(ctx.acct, 'payment_intent.payment_failed', pi, { request: ctx.request });
  return 'failed';
}

/** A payment intent, or a setup intent (saving a card) whose challenge is answered on the same page. */
function findIntent(state: SandboxState, id: string): { acct: Account; pi: StripeObject } | undefined {
  for (const acct of state.accounts.values()) {
    const pi = acct.paymentIntents.get(id) ?? acct.setupIntents.get(id);
    if (pi) return { acct, pi };
  }
  return undefined;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:420px;margin:48px auto;padding:0 16px;color:#1a1a1a}
button{font:inherit;font-size:16px;padding:10px 18px;margin-right:8px;border-radius:6px;border:1px solid #888;cursor:pointer}
.note{color:#616161;font-size:14px}</style></head><body>${body}</body></html>`;
}

function formatAmount(pi: StripeObject): string {
  const currency = String(pi.currency).toUpperCase();
  const digits = currency === 'JPY' ? 0 : 2;
  return `${(Number(pi.amount) / 10 ** digits).toFixed(digits)} ${currency}`;
}

/** Where the shopper's browser goes next: the return_url with Stripe's query parameters. */
function returnTo(pi: StripeObject, returnUrl: string, status: string): string | null {
  try {
    const url = new URL(returnUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    const kind = pi.object === 'setup_intent' ? 'setup_intent' : 'payment_intent';
    url.searchParams.set(kind, pi.id);
    url.searchParams.set(`${kind}_client_secret`, String(pi.client_secret));
    url.searchParams.set('redirect_status', status);
    return url.toString();
  } catch {
    return null;
  }
}

/** The challenge pages, mounted at /_sandbox/3ds (the shopper's browser opens them). */
export function threeDSecurePages(state: SandboxState, hooks: WebhookDispatcher): express.Router {
  const router = express.Router();
  router.use(express.urlencoded({ extended: false, limit: '4kb' }));
  const pending = (req: Request, res: Response) => {
    const found = findIntent(state, String(req.params.intentId));
    if (found?.pi.status === 'requires_action') return found;
    res.status(found ? 409 : 404).type('html').send(page('Nothing to authenticate',
      '<h1>Nothing to authenticate</h1><p>This payment is not waiting for authentication any more. Return to the shop.</p>'));
    return undefined;
  };

  router.get('/:intentId', (req, res) => {
    const found = pending(req, res);
    if (!found) return;
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(page('3D Secure test page', `
<h1>3D Secure test page</h1>
<p>Stripe sandbox: ${found.pi.object === 'setup_intent' ? 'authenticate saving this card for later payments' : `authenticate a payment of <strong>${escape(formatAmount(found.pi))}</strong>`}.</p>
<form method="post" action="/_sandbox/3ds/${encodeURIComponent(found.pi.id)}">
  <button type="submit" name="outcome" value="complete">Complete</button>
  <button type="submit" name="outcome" value="fail">Fail</button>
</form>
<p class="note">In live mode the card issuer shows its own page here.</p>`));
  });

  router.post('/:intentId', (req, res) => {
    const found = pending(req, res);
    if (!found) return;
    const outcome = (req.body as { outcome?: string } | undefined)?.outcome;
    if (outcome !== 'complete' && outcome !== 'fail') return void res.status(400).type('html').send(page('Choose an answer', '<p>Choose Complete or Fail.</p>'));
    const { acct, pi } = found;
    const next = pi.next_action as { redirect_to_url?: { return_url?: string | null } } | null;
    const returnUrl = next?.redirect_to_url?.return_url ?? null;
    const ctx = { state, hooks, acct, request: { id: null, idempotency_key: null } };
    const status = pi.object === 'setup_intent' ? answerSetupChallenge(ctx, pi, outcome) : answerChallenge(ctx, pi, outcome);
    const target = returnUrl && returnTo(pi, returnUrl, status);
    if (target) return void res.redirect(303, target);
    res.type('html').send(page('Authentication finished', `<h1>Authentication ${status === 'succeeded' ? 'complete' : 'failed'}</h1><p>You can close this window.</p>`));
  });
  return router;
}
