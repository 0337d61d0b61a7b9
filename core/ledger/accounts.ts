/**
 * The ledger's accounts, by the role they play in the merchant's books. The merchant's
 * QuickBooks mapping refers to these roles. Names are what a bookkeeper sees.
 * Income is kept net of refunds (refunds are debited to it), as books scenario 2 expects.
 */
export const ACCOUNT_ROLES = {
  income: { name: 'Sales income', normal: 'credit', type: 'income' },
  shipping_income: { name: 'Shipping income', normal: 'credit', type: 'income' },
  sales_tax_payable: { name: 'Sales tax payable', normal: 'credit', type: 'liability' },
  processing_fees: { name: 'Payment processing fees', normal: 'debit', type: 'expense' },
  dispute_losses: { name: 'Dispute losses', normal: 'debit', type: 'expense' },
  dispute_fees: { name: 'Dispute fees', normal: 'debit', type: 'expense' },
  processor_adjustments: { name: 'Stripe adjustments', normal: 'debit', type: 'expense' },
  stripe_clearing: { name: 'Stripe clearing', normal: 'debit', type: 'bank' },
  bank: { name: 'Bank', normal: 'debit', type: 'bank' },
  /**
   * Books only, never posted by the ledger: the cents by which QuickBooks' own conversion of a
   * foreign-currency receipt (line by line) differs from what Stripe settled, on a named line.
   */
  currency_rounding: { name: 'Currency rounding', normal: 'debit', type: 'expense' },
} as const;

export type AccountRole = keyof typeof ACCOUNT_ROLES;
