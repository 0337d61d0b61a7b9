import { Session, type Shopify } from '@shopify/shopify-api';
import { abstractFetch } from '@shopify/shopify-api/runtime';
import { createGraphQLClient } from '@shopify/graphql-client';
import { CostBuckets, type QueryCost } from './cost-bucket';
import { ShopifyAccessRevoked, ShopifyQueryError, ShopifyUnavailable, ShopifyUserErrors } from './errors';
import type { ShopifyUserError } from './documents/types';
import { notePlatformTrouble, troubleOf } from '../../platform-trouble';

/** A shop Settle holds an offline access token for (H5's session storage gives it). */
export interface ShopAccess {
  /** `name.myshopify.com`. */
  shop: string;
  accessToken: string;
}

/** The two GraphQL APIs Settle calls on a shop, each with its own schema and its own cost bucket. */
export type ShopifyApiName = 'admin' | 'payments-apps';

interface GraphqlError {
  message: string;
  extensions?: { code?: string } & Record<string, unknown>;
}

/** What the library's client answers: it never throws; errors describe the HTTP or GraphQL failure. */
interface ClientResponse<T> {
  data?: T;
  extensions?: { cost?: QueryCost } & Record<string, unknown>;
  errors?: { networkStatusCode?: number; message?: string; graphQLErrors?: GraphqlError[]; response?: Response };
}

type Send = <T>(document: string, variables: Record<string, unknown>) => Promise<ClientResponse<T>>;

/** One bucket per process: every client for a shop shares what Shopify said about its points. */
export const sharedBuckets = new CostBuckets();

export interface ShopifyGraphqlOptions {
  api?: ShopifyApiName;
  buckets?: CostBuckets;
  /** Attempts of a call Shopify throttles or fails with 5xx before giving up to the job's own retry. */
  attempts?: number;
}

const operationName = (document: string): string => /\b(?:query|mutation)\s+(\w+)/.exec(document)?.[1] ?? 'an unnamed operation';

/**
 * A shop's Admin or Payments Apps GraphQL API through @shopify/shopify-api's client, respecting
 * Shopify's cost-based throttling: it waits until the shop's bucket can afford a query before
 * sending it, backs off and retries when Shopify answers THROTTLED, and turns every failure into a
 * typed error. Ids and amounts come back as Shopify sends them (strings).
 */
export class ShopifyGraphql {
  readonly api: ShopifyApiName;
  private readonly buckets: CostBuckets;
  private readonly attempts: number;
  private readonly send: Send;

  constructor(
    shopify: Shopify,
    readonly access: ShopAccess,
    options: ShopifyGraphqlOptions = {},
  ) {
    this.api = options.api ?? 'admin';
    this.buckets = options.buckets ?? sharedBuckets;
    this.attempts = options.attempts ?? 5;
    this.send = this.api === 'admin' ? adminTransport(shopify, access) : paymentsAppsTransport(shopify, access);
  }

  private get bucket(): string {
    return `${this.api}:${this.access.shop}`;
  }

  /** Runs a query or mutation and returns its data, or throws a typed error. */
  async request<T, V extends object = Record<string, unknown>>(document: string, variables?: V): Promise<T> {
    const operation = operationName(document);
    const { clock } = this.buckets;
    for (let attempt = 1; ; attempt++) {
      // Checked again after each sleep: another call for the shop may have spent the points meanwhile.
      for (let wait = this.buckets.waitBefore(this.bucket, operation); wait > 0; wait = this.buckets.waitBefore(this.bucket, operation)) {
        await clock.sleep(wait);
      }
      this.buckets.spend(this.bucket, operation);
      const response = await this.send<T>(document, (variables ?? {}) as Record<string, unknown>);
      const cost = response.extensions?.cost;
      if (cost) this.buckets.record(this.bucket, operation, cost);

      const retryIn = this.retryDelay(response, operation);
      if (retryIn === undefined) return this.dataOf(response, operation);
      if (attempt >= this.attempts) {
        throw new ShopifyUnavailable(`Shopify kept refusing ${operation} for ${this.access.shop} (${describe(response)}) after ${attempt} attempts.`, retryIn);
      }
      await clock.sleep(retryIn);
    }
  }

