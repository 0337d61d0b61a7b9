import { RetryableError, SettleError } from '../../core/errors';
import type { ConnectionStore } from '../../core/merchants/connections';
import type { PaymentSessionsGateway, Rejection, SessionRef } from '../../core/payments/sessions/gateway';
import { shopAccess } from './shop-access';

/**
 * Shopify's Payments Apps API (2026-07) for payment, refund, capture and void sessions: raw GraphQL
 * over fetch until connectors/shopify/payments-apps.ts (the shared, throttle-aware client) takes
 * its place. Every shop is reached at `https://{shop}/payments_apps/api/2026-07/graphql.json`, sent
 * through Settle's shop URL template (SHOPIFY_SHOP_URL) like every other shop call.
 */
const API_VERSION = '2026-07';

/** A shop's offline access token (the app's sessions; connectors/shopify/sessions.ts keeps them). */
export interface ShopAccessTokens {
  accessTokenFor(shop: string): Promise<string | undefined>;
}

type SessionField = 'paymentSession' | 'refundSession' | 'captureSession' | 'voidSession';
type Payload = { userErrors: { field?: string[] | null; message: string; code?: string | null }[] } & Partial<Record<SessionField, {
  id: string; state: { __typename: string; code: string; reason?: string | null };
  nextAction?: { action: string; context: { __typename: string; redirectUrl?: string } } | null;
} | null>>;

const STATE = 'state { __typename ... on PaymentSessionStateResolved { code } ... on PaymentSessionStateRejected { code reason } }';
const NEXT_ACTION = 'nextAction { action context { __typename ... on PaymentSessionActionsRedirect { redirectUrl } } }';
const moneyState = (prefix: string) => `state { __typename ... on ${prefix}StateResolved { code } ... on ${prefix}StateRejected { code reason } }`;

const MUTATIONS = {
  paymentSessionResolve: `mutation PaymentSessionResolve($id: ID!) { paymentSessionResolve(id: $id) { paymentSession { id ${STATE} ${NEXT_ACTION} } userErrors { field message } } }`,
  paymentSessionReject: `mutation PaymentSessionReject($id: ID!, $reason: PaymentSessionRejectionReasonInput!) { paymentSessionReject(id: $id, reason: $reason) { paymentSession { id ${STATE} } userErrors { field message } } }`,
  refundSessionResolve: `mutation RefundSessionResolve($id: ID!) { refundSessionResolve(id: $id) { refundSession { id ${moneyState('RefundSession')} } userErrors { field message code } } }`,
  refundSessionReject: `mutation RefundSessionReject($id: ID!, $reason: RefundSessionRejectionReasonInput!) { refundSessionReject(id: $id, reason: $reason) { refundSession { id ${moneyState('RefundSession')} } userErrors { field message code } } }`,
  captureSessionResolve: `mutation CaptureSessionResolve($id: ID!) { captureSessionResolve(id: $id) { captureSession { id ${moneyState('CaptureSession')} } userErrors { field message code } } }`,
  captureSessionReject: `mutation CaptureSessionReject($id: ID!, $reason: CaptureSessionRejectionReasonInput!) { captureSessionReject(id: $id, reason: $reason) { captureSession { id ${moneyState('CaptureSession')} } userErrors { field message code } } }`,
  voidSessionResolve: `mutation VoidSessionResolve($id: ID!) { voidSessionResolve(id: $id) { voidSession { id ${moneyState('VoidSession')} } userErrors { field message code } } }`,
  voidSessionReject: `mutation VoidSessionReject($id: ID!, $reason: VoidSessionRejectionReasonInput!) { voidSessionReject(id: $id, reason: $reason) { voidSession { id ${moneyState('VoidSession')} } userErrors { field message code } } }`,
} as const;
type Mutation = keyof typeof MUTATIONS;

/** Every Payments Apps mutation that answers a session; each file in GraphQL documents is validated by the contract test once merged. */
export const PAYMENT_SESSION_DOCUMENTS: readonly string[] = Object.values(MUTATIONS);

export class ShopifyPaymentSessionsGateway implements PaymentSessionsGateway {
  constructor(private readonly tokens: ShopAccessTokens, private readonly shopUrlTemplate = 'https://{shop}') {}

