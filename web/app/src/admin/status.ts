// Maps server states to the merchant-facing badge wording and tone. Kept out of
// the components so the wording lives in one place.
import type { BadgeProps } from '@shopify/polaris';

export interface BadgeSpec {
  label: string;
  tone?: BadgeProps['tone'];
  progress?: BadgeProps['progress'];
}

export function paymentBadge(status: string): BadgeSpec {
  switch (status) {
    case 'succeeded':
      return { label: 'Paid', tone: 'success', progress: 'complete' };
    case 'awaiting_payment':
      return { label: 'Awaiting payment', tone: 'attention', progress: 'incomplete' };
    case 'failed':
      return { label: 'Failed', tone: 'critical' };
    // Manual capture: the card holds the money; it is taken (and the order marked paid) at capture.
    case 'authorized':
      return { label: 'Authorized, not captured', tone: 'info', progress: 'partiallyComplete' };
    // A bank debit (SEPA) was submitted; the bank answers in days. Not paid until it does.
    case 'processing':
      return { label: 'Processing (bank debit)', tone: 'info', progress: 'partiallyComplete' };
    // The hold was released (by the merchant, or it expired after 7 days): nothing was taken.
    case 'canceled':
      return { label: 'Canceled, nothing taken' };
    default:
      return { label: status };
  }
}

export function orderBadge(status: string): BadgeSpec {
  switch (status) {
    case 'paid':
      return { label: 'Marked paid', tone: 'success', progress: 'complete' };
    case 'marking_paid':
      return { label: 'Updating', tone: 'info', progress: 'partiallyComplete' };
    case 'awaiting_payment':
      return { label: 'Waiting', progress: 'incomplete' };
    // A counter sale: there is no store order.
    case 'not_applicable':
      return { label: 'No store order' };
    default:
      return { label: status };
  }
}

/** null means "no badge" — the books don't apply to this payment (shown as an em dash). */
export function booksBadge(status: string, documents: number): BadgeSpec | null {
  switch (status) {
    case 'posted':
      return {
        label: `Posted (${documents} ${documents === 1 ? 'document' : 'documents'})`,
        tone: 'success',
        progress: 'complete',
      };
    case 'pending':
      return { label: 'Waiting', progress: 'incomplete' };
    case 'not_applicable':
      return null;
    default:
      return { label: status };
  }
}
