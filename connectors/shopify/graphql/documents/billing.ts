import type { Gid, ShopifyMoney, ShopifyUserError } from './types';

/** What Settle reads of a plan subscription: whether the merchant accepted it, and whether it is a test charge. */
export const APP_SUBSCRIPTION_FIELDS = /* GraphQL */ `
  fragment SettleAppSubscription on AppSubscription {
    id
    name
    status
    test
    trialDays
    createdAt
    currentPeriodEnd
  }
`;

/**
 * Asks the merchant to accept Settle's plan: Shopify answers with a confirmation URL the merchant
 * is sent to; the subscription stays PENDING until they accept (then ACTIVE) or decline.
 */
export const APP_SUBSCRIPTION_CREATE = /* GraphQL */ `
  mutation AppSubscriptionCreate($name: String!, $lineItems: [AppSubscriptionLineItemInput!]!, $returnUrl: URL!, $test: Boolean, $trialDays: Int) {
    appSubscriptionCreate(name: $name, lineItems: $lineItems, returnUrl: $returnUrl, test: $test, trialDays: $trialDays) {
      appSubscription {
        ...SettleAppSubscription
      }
      confirmationUrl
      userErrors {
        field
        message
      }
    }
  }
  ${APP_SUBSCRIPTION_FIELDS}
`;

export interface AppSubscriptionCreateVariables {
  name: string;
  returnUrl: string;
  test: boolean;
  trialDays?: number;
  lineItems: { plan: { appRecurringPricingDetails: { price: { amount: string; currencyCode: string }; interval: 'EVERY_30_DAYS' | 'ANNUAL' } } }[];
}

/** Shopify's AppSubscriptionStatus. */
export type SubscriptionStatus = 'ACCEPTED' | 'ACTIVE' | 'CANCELLED' | 'DECLINED' | 'EXPIRED' | 'FROZEN' | 'PENDING';

export interface AppSubscription {
  id: Gid;
  name: string;
  status: SubscriptionStatus;
  test: boolean;
  trialDays: number;
  createdAt: string;
  currentPeriodEnd: string | null;
}

export interface AppSubscriptionCreateResult {
  appSubscriptionCreate: { appSubscription: AppSubscription | null; confirmationUrl: string | null; userErrors: ShopifyUserError[] } | null;
}

/** The plans the merchant has accepted and that are still running (Shopify lists only active ones). */
export const ACTIVE_SUBSCRIPTIONS = /* GraphQL */ `
  query ActiveSubscriptions {
    currentAppInstallation {
      id
      activeSubscriptions {
        ...SettleAppSubscription
        lineItems {
          id
          plan {
            pricingDetails {
              __typename
              ... on AppRecurringPricing {
                interval
                price { amount currencyCode }
              }
            }
          }
        }
      }
    }
  }
  ${APP_SUBSCRIPTION_FIELDS}
`;

export type ActiveSubscriptionsVariables = Record<string, never>;

export interface ActiveSubscriptionsResult {
  currentAppInstallation: {
    id: Gid;
    activeSubscriptions: (AppSubscription & {
      lineItems: { id: Gid; plan: { pricingDetails: { __typename: string; interval?: string; price?: ShopifyMoney } } }[];
    })[];
  };
}

/** One subscription by id: whether the merchant accepted, declined or let the confirmation expire. */
export const APP_SUBSCRIPTION_BY_ID = /* GraphQL */ `
  query AppSubscriptionById($id: ID!) {
    node(id: $id) {
      __typename
      ... on AppSubscription {
        ...SettleAppSubscription
      }
    }
  }
  ${APP_SUBSCRIPTION_FIELDS}
`;

export interface AppSubscriptionByIdVariables {
  id: Gid;
}

export interface AppSubscriptionByIdResult {
  node: (AppSubscription & { __typename: 'AppSubscription' }) | { __typename: string } | null;
}
