/**
 * Alerts, end to end with a real SMTP peer: the merchant disconnects QuickBooks, the worker's
 * scheduled check raises one alert (in the admin API and on the status page) and sends one plain
 * email, however many checks run while it lasts; the merchant connects QuickBooks again and the
 * alert resolves by itself. The mail server's password never shows in what Settle logged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { connectQuickBooks, merchantApi, signUpAndConnect, type ConnectedMerchant } from '../support/journey';
import { startMailbox, type Mailbox } from '../support/mailbox';

describe('alerts in the admin and by email', { timeout: 120_000 }, () => {
  let mailbox: Mailbox;
  let stack: SettleStack;
  let merchant: ConnectedMerchant;
  let other: ConnectedMerchant;
  const api = (path: string, init?: { method?: string; body?: unknown }) => merchantApi(stack.settleUrl, merchant.apiKey, path, init);

  beforeAll(async () => {
    mailbox = await startMailbox();
    stack = await startSettleStack({ env: { SMTP_URL: mailbox.url, ALERT_FROM: 'Settle <alerts@settle.test>', ALERTS_CHECK_MS: '700', LOG_LEVEL: 'debug' } });
    merchant = await signUpAndConnect(stack.settleUrl, stack.sandboxes, 'Alert Bicycles');
    other = await signUpAndConnect(stack.settleUrl, stack.sandboxes, 'Quiet Neighbour');
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await mailbox?.close();
  });

  it('keeps the address alerts are emailed to, and refuses one that is not an address', async () => {
    expect((await api('/api/alerts/settings', { method: 'PUT', body: { email: 'not an address' } })).status).toBe(400);
    const saved = await api('/api/alerts/settings', { method: 'PUT', body: { email: 'owner@alert-bicycles.test' } });
    expect(saved).toEqual({ status: 200, body: { email: 'owner@alert-bicycles.test', emailEnabled: true } });
    expect((await api('/api/alerts')).body.alerts).toEqual([]);
    expect((await api('/api/status')).body.connections).toEqual(expect.arrayContaining([
      expect.objectContaining({ platform: 'quickbooks', health: 'connected' }),
    ]));
  });

  it('QuickBooks disconnected: one alert in the admin and one email in plain words', async () => {
    expect((await api('/api/connections/quickbooks', { method: 'DELETE' })).status).toBe(200);
    const { alerts } = await eventually(async () => (await api('/api/alerts')).body, (b) => b.alerts.length > 0);
    expect(alerts).toEqual([expect.objectContaining({ kind: 'platform_disconnected', subject: 'quickbooks', title: 'QuickBooks is not connected', resolvedAt: null })]);
    const mail = await eventually(async () => mailbox.received, (r) => r.length > 0);
    expect(mail[0]).toMatchObject({ from: 'alerts@settle.test', to: ['owner@alert-bicycles.test'], subject: 'Settle: QuickBooks is not connected' });
    expect(mail[0]!.text).toContain('Hello Alert Bicycles');
    expect(mail[0]!.text).toContain('QuickBooks was disconnected from Settle. Sales, fees and payouts wait to be posted to your books');

    // Several more checks run while it lasts: still one alert, still one email.
    const seen = alerts[0].lastSeenAt;
    await eventually(async () => (await api('/api/alerts')).body.alerts, (a) => a[0]?.lastSeenAt !== seen && a.length === 1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(mailbox.received).toHaveLength(1);
    expect((await api('/api/alerts')).body.alerts).toHaveLength(1);

    const status = (await api('/api/status')).body;
    expect(status.connections).toEqual(expect.arrayContaining([expect.objectContaining({ platform: 'quickbooks', health: 'disconnected' })]));
    expect(status.alerts).toEqual([expect.objectContaining({ title: 'QuickBooks is not connected' })]);
    // The other merchant sees none of it.
    expect((await merchantApi(stack.settleUrl, other.apiKey, '/api/alerts')).body.alerts).toEqual([]);
    expect((await merchantApi(stack.settleUrl, other.apiKey, `/api/alerts/${alerts[0].id}/dismiss`, { method: 'POST' })).status).toBe(404);
  });

  it('dismissing hides the banner but keeps the alert open', async () => {
    const [alert] = (await api('/api/alerts')).body.alerts;
    const dismissed = await api(`/api/alerts/${alert.id}/dismiss`, { method: 'POST' });
    expect(dismissed.body.alert).toMatchObject({ id: alert.id, resolvedAt: null });
    expect(dismissed.body.alert.dismissedAt).not.toBeNull();
  });

  it('QuickBooks connected again: the alert resolves by itself and no more mail is sent', async () => {
    await connectQuickBooks(stack.sandboxes, stack.settleUrl, merchant.apiKey, 'Alert Bicycles');
    await eventually(async () => (await api('/api/alerts')).body.alerts, (a) => a.length === 0);
    const { alerts } = (await api('/api/alerts?status=resolved')).body;
    expect(alerts).toEqual([expect.objectContaining({ kind: 'platform_disconnected', subject: 'quickbooks' })]);
    expect(alerts[0].resolvedAt).not.toBeNull();
    expect(mailbox.received).toHaveLength(1);
  });

  it("the store's webhooks refused for a bad signature: an alert and an email saying so", async () => {
    // Settle's webhooks are set up in the store (and their secret made), as the scheduled check does.
    expect((await api('/api/connections/woocommerce/webhooks/check', { method: 'POST', body: {} })).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const refused = await fetch(`${stack.settleUrl}/webhooks/woocommerce/${merchant.merchantId}`, {
        method: 'POST', body: '{"id":1}',
        headers: { 'Content-Type': 'application/json', 'X-WC-Webhook-Topic': 'order.updated', 'X-WC-Webhook-Signature': 'c2lnbmVkIHdpdGggYW4gb2xkIHNlY3JldA==' },
      });
      expect(refused.status).toBe(401);
    }
    const alerts = await eventually(async () => (await api('/api/alerts')).body.alerts, (a) => a.length > 0);
    expect(alerts).toEqual([expect.objectContaining({ kind: 'webhooks_failing', subject: 'woocommerce', title: "Your store's webhooks are failing" })]);
    const mail = await eventually(async () => mailbox.received, (r) => r.length === 2);
    expect(mail[1]!.subject).toBe("Settle: Your store's webhooks are failing");
    expect(mail[1]!.text).toContain('because their signature did not match');
    expect((await merchantApi(stack.settleUrl, other.apiKey, '/api/alerts')).body.alerts).toEqual([]);
  });

  it('never logs the mail server password', () => {
    expect(stack.worker.output()).toContain('alerts checked');
    expect(stack.worker.output()).not.toContain(mailbox.password);
    expect(stack.server.output()).not.toContain(mailbox.password);
  });
});
