/**
 * Refund, capture and void sessions: Shopify asks Settle to move money on a payment it already
 * resolved; Settle answers with resolve (done) or reject (with Shopify's reason code). Each is safe
 * to repeat for the same session id.
 */
import type { PaymentsAppUserError, SessionGid } from './types';

export const REFUND_SESSION_RESOLVE = /* GraphQL */ `
  mutation RefundSessionResolve($id: ID!) {
    refundSessionResolve(id: $id) {
      refundSession { id state { __typename ... on RefundSessionState { code } } }
      userErrors { field message code }
    }
  }
`;

export const REFUND_SESSION_REJECT = /* GraphQL */ `
  mutation RefundSessionReject($id: ID!, $reason: RefundSessionRejectionReasonInput!) {
    refundSessionReject(id: $id, reason: $reason) {
      refundSession { id state { __typename ... on RefundSessionState { code } ... on RefundSessionStateRejected { reason merchantMessage } } }
      userErrors { field message code }
    }
  }
`;

export const CAPTURE_SESSION_RESOLVE = /* GraphQL */ `
  mutation CaptureSessionResolve($id: ID!) {
    captureSessionResolve(id: $id) {
      captureSession { id state { __typename ... on CaptureSessionState { code } } }
      userErrors { field message code }
    }
  }
`;

export const CAPTURE_SESSION_REJECT = /* GraphQL */ `
  mutation CaptureSessionReject($id: ID!, $reason: CaptureSessionRejectionReasonInput!) {
    captureSessionReject(id: $id, reason: $reason) {
      captureSession { id state { __typename ... on CaptureSessionState { code } ... on CaptureSessionStateRejected { reason merchantMessage } } }
      userErrors { field message code }
    }
  }
`;

export const VOID_SESSION_RESOLVE = /* GraphQL */ `
  mutation VoidSessionResolve($id: ID!) {
    voidSessionResolve(id: $id) {
      voidSession { id state { __typename ... on VoidSessionState { code } } }
      userErrors { field message code }
    }
  }
`;

export const VOID_SESSION_REJECT = /* GraphQL */ `
  mutation VoidSessionReject($id: ID!, $reason: VoidSessionRejectionReasonInput!) {
    voidSessionReject(id: $id, reason: $reason) {
      voidSession { id state { __typename ... on VoidSessionState { code } ... on VoidSessionStateRejected { reason merchantMessage } } }
      userErrors { field message code }
    }
  }
`;

export interface SessionResolveVariables {
  id: SessionGid;
}

/** Refunds and voids can only be refused as a processing error; a capture also as an expired authorization. */
export interface RefundSessionRejectVariables { id: SessionGid; reason: { code: 'PROCESSING_ERROR'; merchantMessage?: string } }
export interface VoidSessionRejectVariables { id: SessionGid; reason: { code: 'PROCESSING_ERROR'; merchantMessage?: string } }
export interface CaptureSessionRejectVariables { id: SessionGid; reason: { code: 'AUTHORIZATION_EXPIRED' | 'PROCESSING_ERROR'; merchantMessage?: string } }

/** A refund, capture or void session after the call. */
export interface MoneySession {
  id: SessionGid;
  state: { __typename: string; code: 'REJECTED' | 'RESOLVED'; reason?: string; merchantMessage?: string | null };
}

type SessionPayload<K extends string> = ({ userErrors: PaymentsAppUserError[] } & { [key in K]: MoneySession | null }) | null;

export interface RefundSessionResolveResult { refundSessionResolve: SessionPayload<'refundSession'> }
export interface RefundSessionRejectResult { refundSessionReject: SessionPayload<'refundSession'> }
export interface CaptureSessionResolveResult { captureSessionResolve: SessionPayload<'captureSession'> }
export interface CaptureSessionRejectResult { captureSessionReject: SessionPayload<'captureSession'> }
export interface VoidSessionResolveResult { voidSessionResolve: SessionPayload<'voidSession'> }
export interface VoidSessionRejectResult { voidSessionReject: SessionPayload<'voidSession'> }
