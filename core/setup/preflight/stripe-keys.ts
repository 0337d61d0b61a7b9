import { ok, problem, skipped, type PreflightCheck } from './check';

/** test | live from a key's prefix (sk_test_, rk_live_, pk_test_…); undefined when it is no Stripe key. */
export function keyMode(prefix: string | undefined): 'test' | 'live' | undefined {
  const match = /^(sk|rk|pk)_(test|live)_/.exec(prefix ?? '');
  return match ? (match[2] as 'test' | 'live') : undefined;
}

/**
 * No test key in live mode (shoppers' cards would never be charged, orders marked paid for nothing)
 * and no live key in test mode (the dry run would charge real cards). The account Stripe reaches
 * must be in the same mode as the keys, and the publishable key the same mode as the secret one.
 */
export const stripeKeysCheck: PreflightCheck = {
  id: 'stripe_keys',
  title: 'Stripe keys match the mode',
  async run({ facts, mode, choices }) {
    if (!choices.connect.stripe) return skipped('Stripe is not part of this setup.');
    const stripe = await facts.stripe();
    if (!stripe) return problem('Stripe is not connected yet.', 'Go back to "Connect" and connect your Stripe account.');
    const where = mode === 'live' ? 'Stripe Dashboard → Developers → API keys, with "Test mode" switched off' : 'Stripe Dashboard → Developers → API keys, with "Test mode" switched on';
    const wanted = mode === 'live' ? 'live' : 'test';
    if (stripe.via === 'keys') {
      const secret = keyMode(stripe.secretKeyPrefix);
      if (!secret) return problem('The Stripe secret key Settle holds is not a Stripe secret key (sk_… or rk_…).', `Enter your ${wanted} secret key from ${where}.`);
      if (secret !== wanted) {
        return mode === 'live'
          ? problem(`Settle is about to take real payments, but your Stripe secret key is a test key (${stripe.secretKeyPrefix}…): no shopper would be charged.`, `Enter your live secret key (sk_live_…) from ${where}.`)
          : problem(`Settle is in test mode, but your Stripe secret key is a live key (${stripe.secretKeyPrefix}…): test orders would charge real cards.`, `Enter your test secret key (sk_test_…) from ${where}; live keys are entered when you go live.`);
      }
      if (keyMode(stripe.publishableKeyPrefix) !== secret) {
        return problem(`Your Stripe publishable key (${stripe.publishableKeyPrefix}…) is not from the same mode as the secret key (${stripe.secretKeyPrefix}…): the payment page would not work.`, `Enter both keys from the same page: ${where}.`);
      }
    }
    if (stripe.livemode !== null && stripe.livemode !== (wanted === 'live')) {
      return problem(
        `The Stripe account Settle reaches is in ${stripe.livemode ? 'live' : 'test'} mode, but Settle is set up for ${wanted} payments.`,
        stripe.via === 'connect' ? `Connect Stripe again in ${wanted} mode.` : `Enter the ${wanted} keys of your account from ${where}.`,
      );
    }
    return ok(`${wanted === 'live' ? 'Live' : 'Test'} ${stripe.via === 'connect' ? 'Stripe Connect access' : 'keys'}.`);
  },
};
