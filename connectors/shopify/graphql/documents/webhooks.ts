import type { Gid, Page } from './types';

/**
 * The webhook subscriptions the app holds on a shop, so Settle's health check can see that
 * orders/paid, orders/updated, refunds/create and app/uninstalled still reach it.
 */
export const WEBHOOK_SUBSCRIPTIONS = /* GraphQL */ `
  query WebhookSubscriptions($first: Int!, $after: String) {
    webhookSubscriptions(first: $first, after: $after) {
      nodes {
        id
        topic
        uri
        format
        apiVersion {
          handle
        }
        filter
        includeFields
        createdAt
        updatedAt
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

export interface WebhookSubscriptionsVariables {
  first: number;
  after?: string | null;
}

export interface WebhookSubscriptionsResult {
  webhookSubscriptions: Page<{
    id: Gid;
    topic: string;
    uri: string;
    format: 'JSON' | 'XML';
    apiVersion: { handle: string };
    filter: string | null;
    includeFields: string[];
    createdAt: string;
    updatedAt: string;
  }>;
}
