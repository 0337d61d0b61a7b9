import { money, toDecimal, type Money } from '../../core/money';
import { SettleError } from '../../core/errors';
import type { Queryable } from '../../core/storage/database';
import type { ShopifyGraphql } from './graphql/client';
import {
  ACTIVE_SUBSCRIPTIONS, APP_SUBSCRIPTION_BY_ID, APP_SUBSCRIPTION_CREATE,
  type ActiveSubscriptionsResult, type AppSubscription, type AppSubscriptionByIdResult, type AppSubscriptionByIdVariables,
  type AppSubscriptionCreateResult, type AppSubscriptionCreateVariables, type SubscriptionStatus,
} from './graphql/documents/billing';

/** Settle's one plan on Shopify: a recurring charge Shopify bills the merchant for (app charges are in USD). */
export interface SettlePlan {
  name: string;
  price: Money;
  interval: 'EVERY_30_DAYS' | 'ANNUAL';
  trialDays: number;
}

export const SETTLE_PLAN: SettlePlan = { name: 'Settle', price: money(1900, 'USD'), interval: 'EVERY_30_DAYS', trialDays: 14 };

/** Where a shop stands with the plan, in the merchant's terms. */
export type PlanStatus = 'none' | 'pending' | 'active' | 'declined' | 'cancelled' | 'expired' | 'frozen';

export interface PlanState {
  status: PlanStatus;
  subscriptionId: string | null;
  /** A test charge (development stores, Settle's test mode): Shopify bills nothing. */
  test: boolean;
  /** Where the merchant accepts the plan, while it waits for them. */
  confirmationUrl: string | null;
}

export interface ShopifyBillingOptions {
  /** The shop's Admin API client (its offline token). */
  clientFor(shop: string): Promise<ShopifyGraphql>;
  /** Test charges: on for development and test mode, off in production. */
  testCharges: boolean;
  /** Where Shopify sends the merchant back after they answer (Settle's embedded admin). */
  returnUrl(shop: string): string;
  plan?: SettlePlan;
  /** How long an accepted plan is trusted before Shopify is asked again (webhooks also update it). */
  recheckAfterMs?: number;
  /** Told, in the recording's transaction, when the plan becomes active or stops being active. */
  onActiveChange?: (db: Queryable, shop: string, status: PlanStatus) => Promise<void>;
}

const STATUS: Record<SubscriptionStatus, PlanStatus> = {
  ACTIVE: 'active', ACCEPTED: 'active', PENDING: 'pending', DECLINED: 'declined', CANCELLED: 'cancelled', EXPIRED: 'expired', FROZEN: 'frozen',
};

interface PlanRow { subscription_id: string | null; status: PlanStatus; test: boolean; confirmation_url: string | null; checked_at: Date | string }

/**
 * The merchant's plan through Shopify's Billing API. `requestPlan` asks Shopify for the plan and
 * gives the confirmation URL the merchant must visit; until they accept, `requirePlan` refuses the
 * shop's features with a clear 402. Shopify is the source of truth: its answer is recorded per shop.
 */
export class ShopifyBilling {
  private readonly plan: SettlePlan;

  constructor(private readonly db: Queryable, private readonly options: ShopifyBillingOptions) {
    this.plan = options.plan ?? SETTLE_PLAN;
  }

  /**
   * Asks the merchant to accept the plan: nothing new when it is already active, the same
   * confirmation while one waits for them, otherwise a new subscription (a test charge in test mode).
   */
  async requestPlan(shop: string): Promise<PlanState> {
    const current = await this.planStatus(shop);
    if (current.status === 'active' || (current.status === 'pending' && current.confirmationUrl)) return current;
    const client = await this.options.clientFor(shop);
    const { appSubscription, confirmationUrl } = await client.mutate<NonNullable<AppSubscriptionCreateResult['appSubscriptionCreate']>, AppSubscriptionCreateVariables>(
      APP_SUBSCRIPTION_CREATE,
      {
        name: this.plan.name,
        returnUrl: this.options.returnUrl(shop),
        test: this.options.testCharges,
        trialDays: this.plan.trialDays,
        lineItems: [{ plan: { appRecurringPricingDetails: { price: { amount: toDecimal(this.plan.price), currencyCode: this.plan.price.currency }, interval: this.plan.interval } } }],
      },
      'appSubscriptionCreate',
    );
    if (!appSubscription) throw new SettleError('shopify_billing_failed', 'Shopify did not create the plan subscription. Try again in a minute.', 502);
    return this.record(shop, { status: STATUS[appSubscription.status], subscriptionId: appSubscription.id, test: appSubscription.test, confirmationUrl });
  }

