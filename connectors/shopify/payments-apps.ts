import type { ShopifyGraphql } from './graphql/client';
import {
  PAYMENT_SESSION_PENDING, PAYMENT_SESSION_REJECT, PAYMENT_SESSION_RESOLVE,
  type PaymentPendingReason, type PaymentRejectionCode, type PaymentSession,
  type PaymentSessionPendingVariables, type PaymentSessionRejectVariables, type PaymentSessionResolveVariables,
} from './graphql/payments-apps/payment-sessions';
import {
  CAPTURE_SESSION_REJECT, CAPTURE_SESSION_RESOLVE, REFUND_SESSION_REJECT, REFUND_SESSION_RESOLVE, VOID_SESSION_REJECT, VOID_SESSION_RESOLVE,
  type CaptureSessionRejectVariables, type MoneySession, type SessionResolveVariables,
} from './graphql/payments-apps/money-movements';
import { PAYMENTS_APP_CONFIGURE, type PaymentsAppConfigureVariables } from './graphql/payments-apps/configure';
import type { PaymentsAppUserError } from './graphql/payments-apps/types';

type Payload<K extends string, T> = { [key in K]: T | null } & { userErrors: PaymentsAppUserError[] };

/**
 * How Stripe's decline codes read as Shopify's rejection reasons (PaymentSessionStateRejectedReason).
 * What Shopify has no word for is a PROCESSING_ERROR; a plain decline is CARD_DECLINED.
 */
const REJECTION_FOR_DECLINE: Record<string, PaymentRejectionCode> = {
  insufficient_funds: 'INSUFFICIENT_FUNDS', expired_card: 'EXPIRED_CARD', incorrect_cvc: 'INCORRECT_CVC', invalid_cvc: 'INVALID_CVC',
  incorrect_number: 'INCORRECT_NUMBER', invalid_number: 'INVALID_NUMBER', invalid_expiry_month: 'INVALID_EXPIRY_DATE', invalid_expiry_year: 'INVALID_EXPIRY_DATE',
  incorrect_zip: 'INCORRECT_ZIP', incorrect_pin: 'INCORRECT_PIN', call_issuer: 'CALL_ISSUER', do_not_honor: 'DO_NOT_HONOR',
  pickup_card: 'PICK_UP_CARD', lost_card: 'PICK_UP_CARD', stolen_card: 'PICK_UP_CARD', fraudulent: 'FRAUD_SUSPECTED',
  card_velocity_exceeded: 'TRANSACTION_LIMIT_EXCEEDED', withdrawal_count_limit_exceeded: 'TRANSACTION_LIMIT_EXCEEDED',
  card_not_supported: 'PAYMENT_METHOD_UNSUPPORTED', currency_not_supported: 'INVALID_CURRENCY', amount_too_large: 'AMOUNT_TOO_LARGE',
  amount_too_small: 'AMOUNT_TOO_SMALL', authentication_required: 'AUTHENTICATION_REQUIRED', try_again_later: 'RETRY_DECLINED',
  generic_decline: 'CARD_DECLINED', card_declined: 'CARD_DECLINED', processing_error: 'PROCESSING_ERROR', canceled: 'CANCELLED_PAYMENT',
};

export function rejectionCodeFor(declineCode: string | null | undefined): PaymentRejectionCode {
  if (!declineCode) return 'PROCESSING_ERROR';
  return REJECTION_FOR_DECLINE[declineCode] ?? 'CARD_DECLINED';
}

/**
 * Settle's answers to Shopify's payment, refund, capture and void sessions (the Payments Apps API),
 * each by the session's gid. Shopify answers a repeated resolve or reject with the session's state,
 * so a retry after a crash is safe; a userError becomes ShopifyUserErrors.
 */
export class ShopifyPaymentSessions {
  constructor(private readonly client: ShopifyGraphql) {
    if (client.api !== 'payments-apps') throw new Error('ShopifyPaymentSessions needs a Payments Apps API client');
  }

