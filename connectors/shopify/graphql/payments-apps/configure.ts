/**
 * Tells Shopify the merchant's Settle account is ready to take payments (or no longer is), with
 * Settle's handle for the merchant, so the payment method can be switched on in checkout.
 */
import type { PaymentsAppUserError } from './types';

export const PAYMENTS_APP_CONFIGURE = /* GraphQL */ `
  mutation PaymentsAppConfigure($externalHandle: String, $ready: Boolean!) {
    paymentsAppConfigure(externalHandle: $externalHandle, ready: $ready) {
      paymentsAppConfiguration {
        externalHandle
        ready
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export interface PaymentsAppConfigureVariables {
  externalHandle?: string | null;
  ready: boolean;
}

export interface PaymentsAppConfigureResult {
  paymentsAppConfigure: { paymentsAppConfiguration: { externalHandle: string | null; ready: boolean } | null; userErrors: PaymentsAppUserError[] } | null;
}
