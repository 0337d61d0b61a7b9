// Separate authorization and capture (capture_method=manual). An authorized intent waits in
// requires_capture; capture takes all or part of amount_capturable (the rest is released) and
// only then does the charge get its balance transaction. Cancel releases the hold from any state
// before success. Left uncaptured for 7 days (sandbox clock), the authorization expires:
// charge.expired, then the intent is canceled with cancellation_reason "automatic".
import { type Account, type StripeObject, snapshot } from './store';
import type { Ctx } from './context';
import type { WebhookDispatcher } from './webhooks';
import { threeDecimalProblem } from './fees';
import { invalidRequest } from './errors';
import { disputeIfTheCardDoes, releaseAuthorization, takeFunds } from './charges';

type Params = Record<string, unknown>;

/** Online card authorizations are held for 7 days (docs "place a hold on a payment method"). */
export const AUTHORIZATION_DAYS = 7;
const CANCELABLE = ['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action', 'processing'];

export function capturePaymentIntent(ctx: Ctx, pi: StripeObject, p: Params): StripeObject {
  if (pi.status !== 'requires_capture') {
    throw invalidRequest(
      `This PaymentIntent could not be captured because it has a status of ${String(pi.status)}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`,
      { code: 'payment_intent_unexpected_state', payment_intent: snapshot(pi) },
    );
  }
  const capturable = Number(pi.amount_capturable);
  const amount = p.amount_to_capture === undefined ? capturable : Number(p.amount_to_capture);
  if (amount <= 0) throw invalidRequest('Invalid positive integer', { param: 'amount_to_capture' });
  const notInTens = threeDecimalProblem(amount, String(pi.currency));
  if (notInTens) throw invalidRequest(notInTens, { param: 'amount_to_capture' });
  if (amount > capturable) {
    throw invalidRequest(
      `The amount_to_capture (${amount}) cannot be greater than the amount_capturable (${capturable}) of this PaymentIntent.`,
      { code: 'amount_too_large', param: 'amount_to_capture' },
    );
  }
  const charge = ctx.acct.charges.get(String(pi.latest_charge));
  if (!charge) throw new Error(`sandbox bug: ${pi.id} is requires_capture without a charge`);
  if (p.metadata && typeof p.metadata === 'object') pi.metadata = { ...(pi.metadata as object), ...(p.metadata as object) };
  const txn = takeFunds(ctx, pi, charge, amount);
  ctx.hooks.emit(ctx.acct, 'charge.captured', charge, { request: ctx.request });
  ctx.hooks.emit(ctx.acct, 'payment_intent.succeeded', pi, { request: ctx.request });
  disputeIfTheCardDoes(ctx, ctx.acct.cardBehaviour.get(String(charge.payment_method)), charge, txn);
  return pi;
}

export function cancelPaymentIntent(ctx: Ctx, pi: StripeObject, p: Params): StripeObject {
  if (!CANCELABLE.includes(String(pi.status))) {
    throw invalidRequest(
      `You cannot cancel this PaymentIntent because it has a status of ${String(pi.status)}. Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(', ')}.`,
      { code: 'payment_intent_unexpected_state', payment_intent: snapshot(pi) },
    );
  }
  cancel(ctx.acct, ctx.hooks, pi, typeof p.cancellation_reason === 'string' ? p.cancellation_reason : null, ctx.state.now(), ctx);
  return pi;
}

function cancel(acct: Account, hooks: WebhookDispatcher, pi: StripeObject, reason: string | null, now: number, ctx?: Ctx) {
  releaseAuthorization({ acct }, pi);
  Object.assign(pi, { amount_capturable: 0, canceled_at: now, cancellation_reason: reason, next_action: null, status: 'canceled' });
  hooks.emit(acct, 'payment_intent.canceled', pi, ctx ? { request: ctx.request } : {});
}

/** Called on clock advance: authorizations older than 7 days are released. */
export function expireAuthorizations(acct: Account, hooks: WebhookDispatcher, now: number): void {
  for (const pi of acct.paymentIntents.values()) {
    if (pi.status !== 'requires_capture') continue;
    const charge = acct.charges.get(String(pi.latest_charge));
    if (!charge || Number(charge.created) + AUTHORIZATION_DAYS * 86_400 > now) continue;
    releaseAuthorization({ acct }, pi);
    hooks.emit(acct, 'charge.expired', charge);
    cancel(acct, hooks, pi, 'automatic', now);
  }
}
