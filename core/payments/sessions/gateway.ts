/**
 * The ports Shopify's payment sessions need from outside core: which Settle merchant a shop is, and
 * Shopify's Payments Apps API to resolve or reject each session (connectors/shopify implements it).
 */

/** The Settle merchant behind an installed shop (`name.myshopify.com`), or undefined for a stranger. */
export interface ShopMerchants {
  merchantForShop(shop: string): Promise<string | undefined>;
}

/** The reasons Shopify accepts for a payment session Settle refuses (a subset of PaymentSessionStateRejectedReason). */
export type PaymentRejection = 'PROCESSING_ERROR' | 'RISKY' | 'CARD_DECLINED' | 'CANCELLED_PAYMENT' | 'AUTHENTICATION_FAILED';
export type CaptureRejection = 'AUTHORIZATION_EXPIRED' | 'PROCESSING_ERROR';

export interface SessionRef {
  shop: string;
  /** Shopify's gid for the session (`gid://shopify/PaymentSession/…`, `…/RefundSession/…`). */
  gid: string;
}

export interface Rejection<Code extends string> {
  code: Code;
  /**
   * For a declined card: the processor's decline code, which the platform may name more precisely
   * than `code` (Shopify: EXPIRED_CARD, PICK_UP_CARD…); `code` stands when it has no word for it.
   */
  declineCode?: string;
  /** Shown to the merchant in Shopify's admin: what went wrong, in their words. */
  merchantMessage?: string;
}

/**
 * Shopify's Payments Apps mutations. Each is safe to repeat: a session already in the state asked
 * for is a success (a resolve retried after a lost answer must not fail the session); a session in
 * the other state is an error to show. A network fault or throttling is a RetryableError.
 */
export interface PaymentSessionsGateway {
  /** Resolves a payment session; Shopify answers with where the shopper goes next (its order status page). */
  resolvePayment(session: SessionRef): Promise<{ nextUrl: string | null }>;
  /** Answers the reason the platform was given, when it chose one more precise than `reason.code`. */
  rejectPayment(session: SessionRef, reason: Rejection<PaymentRejection>): Promise<{ code: string } | void>;
  /** The payment is on its way but not final (a bank debit the bank has not answered): the platform waits until `until`. */
  pendingPayment(session: SessionRef, until: Date): Promise<void>;
  resolveRefund(session: SessionRef): Promise<void>;
  rejectRefund(session: SessionRef, reason: Rejection<'PROCESSING_ERROR'>): Promise<void>;
  resolveCapture(session: SessionRef): Promise<void>;
  rejectCapture(session: SessionRef, reason: Rejection<CaptureRejection>): Promise<void>;
  resolveVoid(session: SessionRef): Promise<void>;
  rejectVoid(session: SessionRef, reason: Rejection<'PROCESSING_ERROR'>): Promise<void>;
}