  /** Where the shop stands with the plan, as Shopify says (an accepted plan is re-asked after a while). */
  async planStatus(shop: string): Promise<PlanState> {
    const row = (await this.db.query<PlanRow>('SELECT subscription_id, status, test, confirmation_url, checked_at FROM shopify_plan_subscriptions WHERE shop = $1', [shop]))[0];
    const fresh = row && Date.now() - new Date(row.checked_at).getTime() < (this.options.recheckAfterMs ?? 10 * 60_000);
    if (row?.status === 'active' && fresh) return stateOf(row);

    const client = await this.options.clientFor(shop);
    const { currentAppInstallation } = await client.request<ActiveSubscriptionsResult>(ACTIVE_SUBSCRIPTIONS);
    const active = currentAppInstallation.activeSubscriptions.find((s) => STATUS[s.status] === 'active');
    if (active) return this.record(shop, { status: 'active', subscriptionId: active.id, test: active.test, confirmationUrl: null });
    if (!row?.subscription_id) return row ? stateOf(row) : { status: 'none', subscriptionId: null, test: false, confirmationUrl: null };
    // Not active: the one Settle asked for is still waiting, or was declined, cancelled or let expire.
    const { node } = await client.request<AppSubscriptionByIdResult, AppSubscriptionByIdVariables>(APP_SUBSCRIPTION_BY_ID, { id: row.subscription_id });
    // Shopify answers null for an id it does not show this app: what Settle recorded stands.
    if (!node || !('status' in node)) return stateOf(row);
    const status = STATUS[(node as AppSubscription).status];
    return this.record(shop, { status, subscriptionId: row.subscription_id, test: row.test, confirmationUrl: status === 'pending' ? row.confirmation_url : null });
  }

  /** For Shopify's app_subscriptions/update webhook: the new status, recorded without asking again. */
  async subscriptionUpdated(shop: string, subscriptionId: string, status: SubscriptionStatus, test: boolean): Promise<PlanState> {
    return this.record(shop, { status: STATUS[status], subscriptionId, test, confirmationUrl: null });
  }

  /** The guard for a shop's features: throws a 402 the admin shows with a way to accept the plan. */
  async requirePlan(shop: string): Promise<PlanState> {
    const state = await this.planStatus(shop);
    if (state.status !== 'active') {
      throw new SettleError('plan_not_accepted', `Settle's plan is ${state.status === 'none' ? 'not chosen yet' : state.status} for ${shop}: accept the plan in Settle's Shopify admin page to use this.`, 402);
    }
    return state;
  }

  private async record(shop: string, state: PlanState): Promise<PlanState> {
    const before = (await this.db.query<{ status: PlanStatus }>('SELECT status FROM shopify_plan_subscriptions WHERE shop = $1', [shop]))[0]?.status ?? 'none';
    await this.db.query(
      `INSERT INTO shopify_plan_subscriptions (shop, subscription_id, status, test, confirmation_url, checked_at) VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (shop) DO UPDATE SET subscription_id = EXCLUDED.subscription_id, status = EXCLUDED.status, test = EXCLUDED.test,
         confirmation_url = EXCLUDED.confirmation_url, checked_at = now()`,
      [shop, state.subscriptionId, state.status, state.test, state.confirmationUrl],
    );
    if ((before === 'active') !== (state.status === 'active')) await this.options.onActiveChange?.(this.db, shop, state.status);
    return state;
  }
}

const stateOf = (row: PlanRow): PlanState => ({ status: row.status, subscriptionId: row.subscription_id, test: row.test, confirmationUrl: row.confirmation_url });

/**
 * An Express-style guard for routes that need the plan: `planGuard(billing, (req) => req.shop)`.
 * A shop without an accepted plan gets 402 `plan_not_accepted` and its request goes no further.
 */
export function planGuard<Req>(billing: ShopifyBilling, shopOf: (req: Req) => string | undefined) {
  return async (req: Req, _res: unknown, next: (error?: unknown) => void): Promise<void> => {
    const shop = shopOf(req);
    if (!shop) return next(new SettleError('shop_unknown', 'This request names no Shopify shop.', 401));
    try {
      await billing.requirePlan(shop);
      next();
    } catch (error) {
      next(error);
    }
  };
}
