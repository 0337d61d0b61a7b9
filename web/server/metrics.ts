import { timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { onPlatformTrouble } from '../../connectors/platform-trouble';
import { QUEUE_NAMES, type JobOutcome } from '../../connectors/queue/bullmq';
import type { QueueName } from '../../core/jobs/queue';

/**
 * Settle's figures for operators, in Prometheus' text format at /metrics: on the server (webhooks,
 * platform calls made while answering requests) and on the worker (jobs, platform calls made by
 * them), each process its own figures, as Prometheus scrapes each instance; queue depths (shared
 * by every process) on both. One registry per process: what a process counts, it serves.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'settle_' });

const WEBHOOK_PLATFORMS = ['stripe', 'stripe-connect', 'woocommerce', 'shopify', 'quickbooks'];

const webhooks = new Counter({
  name: 'settle_webhooks_received_total', help: 'Webhook deliveries answered, by platform and HTTP status (2xx accepted, 4xx refused).',
  labelNames: ['platform', 'status'], registers: [registry],
});
const webhookSeconds = new Histogram({
  name: 'settle_webhook_duration_seconds', help: 'Time to verify, record and queue a webhook delivery, by platform.',
  labelNames: ['platform'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry],
});
const jobSeconds = new Histogram({
  name: 'settle_job_duration_seconds', help: 'Time a worker job attempt ran, by queue and outcome (completed, failed).',
  labelNames: ['queue', 'outcome'], buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers: [registry],
});
const jobFailures = new Counter({
  name: 'settle_job_failures_total', help: 'Worker job attempts that failed (each is retried, or waits for a person), by queue.',
  labelNames: ['queue'], registers: [registry],
});
const platformTrouble = new Counter({
  name: 'settle_platform_errors_total', help: 'Platform API answers that were throttling (429, THROTTLED) or a failure on their side (5xx), by platform.',
  labelNames: ['platform', 'kind'], registers: [registry],
});
const queueJobs = new Gauge({
  name: 'settle_queue_jobs', help: 'Jobs in each queue by state (waiting, active, delayed, failed), across every merchant.',
  labelNames: ['queue', 'state'], registers: [registry],
});

// Every series exists from the start at 0, so a rate over a scrape that saw the first event is right.
for (const platform of WEBHOOK_PLATFORMS) {
  webhookSeconds.zero({ platform });
  webhooks.inc({ platform, status: '200' }, 0);
}
for (const platform of ['stripe', 'shopify', 'woocommerce', 'quickbooks']) for (const kind of ['throttled', 'server_error']) platformTrouble.inc({ platform, kind }, 0);
for (const queue of QUEUE_NAMES) {
  jobFailures.inc({ queue }, 0);
  for (const outcome of ['completed', 'failed']) jobSeconds.zero({ queue, outcome });
}
onPlatformTrouble((platform, kind) => platformTrouble.inc({ platform, kind }));

/**
 * Counts and times each webhook delivery (mounted before the webhook routes). A delivery to one
 * merchant's address refused as unsigned or wrongly signed (400/401) is also told to `onRefused`,
 * after the answer went out, for the "webhooks failing" alert.
 */
export function observeWebhooks(onRefused: (merchantId: string, platform: string) => void): RequestHandler {
  return (req, res, next) => {
    const platform = webhookPlatform(req.originalUrl);
    if (!platform) return next();
    const stop = webhookSeconds.startTimer({ platform });
    res.once('finish', () => {
      stop();
      webhooks.inc({ platform, status: String(res.statusCode) });
      const merchantId = /^\/webhooks\/(?:stripe|woocommerce)\/(mer_[\w-]{22})(?:\?|$)/.exec(req.originalUrl)?.[1];
      if (merchantId && (res.statusCode === 400 || res.statusCode === 401)) onRefused(merchantId, platform);
    });
    next();
  };
}

function webhookPlatform(url: string): string | undefined {
  const [, root, platform, next] = url.split('?')[0]!.split('/');
  if (root !== 'webhooks' || !platform) return undefined;
  if (platform === 'stripe' && next === 'connect') return 'stripe-connect';
  return WEBHOOK_PLATFORMS.includes(platform) ? platform : undefined;
}

/** The worker's job timing hook (connectors/queue/bullmq.ts calls it as each job ends). */
export function observeJob(queue: QueueName, seconds: number, outcome: JobOutcome): void {
  jobSeconds.observe({ queue, outcome }, seconds);
  if (outcome === 'failed') jobFailures.inc({ queue });
}

/** Counts of jobs per queue and state, read from the queues at scrape time. */
export type QueueCounts = () => Promise<Record<string, Record<string, number>>>;

/** The scrape: queue depths are read now; everything else was counted as it happened. */
export async function metricsText(counts: QueueCounts): Promise<string> {
  try {
    for (const [queue, states] of Object.entries(await counts())) {
      for (const [state, n] of Object.entries(states)) queueJobs.set({ queue, state }, n);
    }
  } catch {
    // Redis unreachable: the scrape still answers with what this process counted (readyz says why).
  }
  return registry.metrics();
}

/**
 * METRICS_TOKEN, when set, must come as `Authorization: Bearer <token>` (compared in constant time);
 * unset, /metrics is open, for a scraper on a private network.
 */
export function metricsAllowed(token: string | undefined, authorization: string | undefined): boolean {
  if (!token) return true;
  const given = /^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? '';
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(token));
}

/** The worker's own /metrics, on METRICS_PORT (the worker has no HTTP server otherwise). */
export async function serveMetrics(options: { port: number; host: string; token?: string; counts: QueueCounts }): Promise<Server> {
  const server = createServer((req: IncomingMessage, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') return void res.writeHead(404).end();
    if (!metricsAllowed(options.token, req.headers.authorization)) {
      return void res.writeHead(401, { 'WWW-Authenticate': 'Bearer', 'Content-Type': 'text/plain' }).end('Unauthorized: send METRICS_TOKEN as a bearer token.\n');
    }
    metricsText(options.counts).then(
      (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  return server;
}
