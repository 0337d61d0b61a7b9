// A dispute's state and reason in the merchant's words (Stripe's own words are for developers).
import type { BadgeSpec } from './status';

export function disputeBadge(status: string): BadgeSpec {
  switch (status) {
    case 'warning_needs_response':
    case 'needs_response':
      return { label: 'Needs your evidence', tone: 'attention', progress: 'incomplete' };
    case 'warning_under_review':
    case 'under_review':
      return { label: 'Under review by the bank', tone: 'info', progress: 'partiallyComplete' };
    case 'won':
      return { label: 'Won', tone: 'success', progress: 'complete' };
    case 'lost':
      return { label: 'Lost', tone: 'critical', progress: 'complete' };
    case 'warning_closed':
      return { label: 'Closed' };
    default:
      return { label: status };
  }
}

const REASONS: Record<string, string> = {
  fraudulent: 'Shopper says they did not make it',
  product_not_received: 'Product not received',
  product_unacceptable: 'Product unacceptable',
  duplicate: 'Charged twice',
  subscription_canceled: 'Subscription canceled',
  credit_not_processed: 'Refund not received',
  unrecognized: 'Charge not recognized',
  general: 'General',
};

export const disputeReason = (reason: string) => REASONS[reason] ?? reason.replace(/_/g, ' ');
