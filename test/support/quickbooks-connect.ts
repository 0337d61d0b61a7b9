/**
 * Settle as an Intuit app in the QuickBooks sandbox, and a merchant pressing "Connect to QuickBooks":
 * Settle's button, Intuit's consent page (pick a company, Connect or Cancel), back to Settle's callback.
 */
import type { Sandboxes } from './journey';

export interface IntuitApp {
  app: { client_id: string; client_secret: string };
  verifierToken: string;
  env: Record<string, string>;
}

/** Registers Settle's app (redirect URI, webhooks to Settle) and answers the environment Settle needs. */
export async function setUpIntuitApp(sandboxes: Sandboxes, settleUrl: string, format: 'legacy' | 'cloudevents' = 'legacy'): Promise<IntuitApp> {
  const qb = sandboxes.quickbooks;
  const app = await qb.createApp({ redirect_uris: [`${settleUrl}/quickbooks/callback`] });
  const { verifier_token } = await qb.subscribeWebhooks(app.client_id, { url: `${settleUrl}/webhooks/quickbooks`, format });
  return {
    app, verifierToken: verifier_token,
    env: {
      QUICKBOOKS_CLIENT_ID: app.client_id, QUICKBOOKS_CLIENT_SECRET: app.client_secret,
      QUICKBOOKS_AUTHORIZE_URL: qb.authorizeUrl, QUICKBOOKS_REVOKE_URL: qb.revokeUrl,
      QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN: verifier_token,
    },
  };
}

/**
 * The merchant presses "Connect to QuickBooks" in Settle, then Connect (with `realmId`, or a new
 * company) or Cancel on Intuit's page. Answers Settle's callback response (303 to the admin when connected).
 */
export async function connectThroughIntuit(
  settleUrl: string, apiKey: string, options: { realmId?: string; decision?: 'connect' | 'cancel'; companyName?: string } = {},
): Promise<{ callback: Response; realmId: string | null }> {
  const start = await fetch(`${settleUrl}/quickbooks/connect`, { headers: { Authorization: `Bearer ${apiKey}` }, redirect: 'manual' });
  if (start.status !== 302) throw new Error(`Settle's button answered ${start.status}: ${await start.text()}`);
  const consentUrl = new URL(start.headers.get('location')!);
  const page = await fetch(consentUrl);
  if (!page.ok || !(await page.text()).includes('Connect')) throw new Error(`Intuit's consent page answered ${page.status}`);
  const approved = await fetch(`${consentUrl.origin}${consentUrl.pathname}`, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      ...Object.fromEntries(consentUrl.searchParams), decision: options.decision ?? 'connect',
      realm_id: options.realmId ?? '', company_name: options.companyName ?? 'Books of the shop',
    }),
  });
  const back = new URL(approved.headers.get('location')!);
  const callback = await fetch(back, { redirect: 'manual' });
  return { callback, realmId: back.searchParams.get('realmId') };
}
