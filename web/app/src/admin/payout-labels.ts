// The payout report's words for people: badges for a payout's state and its proof, and names for
// Stripe's reporting categories and the report's groups. Kept here so the wording lives in one place.
import type { BadgeSpec } from './status';

export function payoutBadge(status: string): BadgeSpec {
  switch (status) {
    case 'paid':
      return { label: 'Paid', tone: 'success', progress: 'complete' };
    case 'pending':
    case 'in_transit':
      return { label: 'In transit', tone: 'info', progress: 'partiallyComplete' };
    case 'failed':
      return { label: 'Failed', tone: 'critical' };
    case 'canceled':
      return { label: 'Canceled' };
    default:
      return { label: status };
  }
}

/** Whether the lines explain the payout to the cent; anything else needs a person to look. */
export function reconciliationBadge(reconciliation: string): BadgeSpec {
  return reconciliation === 'explained'
    ? { label: 'Explained', tone: 'success', progress: 'complete' }
    : { label: 'Unexplained', tone: 'critical', progress: 'incomplete' };
}

const CATEGORY: Record<string, string> = {
  charge: 'Charge',
  refund: 'Refund',
  refund_failure: 'Failed refund returned',
  dispute: 'Dispute',
  dispute_reversal: 'Dispute won',
  fee: 'Stripe fee',
  adjustment: 'Adjustment',
  payout: 'Payout',
  payout_reversal: 'Payout returned',
};
export const categoryLabel = (category: string) => CATEGORY[category] ?? category;

const GROUP: Record<string, string> = {
  charges: 'Charges',
  refunds: 'Refunds',
  disputes: 'Disputes',
  other_adjustments: 'Other adjustments',
};
export const groupLabel = (group: string) => GROUP[group] ?? group;