  /**
   * Runs a mutation and returns its payload (`data[field]`), throwing ShopifyUserErrors when
   * Shopify refused it with userErrors.
   */
  async mutate<P extends { userErrors: ShopifyUserError[] }, V extends object = Record<string, unknown>>(document: string, variables: V, field: string): Promise<P> {
    const data = await this.request<Record<string, P | null>, V>(document, variables);
    const payload = data[field];
    if (!payload) throw new ShopifyQueryError(operationName(document), [`no ${field} in the answer`]);
    if (payload.userErrors.length) throw new ShopifyUserErrors(operationName(document), payload.userErrors);
    return payload;
  }

  /** How long to wait before trying again, or undefined when the response is final (data or a lasting error). */
  private retryDelay(response: ClientResponse<unknown>, operation: string): number | undefined {
    const status = response.errors?.networkStatusCode;
    const throttled = response.errors?.graphQLErrors?.some((e) => e.extensions?.code === 'THROTTLED');
    const trouble = throttled ? 'throttled' : troubleOf(status);
    if (trouble) notePlatformTrouble('shopify', trouble);
    if (throttled) {
      // Wait until the bucket holds what the query asked for (Shopify just said where it stands);
      // without a throttleStatus to go by, a second.
      return this.buckets.waitBefore(this.bucket, operation) || 1000;
    }
    if (status === 429) {
      const retryAfter = Number(response.errors?.response?.headers.get('retry-after') ?? '1');
      return (Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 1) * 1000;
    }
    if (status !== undefined && status >= 500) return 1000;
    return undefined;
  }

  private dataOf<T>(response: ClientResponse<T>, operation: string): T {
    const errors = response.errors;
    if (!errors) return response.data as T;
    const status = errors.networkStatusCode;
    if (status === 401 || status === 403) throw new ShopifyAccessRevoked(this.access.shop);
    if (status === undefined) {
      // No answer at all (connection refused, reset, timeout): the call may or may not have run.
      throw new ShopifyUnavailable(`Shopify could not be reached for ${operation} on ${this.access.shop}: ${errors.message ?? 'no answer'}.`);
    }
    throw new ShopifyQueryError(operation, errors.graphQLErrors?.map((e) => e.message) ?? [errors.message ?? `HTTP ${status}`]);
  }
}

function describe(response: ClientResponse<unknown>): string {
  const code = response.errors?.graphQLErrors?.find((e) => e.extensions?.code)?.extensions?.code;
  return code ?? `HTTP ${response.errors?.networkStatusCode ?? 'no answer'}`;
}

/** The library's Admin API client for an offline session of the shop. */
function adminTransport(shopify: Shopify, access: ShopAccess): Send {
  const session = new Session({ id: shopify.session.getOfflineId(access.shop), shop: access.shop, state: '', isOnline: false, accessToken: access.accessToken });
  const client = new shopify.clients.Graphql({ session }).client;
  return (document, variables) => client.request(document, { variables }) as never;
}

/**
 * The Payments Apps API lives beside the Admin API (`https://{shop}/payments_apps/api/{version}/graphql.json`)
 * and the library has no client for it: its underlying GraphQL client is pointed there, with the
 * library's fetch (so the shop URL template applies to it as to the Admin API).
 */
function paymentsAppsTransport(shopify: Shopify, access: ShopAccess): Send {
  const client = createGraphQLClient({
    url: `https://${access.shop}/payments_apps/api/${shopify.config.apiVersion}/graphql.json`,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-Shopify-Access-Token': access.accessToken },
    customFetchApi: abstractFetch,
  });
  return (document, variables) => client.request(document, { variables }) as never;
}
