/**
 * The Shopify app's configuration as Shopify CLI reads it: every URL in shopify.app.toml is one
 * Settle serves, every webhook topic one Settle handles, the privacy topics are the three mandatory
 * ones, the scopes are what Settle asks for, and the payments extension targets offsite payments on
 * Settle's host with test mode. Parsed with a real TOML parser (smol-toml).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOPIFY_API_VERSION } from '../../connectors/shopify/app';
import { SHOPIFY_TOPICS } from '../../connectors/shopify/webhooks';
import { startSettleInProcess } from '../support/in-process';

interface AppToml {
  client_id: string;
  name: string;
  application_url: string;
  embedded: boolean;
  access_scopes: { scopes: string };
  auth: { redirect_urls: string[] };
  webhooks: { api_version: string; subscriptions: { topics?: string[]; compliance_topics?: string[]; uri: string }[] };
}
interface ExtensionToml {
  api_version: string;
  extensions: ({ type: string; targeting: { target: string }[]; test_mode_available: boolean; supported_countries: string[]; supported_payment_methods: string[] } & Record<string, unknown>)[];
}

const read = <T>(path: string) => parse(readFileSync(new URL(`../../plugins/shopify/${path}`, import.meta.url), 'utf8')) as T;

describe('Shopify app configuration (plugins/shopify)', () => {
  let settle: Awaited<ReturnType<typeof startSettleInProcess>>;
  let app: AppToml;
  let extension: ExtensionToml;
  let origin: string;

  beforeAll(async () => {
    app = read<AppToml>('shopify.app.toml');
    extension = read<ExtensionToml>('extensions/settle-payments/shopify.extension.toml');
    origin = new URL(app.application_url).origin;
    settle = await startSettleInProcess({ SHOPIFY_API_KEY: 'settle_config_test', SHOPIFY_API_SECRET: 'config-test-secret' });
  });
  afterAll(() => settle?.close());

  /** The same path on the Settle under test: anything but Express's "nothing here" means Settle serves it. */
  const served = async (url: string, method: 'GET' | 'POST') => {
    const res = await fetch(`${settle.url}${new URL(url).pathname}`, { method, redirect: 'manual', body: method === 'POST' ? '{}' : undefined });
    const text = await res.text();
    return res.status !== 404 || !text.includes('"not_found"');
  };

  it('is an embedded app on https, and its OAuth redirect is the callback Settle serves', async () => {
    expect(app.client_id).toBeTruthy();
    expect(app.embedded).toBe(true);
    expect(app.application_url).toMatch(/^https:\/\//);
    expect(app.auth.redirect_urls).toEqual([`${origin}/shopify/callback`]);
    for (const url of app.auth.redirect_urls) expect(await served(url, 'GET')).toBe(true);
    expect(new URL(app.application_url).pathname).toBe('/admin/');
  });

  it('subscribes to exactly the topics Settle handles, the three privacy topics as compliance topics', async () => {
    expect(app.webhooks.api_version).toBe(SHOPIFY_API_VERSION);
    const topics = app.webhooks.subscriptions.flatMap((s) => s.topics ?? []);
    const compliance = app.webhooks.subscriptions.flatMap((s) => s.compliance_topics ?? []);
    expect(compliance.sort()).toEqual(['customers/data_request', 'customers/redact', 'shop/redact']);
    expect([...topics, ...compliance].sort()).toEqual(Object.values(SHOPIFY_TOPICS).sort());
    for (const { uri } of app.webhooks.subscriptions) {
      expect(new URL(uri).origin).toBe(origin);
      expect(await served(uri, 'POST')).toBe(true);
      // An unsigned delivery there is refused as Shopify's app review expects.
      expect((await fetch(`${settle.url}${new URL(uri).pathname}`, { method: 'POST', body: '{}' })).status).toBe(401);
    }
  });

  it("asks for the scopes Settle's configuration asks for (the payments scopes come with the extension)", () => {
    const configured = settle.services.config.SHOPIFY_SCOPES.split(',').filter((s) => !s.startsWith('write_payment_'));
    expect(app.access_scopes.scopes.split(',').sort()).toEqual(configured.sort());
  });

  it("is an offsite payments extension on Settle's host, with test mode and the API version Settle speaks", () => {
    expect(extension.api_version).toBe(SHOPIFY_API_VERSION);
    expect(extension.extensions).toHaveLength(1);
    const [payments] = extension.extensions;
    expect(payments!.type).toBe('payments_extension');
    expect(payments!.targeting).toEqual([{ target: 'payments.offsite.render' }]);
    expect(payments!.test_mode_available).toBe(true);
    expect(payments!.supported_countries.length).toBeGreaterThan(0);
    expect(payments!.supported_payment_methods).toContain('visa');
    for (const key of ['payment_session_url', 'refund_session_url', 'capture_session_url', 'void_session_url']) {
      expect(new URL(String(payments![key])).origin).toBe(origin);
      expect(new URL(String(payments![key])).pathname).toMatch(/^\/shopify\/payments\//);
    }
  });

  it('sends payment, refund, capture and void sessions to routes Settle serves', async () => {
    const [payments] = extension.extensions;
    for (const key of ['payment_session_url', 'refund_session_url', 'capture_session_url', 'void_session_url']) {
      expect(await served(String(payments![key]), 'POST'), key).toBe(true);
    }
  });
});