  async resolvePayment(s: SessionRef) {
    const session = await this.answer(s, 'paymentSessionResolve', 'paymentSession', 'RESOLVED');
    return { nextUrl: session?.nextAction?.context.redirectUrl ?? null };
  }
  async rejectPayment(s: SessionRef, reason: Rejection<string>) { await this.answer(s, 'paymentSessionReject', 'paymentSession', 'REJECTED', reason); }
  async resolveRefund(s: SessionRef) { await this.answer(s, 'refundSessionResolve', 'refundSession', 'RESOLVED'); }
  async rejectRefund(s: SessionRef, reason: Rejection<string>) { await this.answer(s, 'refundSessionReject', 'refundSession', 'REJECTED', reason); }
  async resolveCapture(s: SessionRef) { await this.answer(s, 'captureSessionResolve', 'captureSession', 'RESOLVED'); }
  async rejectCapture(s: SessionRef, reason: Rejection<string>) { await this.answer(s, 'captureSessionReject', 'captureSession', 'REJECTED', reason); }
  async resolveVoid(s: SessionRef) { await this.answer(s, 'voidSessionResolve', 'voidSession', 'RESOLVED'); }
  async rejectVoid(s: SessionRef, reason: Rejection<string>) { await this.answer(s, 'voidSessionReject', 'voidSession', 'REJECTED', reason); }

  /**
   * Sends one mutation. A session already in the state asked for counts as done, whatever
   * userErrors say (a retry after a lost answer); other userErrors are a person's problem.
   */
  private async answer(s: SessionRef, mutation: Mutation, field: SessionField, wanted: 'RESOLVED' | 'REJECTED', reason?: Rejection<string>) {
    const payload = await this.post(s.shop, mutation, { id: s.gid, ...(reason ? { reason: { code: reason.code, merchantMessage: reason.merchantMessage?.slice(0, 255) } } : {}) });
    const session = payload[field] ?? null;
    if (session?.state.code === wanted) return session;
    const errors = payload.userErrors.map((e) => e.message).join('; ') || `the session is ${session?.state.code ?? 'unknown'}`;
    throw new SettleError('shopify_session_refused', `Shopify refused ${mutation} for ${s.gid}: ${errors}`, 409);
  }

  private async post(shop: string, mutation: Mutation, variables: Record<string, unknown>): Promise<Payload> {
    const token = await this.tokens.accessTokenFor(shop);
    if (!token) throw new SettleError('shopify_not_installed', `Settle holds no access token for ${shop}: the app must be installed again.`, 409);
    const url = `${this.shopUrlTemplate.replace('{shop}', shop)}/payments_apps/api/${API_VERSION}/graphql.json`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-Shopify-Access-Token': token },
        body: JSON.stringify({ query: MUTATIONS[mutation], variables }),
        signal: AbortSignal.timeout(20_000),
      });
    } catch (error) {
      throw new RetryableError(`Shopify (${shop}) did not answer ${mutation}: ${(error as Error).message}`);
    }
    const retryAfter = Number(response.headers.get('Retry-After') ?? 0) * 1000 || undefined;
    if (response.status === 429 || response.status >= 500) throw new RetryableError(`Shopify (${shop}) answered ${mutation} with ${response.status}`, retryAfter);
    const body = (await response.json().catch(() => ({}))) as { data?: Record<string, Payload | null>; errors?: { message: string; extensions?: { code?: string } }[] };
    if (body.errors?.some((e) => e.extensions?.code === 'THROTTLED')) throw new RetryableError(`Shopify (${shop}) throttled ${mutation}`, retryAfter ?? 1000);
    if (response.status === 401 || response.status === 403) throw new SettleError('shopify_access_denied', `Shopify refused Settle's access token for ${shop} (${response.status}).`, 409);
    const payload = body.data?.[mutation];
    if (!response.ok || !payload) throw new SettleError('shopify_request_failed', `Shopify (${shop}) could not run ${mutation}: ${body.errors?.map((e) => e.message).join('; ') ?? response.status}`, 502);
    return payload;
  }
}

/**
 * The shop's offline token as every Shopify call of Settle gets it (shop-access.ts: renewed when it
 * is about to expire, refused once the app is uninstalled).
 */
export class AppShopAccessTokens implements ShopAccessTokens {
  constructor(private readonly services: Parameters<typeof shopAccess>[0] & { connections: ConnectionStore }) {}

  async accessTokenFor(shop: string): Promise<string | undefined> {
    const merchantId = await this.services.connections.merchantForAccount('shopify', shop);
    return merchantId ? (await shopAccess(this.services, merchantId)).session.accessToken : undefined;
  }
}
