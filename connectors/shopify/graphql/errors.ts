import { RetryableError, SettleError } from '../../../core/errors';
import type { ShopifyUserError } from './documents/types';

/**
 * Shopify refused what a mutation asked (its `userErrors`): nothing changed, and sending it again
 * changes nothing either. The merchant sees Shopify's own words.
 */
export class ShopifyUserErrors extends SettleError {
  constructor(
    readonly operation: string,
    readonly userErrors: ShopifyUserError[],
  ) {
    super('shopify_refused', `Shopify refused ${operation}: ${userErrors.map((e) => e.message).join('; ')}`, 422);
    this.name = 'ShopifyUserErrors';
  }

  /** Whether Shopify gave this code (e.g. orderCreate's) or said this of a field. */
  has(codeOrField: string): boolean {
    return this.userErrors.some((e) => e.code === codeOrField || e.field?.includes(codeOrField));
  }
}

/** The document itself is wrong for the schema, or Shopify failed it for a reason a retry will not change. */
export class ShopifyQueryError extends SettleError {
  constructor(operation: string, messages: string[]) {
    super('shopify_query_failed', `Shopify could not run ${operation}: ${messages.join('; ')}`, 502);
    this.name = 'ShopifyQueryError';
  }
}

/** The shop no longer accepts Settle's token (the app was uninstalled or its access revoked). */
export class ShopifyAccessRevoked extends SettleError {
  constructor(shop: string) {
    super('shopify_access_revoked', `${shop} no longer lets Settle in: the app was uninstalled or its access revoked. Reinstall Settle from the Shopify admin.`, 409);
    this.name = 'ShopifyAccessRevoked';
  }
}

/**
 * Shopify kept throttling, answered 5xx or could not be reached: the call may have happened or not.
 * Jobs retry it; what creates things is keyed so that a retry cannot make a second one.
 */
export class ShopifyUnavailable extends RetryableError {
  constructor(message: string, retryAfterMs?: number) {
    super(message, retryAfterMs);
    this.name = 'ShopifyUnavailable';
  }
}