  async resolvePayment(id: string, authorizationExpiresAt?: Date): Promise<PaymentSession> {
    const variables: PaymentSessionResolveVariables = { id, authorizationExpiresAt: authorizationExpiresAt?.toISOString() ?? null };
    return this.session(await this.client.mutate<Payload<'paymentSession', PaymentSession>, PaymentSessionResolveVariables>(PAYMENT_SESSION_RESOLVE, variables, 'paymentSessionResolve'), 'paymentSession');
  }

  async rejectPayment(id: string, code: PaymentRejectionCode, merchantMessage?: string): Promise<PaymentSession> {
    const variables: PaymentSessionRejectVariables = { id, reason: { code, ...(merchantMessage ? { merchantMessage } : {}) } };
    return this.session(await this.client.mutate<Payload<'paymentSession', PaymentSession>, PaymentSessionRejectVariables>(PAYMENT_SESSION_REJECT, variables, 'paymentSessionReject'), 'paymentSession');
  }

  /** The payment is on its way but not final (e.g. a bank debit): Shopify waits until `until`. */
  async paymentPending(id: string, reason: PaymentPendingReason, until: Date): Promise<PaymentSession> {
    const variables: PaymentSessionPendingVariables = { id, reason, pendingExpiresAt: until.toISOString() };
    return this.session(await this.client.mutate<Payload<'paymentSession', PaymentSession>, PaymentSessionPendingVariables>(PAYMENT_SESSION_PENDING, variables, 'paymentSessionPending'), 'paymentSession');
  }

  resolveRefund = (id: string) => this.moneySession(REFUND_SESSION_RESOLVE, 'refundSessionResolve', 'refundSession', { id });
  rejectRefund = (id: string, merchantMessage?: string) => this.moneySession(REFUND_SESSION_REJECT, 'refundSessionReject', 'refundSession', { id, reason: { code: 'PROCESSING_ERROR', ...(merchantMessage ? { merchantMessage } : {}) } });
  resolveCapture = (id: string) => this.moneySession(CAPTURE_SESSION_RESOLVE, 'captureSessionResolve', 'captureSession', { id });
  rejectCapture = (id: string, code: CaptureSessionRejectVariables['reason']['code'], merchantMessage?: string) =>
    this.moneySession(CAPTURE_SESSION_REJECT, 'captureSessionReject', 'captureSession', { id, reason: { code, ...(merchantMessage ? { merchantMessage } : {}) } });
  resolveVoid = (id: string) => this.moneySession(VOID_SESSION_RESOLVE, 'voidSessionResolve', 'voidSession', { id });
  rejectVoid = (id: string, merchantMessage?: string) => this.moneySession(VOID_SESSION_REJECT, 'voidSessionReject', 'voidSession', { id, reason: { code: 'PROCESSING_ERROR', ...(merchantMessage ? { merchantMessage } : {}) } });

  /** Tells Shopify whether the merchant's Settle account can take payments, so Settle shows in checkout. */
  async configure(ready: boolean, externalHandle?: string): Promise<{ ready: boolean; externalHandle: string | null }> {
    const payload = await this.client.mutate<Payload<'paymentsAppConfiguration', { ready: boolean; externalHandle: string | null }>, PaymentsAppConfigureVariables>(
      PAYMENTS_APP_CONFIGURE, { ready, externalHandle: externalHandle ?? null }, 'paymentsAppConfigure',
    );
    return this.session(payload, 'paymentsAppConfiguration');
  }

  private async moneySession<K extends string>(document: string, field: string, key: K, variables: SessionResolveVariables & { reason?: object }): Promise<MoneySession> {
    return this.session(await this.client.mutate<Payload<K, MoneySession>, typeof variables>(document, variables, field), key);
  }

  private session<K extends string, T>(payload: Payload<K, T>, key: K): T {
    const session = payload[key];
    if (!session) throw new Error(`Shopify answered without the ${key}`);
    return session as T;
  }
}
