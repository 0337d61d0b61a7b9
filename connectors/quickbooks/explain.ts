import { BooksNeedsReview } from '../../core/books/review';

export interface IntuitError { Message?: string; Detail?: string; code?: string; element?: string }

/** What a reference field points at, in the bookkeeper's words. */
const REFERENCED: [RegExp, string][] = [
  [/ItemRef/i, 'item'],
  [/CustomerRef/i, 'customer'],
  [/AccountRef/i, 'account'],
  [/TaxCodeRef/i, 'tax code'],
  [/ClassRef/i, 'class'],
];

/**
 * A validation fault as a review item: Intuit's message says what rule broke, the explanation says
 * what the bookkeeper can do about it (map or create what is missing, fill in what is required).
 */
export function needsReview(error: IntuitError, doing: string): BooksNeedsReview {
  const element = error.element ?? /Reference Id : (\S+)/.exec(error.Detail ?? '')?.[1];
  const detail = `${error.Message ?? ''} ${error.Detail ?? ''}`.trim();
  const fault = { code: error.code ?? 'unknown', ...(element ? { element } : {}), detail };
  return new BooksNeedsReview(explain(error, element, doing), fault);
}

/** The explanation for an item the merchant mapped to a product's SKU, now gone from QuickBooks. */
export function missingItemForSku(sku: string): string {
  return `Item ${sku} is not in QuickBooks: map it or create it.`;
}

function explain(error: IntuitError, element: string | undefined, doing: string): string {
  switch (error.code) {
    case '2500': {
      const what = REFERENCED.find(([pattern]) => pattern.test(element ?? ''))?.[1] ?? 'record';
      const id = /assigned is not valid: (.+)$/.exec(error.Detail ?? '')?.[1]?.trim();
      return `The ${what}${id ? ` ${id}` : ''} used on ${doing} is not in QuickBooks (deleted or never created there): map it in Settle or create it in QuickBooks.`;
    }
    case '610': {
      // A reference to a name QuickBooks has made inactive (what "delete" does to an item, account or customer).
      const what = REFERENCED.find(([pattern]) => pattern.test(element ?? ''))?.[1] ?? 'record';
      return `The ${what} used on ${doing} was deleted (made inactive) in QuickBooks: map another in Settle or make it active again in QuickBooks.`;
    }
    case '6200':
      return `QuickBooks' books are closed for the date of ${doing}: post it after the bookkeeper reopens the period, or approve it to post it in the first open day.`;
    case '2020':
      return `QuickBooks needs ${element ?? 'a field'} on ${doing}, and Settle did not have it: fill it in on the sale or in Settle's books settings.`;
    case '6000':
      return `QuickBooks' rules refused ${doing}: ${(error.Detail ?? '').replace(/^Business Validation Error:\s*/, '')}`;
    default:
      return `QuickBooks refused ${doing}: ${error.Message ?? 'no reason given'}${error.Detail ? ` (${error.Detail})` : ''}.`;
  }
}
