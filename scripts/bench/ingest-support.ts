/** What the ingest benchmark does around the load itself: set a merchant up, check the path, tidy Redis, read CPU time. */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { Redis } from 'ioredis';
import type { StripeSandbox } from '../../test/sandbox/stripe';
import type { SignedDelivery } from './stripe-events';

async function call<T>(url: string, method: string, body?: unknown, apiKey?: string): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { 'Content-Type': 'application/json', ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} → ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/**
 * Signs a merchant up and connects Stripe through Settle's own API (which registers the webhook
 * endpoint in the sandbox), then reads the endpoint's signing secret off the sandbox's dashboard.
 */
export async function connectMerchant(settleUrl: string, sandbox: StripeSandbox): Promise<{ merchantId: string; secret: string }> {
  const { merchant, apiKey } = await call<{ merchant: { id: string }; apiKey: string }>(`${settleUrl}/api/merchants`, 'POST', { name: 'Bench Outfitters' });
  const account = await call<{ id: string; secret_key: string; publishable_key: string }>(`${sandbox.url}/_sandbox/accounts`, 'POST', { country: 'US' });
  await call(`${settleUrl}/api/connections/stripe`, 'PUT', { secretKey: account.secret_key, publishableKey: account.publishable_key }, apiKey);
  const { data } = await call<{ data: { url: string; secret: string }[] }>(`${sandbox.url}/_sandbox/webhook_endpoints?account=${account.id}`, 'GET');
  const endpoint = data.find((e) => e.url === `${settleUrl}/webhooks/stripe/${merchant.id}`);
  if (!endpoint) throw new Error('Settle registered no webhook endpoint in the Stripe sandbox');
  return { merchantId: merchant.id, secret: endpoint.secret };
}

/** One delivery, then the very same again: the path works, and a redelivery is answered as a duplicate. */
export async function checkPath(webhookUrl: string, delivery: SignedDelivery): Promise<void> {
  // The signed bytes themselves are sent: re-serialising the JSON would break the signature.
  const post = async () => {
    const r = await fetch(webhookUrl, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Stripe-Signature': delivery.signature }, body: delivery.body });
    return { status: r.status, json: (await r.json()) as { received?: boolean; duplicate?: boolean } };
  };
  const first = await post();
  const again = await post();
  if (first.status !== 200 || first.json.duplicate !== false || again.status !== 200 || again.json.duplicate !== true) {
    throw new Error(`webhook path check failed: ${JSON.stringify({ first, again })}`);
  }
}

/** Deletes every Redis key of the run's queues (its own QUEUE_PREFIX, so nothing else is touched). */
export async function deleteQueueKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl);
  let deleted = 0;
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** CPU time (user + system) a process has used, from /proc on Linux; undefined elsewhere. */
export function processCpuMs(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms (USER_HZ is 100 on Linux)
  } catch {
    return undefined;
  }
}

/** How busy the machine's CPUs are with other work, in percent, sampled while nothing of the benchmark runs. */
export async function otherCpuBusyPercent(sampleMs = 1000): Promise<number> {
  const total = () => {
    let busy = 0;
    let idle = 0;
    for (const { times } of cpus()) {
      busy += times.user + times.nice + times.sys + times.irq;
      idle += times.idle;
    }
    return { busy, all: busy + idle };
  };
  const before = total();
  await new Promise((r) => setTimeout(r, sampleMs));
  const after = total();
  return Math.round((100 * (after.busy - before.busy)) / Math.max(1, after.all - before.all));
}
