/**
 * Settle as a Stripe Connect platform, as the tests set it up: a platform account in the Stripe
 * sandbox whose OAuth redirects to Settle and whose Connect webhook endpoint is Settle's; and the
 * merchant's browser going through Stripe's consent page and back to Settle.
 */
import { stripeClient } from '../../connectors/stripe/client';
import { STRIPE_EVENTS } from '../../connectors/stripe/mapping';
import type { SandboxPlatform } from '../sandbox/stripe';
import type { Sandboxes } from './journey';

export interface ConnectPlatform {
  platform: SandboxPlatform;
  /** Settle's environment for it (STRIPE_CONNECT_CLIENT_ID and the rest). */
  env: Record<string, string>;
}

/** What the operator does in Stripe's Dashboard: Connect settings and the Connect webhook endpoint. */
export async function setUpConnectPlatform(sandboxes: Sandboxes, settleUrl: string): Promise<ConnectPlatform> {
  const platform = sandboxes.stripe.createPlatform({ name: 'Settle', redirect_uris: [`${settleUrl}/connect/stripe/callback`] });
  const endpoint = await stripeClient(platform.secret_key, sandboxes.stripe.url).webhookEndpoints.create({
    url: `${settleUrl}/webhooks/stripe/connect`, connect: true,
    enabled_events: [...STRIPE_EVENTS, 'account.application.deauthorized'] as never,
  });
  return {
    platform,
    env: {
      STRIPE_CONNECT_CLIENT_ID: platform.client_id, STRIPE_PLATFORM_SECRET_KEY: platform.secret_key,
      STRIPE_CONNECT_WEBHOOK_SECRET: endpoint.secret!, STRIPE_CONNECT_BASE: sandboxes.stripe.url,
    },
  };
}

/**
 * The merchant clicks "Connect with Stripe" in Settle, approves on Stripe's page as the owner of
 * `account` (signed in), and their browser follows Stripe back to Settle. Returns Settle's answer.
 */
export async function connectThroughStripe(settleUrl: string, apiKey: string, account: string, decision: 'allow' | 'deny' = 'allow'): Promise<Response> {
  const start = await fetch(`${settleUrl}/api/connections/stripe/oauth`, { method: 'POST', headers: { Authorization: `Bearer ${apiKey}` } });
  if (start.status !== 201) throw new Error(`starting Stripe Connect → ${start.status}: ${await start.text()}`);
  const back = await approveOnStripe((await start.json() as { url: string }).url, account, decision);
  return fetch(back, { redirect: 'manual' });
}

/** Stripe's consent page: read its form and press Connect (or Deny); returns where Stripe sends the browser. */
export async function approveOnStripe(authorizeUrl: string, account: string, decision: 'allow' | 'deny' = 'allow'): Promise<string> {
  const html = await (await fetch(authorizeUrl)).text();
  const fields = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c)))]));
  const answer = await fetch(new URL('/oauth/authorize', authorizeUrl), {
    method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...fields, stripe_user_id: account, decision }),
  });
  const location = answer.headers.get('location');
  if (answer.status !== 302 || !location) throw new Error(`Stripe's consent page answered ${answer.status}: ${await answer.text()}`);
  return location;
}
