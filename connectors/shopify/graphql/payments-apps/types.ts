/** A payments session's gid (`gid://shopify/PaymentSession/…`, `…/RefundSession/…`): kept as a string. */
export type SessionGid = string;

/** A Payments Apps API userErrors entry (UserError and its coded variants). */
export interface PaymentsAppUserError {
  field: string[] | null;
  message: string;
  code?: string | null;
}
