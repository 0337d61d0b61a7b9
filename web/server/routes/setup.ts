import { randomBytes } from 'node:crypto';
import { Router, json, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import { parseBody, route, sendError } from '../http';
import { SettleError } from '../../../core/errors';
import { ARRIVALS, SETUP_STEPS, loadSetup, saveSetup, type Arrival, type SetupProgress } from '../../../core/setup/progress';
import { runPreflight } from '../../../core/setup/preflight/run';
import { newDryRun, runDryRun, type DryRunView } from '../../../core/setup/dry-run';
import { connectStripe } from '../../../connectors/stripe/connect';
import { dryRunPorts, renewStripeWebhook, setupFacts } from '../setup-facts';
import { checkWooWebhooks } from '../woo-webhook-health';

const PAYMENT_METHODS = ['card', 'apple_pay', 'google_pay', 'sepa_debit'] as const;

const SetupChange = z.object({
  step: z.enum(SETUP_STEPS).optional(),
  arrivedFrom: z.enum(ARRIVALS).optional(),
  choices: z.object({
    connect: z.object({ store: z.enum(['woocommerce', 'shopify']).nullable(), stripe: z.boolean(), quickbooks: z.boolean() }).strict(),
    paymentMethods: z.array(z.enum(PAYMENT_METHODS)).max(PAYMENT_METHODS.length),
    currencies: z.array(z.string().regex(/^[A-Za-z]{3}$/, 'a three-letter ISO 4217 code').transform((c) => c.toUpperCase())).max(20),
  }).strict().optional(),
}).strict();

const LiveKeys = z.object({
  secretKey: z.string().min(10).max(300),
  publishableKey: z.string().min(10).max(300),
}).strict().partial();

/** A dry run not heard from for this long was cut short (the server restarted): it may be run again. */
const DRY_RUN_STALE_MS = 2 * 60_000;

/**
 * Guided setup: where the merchant is (GET/PUT /api/setup, so they can leave and come back), the
 * preflight checks, the dry run (started, then watched while it runs) and the switch to live, which
 * runs the checks again with the live keys and refuses while any fails.
 */
export function setupRoutes(services: Services, auth: RequestHandler): Router {
  const router = Router();
  const body = json({ limit: services.config.API_BODY_LIMIT });

  /** Merchants who connected Stripe before setup existed were set up by hand: the wizard does not stand in their way. */
  async function view(merchantId: string): Promise<{ setup: SetupProgress; needed: boolean; connections: { platform: string; status: string }[] }> {
    const connections = (await services.connections.list(merchantId)).map((c) => ({ platform: c.platform, status: c.status }));
    const has = (p: string) => connections.some((c) => c.platform === p);
    const arrivedFrom: Arrival = has('shopify') ? 'shopify' : has('woocommerce') ? 'woocommerce' : has('quickbooks') ? 'quickbooks' : 'direct';
    const setup = await loadSetup(services.db, merchantId, arrivedFrom);
    const needed = setup.updatedAt ? !setup.completedAt : !has('stripe');
    return { setup, needed, connections };
  }

  router.get('/api/setup', auth, route(async (req, res) => {
    res.json(await view(req.merchant!.id));
  }));

  router.put('/api/setup', auth, body, route(async (req, res) => {
    const change = parseBody(SetupChange, req);
    const merchantId = req.merchant!.id;
    const current = (await view(merchantId)).setup;
    // The first save keeps where the merchant came from, as the first look worked it out.
    await saveSetup(services.db, merchantId, { arrivedFrom: current.arrivedFrom, ...change });
    res.json(await view(merchantId));
  }));

  router.post('/api/setup/preflight', auth, route(async (req, res) => {
    const merchantId = req.merchant!.id;
    const { setup } = await view(merchantId);
    const preflight = await runPreflight({ facts: setupFacts(services, merchantId, setup.choices), mode: setup.mode, choices: setup.choices });
    await saveSetup(services.db, merchantId, { arrivedFrom: setup.arrivedFrom, preflight });
    res.json({ preflight });
  }));

  // The fix the store-webhooks check offers: Settle turns its WooCommerce webhooks back on.
  router.post('/api/setup/preflight/repair-store-webhooks', auth, route(async (req, res) => {
    const merchantId = req.merchant!.id;
    if (!(await services.connections.find(merchantId, 'woocommerce'))) return sendError(res, 409, 'not_connected', 'No WooCommerce store is connected.');
    const { repaired } = await checkWooWebhooks(services, merchantId);
    res.json({ repaired });
  }));

  // The fix the Stripe-webhooks check offers: a new endpoint on the merchant's account, its secret kept.
  router.post('/api/setup/preflight/renew-stripe-webhook', auth, route(async (req, res) => {
    res.json(await renewStripeWebhook(services, req.merchant!.id));
  }));

  router.get('/api/setup/dry-run', auth, route(async (req, res) => {
    res.json({ dryRun: (await loadSetup(services.db, req.merchant!.id)).dryRun });
  }));

  // Starts the dry run and answers at once; the wizard watches its steps with GET.
  router.post('/api/setup/dry-run', auth, route(async (req, res) => {
    const merchantId = req.merchant!.id;
    const { setup } = await view(merchantId);
    const running = setup.dryRun;
    if (running?.status === 'running' && Date.now() - Date.parse(running.startedAt) < DRY_RUN_STALE_MS) return res.status(202).json({ dryRun: running });
    const save = async (dryRun: DryRunView) => void (await saveSetup(services.db, merchantId, { dryRun }));
    const ports = await dryRunPorts(services, merchantId, setup.choices, save);
    const dryRun = newDryRun(randomBytes(8).toString('hex'), new Date());
    await save(dryRun);
    const currency = setup.choices.currencies[0] ?? 'USD';
    runDryRun(ports, structuredClone(dryRun), { merchantId, currency, now: new Date() })
      .catch((error: unknown) => req.log.error({ err: error, merchant: merchantId }, 'the setup dry run stopped'));
    res.status(202).json({ dryRun });
  }));

  /**
   * Test → live. With live keys: they are connected (Settle's webhook endpoint registered on the
   * live account) and every check runs for live mode; if any fails the test connection is put back
   * and nothing switches. Through Stripe Connect the checks run on the connection as it is.
   */
  router.post('/api/setup/go-live', auth, body, route(async (req, res) => {
    const merchantId = req.merchant!.id;
    const keys = parseBody(LiveKeys, req);
    const { setup } = await view(merchantId);
    const previous = await services.connections.find<object, object>(merchantId, 'stripe');
    if (keys.secretKey && keys.publishableKey) {
      const connected = await connectStripe({
        secretKey: keys.secretKey, publishableKey: keys.publishableKey, apiBase: services.config.STRIPE_API_BASE,
        webhookUrl: `${services.config.publicUrl}/webhooks/stripe/${merchantId}`,
      });
      await services.connections.save({ merchantId, platform: 'stripe', ...connected });
    } else if (keys.secretKey || keys.publishableKey) {
      throw new SettleError('invalid_request', 'Enter both live keys: the secret key (sk_live_…) and the publishable key (pk_live_…).', 400);
    } else if (!previous) {
      throw new SettleError('platform_not_connected', 'Connect Stripe before going live.', 409);
    }
    const preflight = await runPreflight({ facts: setupFacts(services, merchantId, setup.choices), mode: 'live', choices: setup.choices });
    if (!preflight.passed) {
      if (previous && keys.secretKey) await services.connections.save(previous);
      await saveSetup(services.db, merchantId, { arrivedFrom: setup.arrivedFrom, preflight });
      res.status(409).json({ error: { code: 'preflight_failed', message: 'Settle stays in test mode: a check failed with the live keys. Fix it and try again.' }, preflight });
      return;
    }
    await saveSetup(services.db, merchantId, { arrivedFrom: setup.arrivedFrom, preflight, mode: 'live', step: 'go_live', completed: true });
    req.log.info({ merchant: merchantId }, 'the merchant switched Settle to live payments');
    res.json(await view(merchantId));
  }));
  return router;
}
