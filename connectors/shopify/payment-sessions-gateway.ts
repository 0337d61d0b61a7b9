import { SettleError } from '../../core/errors';
import type { ConnectionStore } from '../../core/merchants/connections';
import type { CaptureRejection, PaymentRejection, PaymentSessionsGateway, Rejection, SessionRef } from '../../core/payments/sessions/gateway';
import { shopifyApp } from './app';
import { ShopifyGraphql, type ShopifyGraphqlOptions } from './graphql/client';
import { ShopifyUserErrors } from './graphql/errors';
import { rejectionCodeFor, ShopifyPaymentSessions } from './payments-apps';
import { shopAccess } from './shop-access';

/** Shopify's Payments Apps API for one shop, reached with the shop's offline token. */
export type PaymentSessionsFor = (shop: string) => Promise<ShopifyPaymentSessions>;

type Wanted = 'RESOLVED' | 'REJECTED' | 'PENDING';

/**
 * Core's PaymentSessionsGateway over ShopifyPaymentSessions (the shared, throttle-aware client):
 * Shopify throttling, 429 and 5xx are retried by the client and end as a RetryableError (the job
 * retries later); a token Shopify refuses (401/403) is ShopifyAccessRevoked, a person's problem.
 *
 * A retry after a lost answer is safe: Shopify answers a repeated resolve (or reject) of a session
 * already in that state with the session and no userErrors ("subsequent paymentSessionResolve
 * attempts will succeed"), and the sandbox does the same. A userError (`…_INVALID_STATE`: the session
 * went the other way; `…_NOT_FOUND`) is an error to show; the Payments Apps API has no query that
 * would read a session's state instead.
 */
export class ShopifyPaymentSessionsGateway implements PaymentSessionsGateway {
  constructor(private readonly sessionsFor: PaymentSessionsFor) {}

  async resolvePayment(s: SessionRef) {
    const session = await this.answer(s, 'RESOLVED', (api) => api.resolvePayment(s.gid));
    return { nextUrl: session.nextAction?.context.redirectUrl ?? null };
  }
  async rejectPayment(s: SessionRef, reason: Rejection<PaymentRejection>) {
    // A declined card is named as Shopify names it (EXPIRED_CARD, PICK_UP_CARD…), from Stripe's decline code.
    const code = reason.declineCode ? rejectionCodeFor(reason.declineCode) : reason.code;
    await this.answer(s, 'REJECTED', (api) => api.rejectPayment(s.gid, code, shown(reason)));
    return { code };
  }
  // Only a bank debit waits: its answer comes from the bank, days later (NETWORK_ACTION_REQUIRED).
  async pendingPayment(s: SessionRef, until: Date) { await this.answer(s, 'PENDING', (api) => api.paymentPending(s.gid, 'NETWORK_ACTION_REQUIRED', until)); }
  async resolveRefund(s: SessionRef) { await this.answer(s, 'RESOLVED', (api) => api.resolveRefund(s.gid)); }
  async rejectRefund(s: SessionRef, reason: Rejection<'PROCESSING_ERROR'>) { await this.answer(s, 'REJECTED', (api) => api.rejectRefund(s.gid, shown(reason))); }
  async resolveCapture(s: SessionRef) { await this.answer(s, 'RESOLVED', (api) => api.resolveCapture(s.gid)); }
  async rejectCapture(s: SessionRef, reason: Rejection<CaptureRejection>) {
    await this.answer(s, 'REJECTED', (api) => api.rejectCapture(s.gid, reason.code, shown(reason)));
  }
  async resolveVoid(s: SessionRef) { await this.answer(s, 'RESOLVED', (api) => api.resolveVoid(s.gid)); }
  async rejectVoid(s: SessionRef, reason: Rejection<'PROCESSING_ERROR'>) { await this.answer(s, 'REJECTED', (api) => api.rejectVoid(s.gid, shown(reason))); }

  private async answer<T extends { state: { code: string } }>(s: SessionRef, wanted: Wanted, call: (api: ShopifyPaymentSessions) => Promise<T>): Promise<T> {
    let session: T;
    try {
      session = await call(await this.sessionsFor(s.shop));
    } catch (error) {
      if (!(error instanceof ShopifyUserErrors)) throw error;
      throw new SettleError('shopify_session_refused', `Shopify refused to mark ${s.gid} ${wanted.toLowerCase()}: ${error.userErrors.map((e) => e.message).join('; ')}`, 409);
    }
    if (session.state.code !== wanted) {
      throw new SettleError('shopify_session_refused', `Shopify left ${s.gid} ${session.state.code.toLowerCase()} when asked to mark it ${wanted.toLowerCase()}.`, 409);
    }
    return session;
  }
}

/** Shopify shows the merchant at most 255 characters of Settle's message. */
const shown = (reason: Rejection<string>) => reason.merchantMessage?.slice(0, 255);

/**
 * Each shop's Payments Apps API as every Shopify call of Settle reaches it: the app's shopifyApi
 * instance (so the shop URL template applies) and the shop's offline token from shopAccess
 * (renewed when about to expire, refused once the app is uninstalled).
 */
export function appPaymentSessions(
  services: Parameters<typeof shopAccess>[0] & { connections: ConnectionStore },
  options: Omit<ShopifyGraphqlOptions, 'api'> = {},
): PaymentSessionsFor {
  return async (shop) => {
    const merchantId = await services.connections.merchantForAccount('shopify', shop);
    if (!merchantId) throw new SettleError('shopify_not_installed', `Settle is not installed in ${shop}: install Settle from the Shopify admin.`, 409);
    const { session } = await shopAccess(services, merchantId);
    // shopAccess finds no session without a configured app, so the app is there.
    const client = new ShopifyGraphql(shopifyApp(services.config)!, { shop, accessToken: session.accessToken! }, { ...options, api: 'payments-apps' });
    return new ShopifyPaymentSessions(client);
  };
}
