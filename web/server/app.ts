import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import express, { type Express, type RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import type { Services } from './services';
import { requireMerchant, SessionTokens } from './auth';
import { errorHandler, notFound, refuseNulInUrl } from './errors';
import { healthRoutes } from './routes/health';
import { merchantRoutes } from './routes/merchants';
import { wooAuthorizeRoutes } from './routes/woocommerce-authorize';
import { wooConnectionRoutes } from './routes/woocommerce-connection';
import { paymentRoutes } from './routes/payments';
import { payoutRoutes } from './routes/payouts';
import { customerRoutes } from './routes/customers';
import { disputeRoutes } from './routes/disputes';
import { payRoutes } from './routes/pay';
import { reportRoutes } from './routes/reports';
import { payPageRoutes } from './routes/pay-page';
import { counterSaleRoutes } from './routes/counter-sales';
import { paymentLinkRoutes } from './routes/payment-links';
import { paymentLinkPageRoutes } from './routes/payment-link-page';
import { reconciliationRoutes } from './routes/reconciliation';
import { webhookRoutes } from './routes/webhooks';
import { wooWebhookRoutes } from './routes/woocommerce-webhooks';
import { stripeConnectRoutes } from './routes/stripe-connect';
import { stripeConnectWebhookRoutes } from './routes/stripe-connect-webhooks';
import { shopifyInstallRoutes } from './routes/shopify-install';
import { shopifyWebhookRoutes } from './routes/shopify-webhooks';
import { shopifySessionTokenMerchant } from './routes/shopify-session-token';
import { shopifyPaymentSessionRoutes } from './routes/shopify-payment-sessions';
import { quickBooksConnectRoutes } from './routes/quickbooks-connect';
import { quickBooksWebhookRoutes } from './routes/quickbooks-webhooks';
import { quickBooksAppRoutes } from './routes/quickbooks-app';
import { legalRoutes } from './routes/legal';
import { booksSettingsRoutes } from './routes/books-settings';
import { embeddedAdminPage } from './embedded-admin';
import { shopifyPlanRoutes } from './routes/shopify-plan';
import { metricsRoutes } from './routes/metrics';
import { statusRoutes } from './routes/status';
import { alertRoutes } from './routes/alerts';
import { observeWebhooks } from './metrics';
import { recordWebhookRefusal } from '../../core/alerts/refusals';
import { booksMappingRoutes } from './routes/books-mapping';
import { booksReviewRoutes } from './routes/books-review';
import { ADMIN_PAGE_POLICY, securityHeaders } from './security-headers';
import { requestWithoutCredentials } from './logger';
import { setupRoutes } from './routes/setup';

const WEB_DIST = fileURLToPath(new URL('../app/dist/', import.meta.url));

/** The HTTP server: public API, webhooks, admin API and the built web pages. No business rules here. */
export function createApp(services: Services, log: Logger): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(requestLogging(log));
  app.use(securityHeaders(services.config));
  app.use(refuseNulInUrl);

  const tokens = new SessionTokens(services.config.encryptionKey);
  const auth = requireMerchant(services.db, tokens, services.config.SHOPIFY_API_KEY ? shopifySessionTokenMerchant(services) : undefined);
  app.use(healthRoutes(services));
  app.use(metricsRoutes(services));
  app.use('/webhooks', observeWebhooks((merchantId, platform) => void recordWebhookRefusal(services.db, merchantId, platform).catch(() => undefined)));
  app.use(stripeConnectWebhookRoutes(services)); // before /webhooks/stripe/:merchantId
  app.use(webhookRoutes(services));
  app.use(wooWebhookRoutes(services, auth));
  app.use(shopifyWebhookRoutes(services, auth));
  app.use(shopifyInstallRoutes(services));
  app.use(shopifyPlanRoutes(services, auth));
  app.use(stripeConnectRoutes(services, auth));
  app.use(quickBooksConnectRoutes(services, auth), quickBooksWebhookRoutes(services, auth), quickBooksAppRoutes(services), legalRoutes());
  app.use(booksSettingsRoutes(services, auth));
  app.use(merchantRoutes(services, auth, tokens));
  app.use(wooAuthorizeRoutes(services, auth, tokens));
  app.use(wooConnectionRoutes(services, auth));
  app.use(paymentRoutes(services, auth));
  app.use(payoutRoutes(services, auth));
  app.use(customerRoutes(services, auth));
  app.use(reportRoutes(services, auth));
  app.use(disputeRoutes(services, auth));
  app.use(payRoutes(services));
  app.use(shopifyPaymentSessionRoutes(services));
  app.use(counterSaleRoutes(services, auth));
  app.use(paymentLinkRoutes(services, auth));
  app.use(paymentLinkPageRoutes(services));
  app.use(reconciliationRoutes(services, auth));
  app.use(statusRoutes(services, auth), alertRoutes(services, auth));
  app.use(booksMappingRoutes(services, auth));
  app.use(booksReviewRoutes(services, auth));
  app.use(setupRoutes(services, auth));
  mountWebPages(app, services);
  app.use(notFound);
  app.use(errorHandler);
  return app;
}

// A caller's request id is kept (so it can be traced across systems), otherwise one is made.
function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/**
 * Gives every request its id and `req.log`, a logger bound to it. pino-http logs each completed
 * request at info. Above info it writes nothing for a request, yet still serialises and redacts
 * every request into a child logger up front: a measurable share of the webhook ingest path's CPU.
 * There the same child logger is made only if something is logged for the request (an error).
 */
function requestLogging(log: Logger): RequestHandler {
  const http = pinoHttp({
    logger: log,
    genReqId: requestId,
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics' },
    // Sign-in tokens and OAuth codes travel in query strings: logged by name only.
    serializers: { req: requestWithoutCredentials },
  });
  if (log.isLevelEnabled('info')) return http;
  return (req, res, next) => {
    req.id = requestId(req, res);
    let child: Logger | undefined;
    Object.defineProperty(req, 'log', {
      configurable: true,
      get: () => (child ??= http.logger.child({ req })),
      set: (value: Logger) => (child = value),
    });
    next();
  };
}

function mountWebPages(app: Express, services: Services): void {
  if (!existsSync(WEB_DIST)) return; // API-only until `npm run build:web` has run.
  app.use('/app', express.static(WEB_DIST, { index: false, maxAge: '1h' }));
  app.get(['/admin', '/admin/'], embeddedAdminPage(services, WEB_DIST), (_req, res) => {
    res.setHeader('Content-Security-Policy', ADMIN_PAGE_POLICY);
    res.sendFile('admin.html', { root: WEB_DIST });
  });
  // The payment page talks only to Settle (its data) and to the processor (card data).
  app.use(payPageRoutes(services, WEB_DIST));
}
