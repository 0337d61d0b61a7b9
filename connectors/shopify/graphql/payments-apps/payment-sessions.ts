/**
 * The Payments Apps API calls that settle a payment session Shopify sent to Settle: resolve it when
 * the shopper paid, reject it with a reason Shopify knows, or mark it pending (e.g. a bank debit
 * still on its way). Every call names the session by Shopify's gid and is safe to repeat: Shopify
 * answers a second resolve of a resolved session with the same state.
 */
import type { PaymentsAppUserError, SessionGid } from './types';

/** What Settle reads of a payment session after each call: its state and where the shopper goes next. */
export const PAYMENT_SESSION_FIELDS = /* GraphQL */ `
  fragment SettlePaymentSession on PaymentSession {
    id
    state {
      __typename
      ... on PaymentSessionState {
        code
      }
      ... on PaymentSessionStateRejected {
        rejectedReason: reason
        merchantMessage
      }
      ... on PaymentSessionStatePending {
        pendingReason: reason
      }
    }
    nextAction {
      action
      context {
        ... on PaymentSessionActionsRedirect {
          redirectUrl
        }
      }
    }
  }
`;

export const PAYMENT_SESSION_RESOLVE = /* GraphQL */ `
  mutation PaymentSessionResolve($id: ID!, $authorizationExpiresAt: DateTime) {
    paymentSessionResolve(id: $id, authorizationExpiresAt: $authorizationExpiresAt) {
      paymentSession {
        ...SettlePaymentSession
      }
      userErrors {
        field
        message
      }
    }
  }
  ${PAYMENT_SESSION_FIELDS}
`;

export const PAYMENT_SESSION_REJECT = /* GraphQL */ `
  mutation PaymentSessionReject($id: ID!, $reason: PaymentSessionRejectionReasonInput!) {
    paymentSessionReject(id: $id, reason: $reason) {
      paymentSession {
        ...SettlePaymentSession
      }
      userErrors {
        field
        message
      }
    }
  }
  ${PAYMENT_SESSION_FIELDS}
`;

export const PAYMENT_SESSION_PENDING = /* GraphQL */ `
  mutation PaymentSessionPending($id: ID!, $pendingExpiresAt: DateTime!, $reason: PaymentSessionStatePendingReason!) {
    paymentSessionPending(id: $id, pendingExpiresAt: $pendingExpiresAt, reason: $reason) {
      paymentSession {
        ...SettlePaymentSession
      }
      userErrors {
        field
        message
        code
      }
    }
  }
  ${PAYMENT_SESSION_FIELDS}
`;

/** Why a payment was refused, in Shopify's words (PaymentSessionStateRejectedReason, 2026-07). */
export type PaymentRejectionCode =
  | 'AMOUNT_TOO_LARGE' | 'AMOUNT_TOO_SMALL' | 'AUTHENTICATION_FAILED' | 'AUTHENTICATION_REQUIRED' | 'CALL_ISSUER'
  | 'CANCELLED_PAYMENT' | 'CARD_DECLINED' | 'CARD_TESTING' | 'CONFIRMATION_REJECTED' | 'DO_NOT_HONOR' | 'EXPIRED_CARD'
  | 'FRAUD_SUSPECTED' | 'HIGH_RISK_FRAUD_SUSPECTED' | 'INCORRECT_ADDRESS' | 'INCORRECT_CVC' | 'INCORRECT_NUMBER'
  | 'INCORRECT_PIN' | 'INCORRECT_ZIP' | 'INSTRUMENT_DECLINED' | 'INSUFFICIENT_FUNDS' | 'INVALID_AMOUNT' | 'INVALID_CURRENCY'
  | 'INVALID_CVC' | 'INVALID_EXPIRY_DATE' | 'INVALID_NUMBER' | 'INVALID_PAYMENT_METHOD' | 'INVALID_PURCHASE_TYPE'
  | 'INVALID_REQUEST' | 'MERCHANT_ACCOUNT_ERROR' | 'MERCHANT_RULE' | 'PAYMENT_METHOD_UNSUPPORTED' | 'PICK_UP_CARD'
  | 'PROCESSING_ERROR' | 'RETRY_DECLINED' | 'RISKY' | 'TRANSACTION_LIMIT_EXCEEDED';

export type PaymentPendingReason = 'BUYER_ACTION_REQUIRED' | 'MERCHANT_ACTION_REQUIRED' | 'NETWORK_ACTION_REQUIRED' | 'PARTNER_ACTION_REQUIRED';

export interface PaymentSessionResolveVariables {
  id: SessionGid;
  /** For an authorization (captured later): when the card authorization lapses. */
  authorizationExpiresAt?: string | null;
}

export interface PaymentSessionRejectVariables {
  id: SessionGid;
  reason: { code: PaymentRejectionCode; merchantMessage?: string; source?: 'NETWORK' | 'PROVIDER' };
}

export interface PaymentSessionPendingVariables {
  id: SessionGid;
  pendingExpiresAt: string;
  reason: PaymentPendingReason;
}

/** A payment session as Shopify reports it after a call. */
export interface PaymentSession {
  id: SessionGid;
  state: { __typename: string; code: 'BUYER_ACTION_REQUIRED' | 'CONFIRMING' | 'PENDING' | 'REDIRECTING' | 'REJECTED' | 'RESOLVED'; rejectedReason?: PaymentRejectionCode; pendingReason?: PaymentPendingReason | null; merchantMessage?: string | null };
  nextAction: { action: 'REDIRECT'; context: { redirectUrl?: string } } | null;
}

interface PaymentSessionPayload {
  paymentSession: PaymentSession | null;
  userErrors: PaymentsAppUserError[];
}

export interface PaymentSessionResolveResult { paymentSessionResolve: PaymentSessionPayload | null }
export interface PaymentSessionRejectResult { paymentSessionReject: PaymentSessionPayload | null }
export interface PaymentSessionPendingResult { paymentSessionPending: PaymentSessionPayload | null }
