import type { CheckContext, CheckOutcome, PreflightCheck, PreflightRun } from './check';
import { stripeKeysCheck } from './stripe-keys';
import { stripeWebhooksCheck } from './stripe-webhooks';
import { storeWebhooksCheck } from './store-webhooks';
import { booksAccountsCheck } from './books-accounts';
import { currenciesCheck } from './currencies';
import { storeCurrencyCheck } from './store-currency';

/** In the order the wizard lists them: keys first, since the others read Stripe with them. */
export const PREFLIGHT_CHECKS: PreflightCheck[] = [stripeKeysCheck, stripeWebhooksCheck, storeWebhooksCheck, booksAccountsCheck, currenciesCheck, storeCurrencyCheck];

/**
 * Runs every check, side by side (each reads a different platform). A check that cannot finish
 * (a platform down) is a problem too: the merchant is not told all is well when it was not seen.
 */
export async function runPreflight(context: CheckContext, now = new Date()): Promise<PreflightRun> {
  const results = await Promise.all(PREFLIGHT_CHECKS.map(async (check) => ({ id: check.id, title: check.title, outcome: await outcomeOf(check, context) })));
  return { mode: context.mode, ranAt: now.toISOString(), passed: results.every((r) => r.outcome.status !== 'problem'), results };
}

async function outcomeOf(check: PreflightCheck, context: CheckContext): Promise<CheckOutcome> {
  try {
    return await check.run(context);
  } catch (error) {
    return {
      status: 'problem',
      problem: `Settle could not finish this check: ${error instanceof Error ? error.message : String(error)}`,
      fix: 'Run the checks again in a minute; if this stays, reconnect the platform it names in step 2.',
    };
  }
}
