// Webhook delivery as Shopify does it: a POST of the topic's JSON payload, signed with the app's
// client secret (X-Shopify-Hmac-Sha256 = base64 HMAC-SHA256 of the raw body) and carrying Shopify's
// headers (NOTES.md). A delivery that does not answer 2xx within 5 s is retried 8 times over 4 hours
// (shopify.dev/changelog/updates-to-webhook-retry-mechanism): delays double from 1 minute and the last
// is cut so the retries end at 4 h. Retries wait on the sandbox clock, so a test moves the clock
// (POST /_sandbox/clock/advance) instead of waiting. Each payload is checked against the topic's
// schema in shared/contracts; a mismatch is recorded on the delivery (a sandbox bug to fix).
import { createHmac, randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { API_VERSION } from "./schema";
import { fileTopic, payloadJson } from "./payloads";
import type { Shop, Store } from "./store";

export const RETRY_DELAYS_S = [60, 120, 240, 480, 960, 1920, 3840, 6780];
const TIMEOUT_MS = 5000;
export const PRIVACY_TOPICS = ["customers/data_request", "customers/redact", "shop/redact"];

export interface Delivery {
  webhookId: string;
  eventId: string;
  topic: string;
  shop: string;
  clientId: string;
  uri: string;
  attempt: number;
  headers: Record<string, string>;
  body: string;
  status: number | null;
  error: string | null;
  ok: boolean;
  /** Sandbox time (ms) of the next retry, when one is scheduled. */
  nextRetryAt: number | null;
  contractErrors: string[];
}

interface Job { shop: string; clientId: string; uri: string; topic: string; body: string; webhookId: string; eventId: string; triggeredAt: string; attempt: number; due: number }

const DIR = fileURLToPath(new URL("../../../../shared/contracts/shopify/webhooks/2026-07/", import.meta.url));
const ajv = new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true });
addFormats(ajv);
const validators = new Map<string, ValidateFunction | null>();

/**
 * Where the published schema contradicts Shopify's own example for the topic, the example (what
 * Shopify sends) wins: order_transactions/create types device_id as string|integer, yet its example
 * (an online payment, no POS device) sends null.
 */
const EXAMPLE_OVER_SCHEMA: Record<string, RegExp> = { "order_transactions/create": /^\/device_id / };

function contractErrors(topic: string, body: string): string[] {
  if (!validators.has(topic)) {
    const file = `${DIR}${fileTopic(topic)}.schema.json`;
    validators.set(topic, existsSync(file) ? ajv.compile(JSON.parse(readFileSync(file, "utf8")) as object) : null);
  }
  const v = validators.get(topic);
  if (!v || v(JSON.parse(body))) return [];
  return (v.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`).filter((e) => !EXAMPLE_OVER_SCHEMA[topic]?.test(e));
}

/** REST topic `orders/paid` ↔ GraphQL enum `ORDERS_PAID`. */
export const topicEnum = (topic: string) => topic.replace("/", "_").toUpperCase();

export class Webhooks {
  readonly deliveries: Delivery[] = [];
  private waiting: Job[] = [];
  private inflight = new Set<Promise<void>>();

  constructor(private store: Store) {}

  /** Where the apps installed on `shop` want `topic`: the TOML's subscriptions and the API's. */
  private targets(shop: Shop, topic: string, onlyClientId?: string): { clientId: string; uri: string }[] {
    const out: { clientId: string; uri: string }[] = [];
    for (const inst of shop.installations.values()) {
      if (onlyClientId ? inst.clientId !== onlyClientId : inst.uninstalledAt) continue;
      const app = this.store.apps.get(inst.clientId);
      if (!app) continue;
      const uris = new Set<string>();
      if (PRIVACY_TOPICS.includes(topic)) {
        if (app.complianceUri) uris.add(app.complianceUri);
        for (const w of app.webhooks) if (w.compliance_topics?.includes(topic)) uris.add(w.uri);
      } else {
        for (const w of app.webhooks) if (w.topics?.includes(topic)) uris.add(w.uri);
        for (const s of shop.webhookSubscriptions.values()) if (s.clientId === app.clientId && s.topic === topicEnum(topic)) uris.add(s.uri);
      }
      for (const uri of uris) out.push({ clientId: app.clientId, uri: new URL(uri, app.appUrl).toString() });
    }
    return out;
  }

  /**
   * Shopify raises `topic` on `shop`. `onlyClientId` sends it to one app even if it is no longer
   * installed (app/uninstalled, shop/redact).
   */
  emit(shop: Shop, topic: string, payload: unknown, onlyClientId?: string): void {
    const body = payloadJson(payload);
    const eventId = randomUUID();
    const triggeredAt = new Date(this.store.now()).toISOString();
    for (const t of this.targets(shop, topic, onlyClientId)) {
      this.run({ shop: shop.domain, clientId: t.clientId, uri: t.uri, topic, body, webhookId: randomUUID(), eventId, triggeredAt, attempt: 1, due: 0 });
    }
  }

  /**
   * Sends a delivery again as it was first sent (same body, webhook id and event id), as Shopify
   * does when it is unsure the first one arrived: the app must not act twice. Returns false if unknown.
   */
  redeliver(webhookId: string): boolean {
    const d = this.deliveries.find((x) => x.webhookId === webhookId);
    if (!d) return false;
    this.run({
      shop: d.shop, clientId: d.clientId, uri: d.uri, topic: d.topic, body: d.body, webhookId: d.webhookId, eventId: d.eventId,
      triggeredAt: d.headers["X-Shopify-Triggered-At"]!, attempt: RETRY_DELAYS_S.length + 1, due: 0,
    });
    return true;
  }

  private run(job: Job): void {
    const p = this.deliver(job).finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  private async deliver(job: Job): Promise<void> {
    const app = this.store.apps.get(job.clientId);
    if (!app) return;
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "User-Agent": "Shopify-Captain-Hook",
      "X-Shopify-Topic": job.topic,
      "X-Shopify-Hmac-Sha256": createHmac("sha256", app.clientSecret).update(job.body, "utf8").digest("base64"),
      "X-Shopify-Shop-Domain": job.shop,
      "X-Shopify-API-Version": API_VERSION,
      "X-Shopify-Webhook-Id": job.webhookId,
      "X-Shopify-Event-Id": job.eventId,
      "X-Shopify-Triggered-At": job.triggeredAt,
    };
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(job.uri, { method: "POST", headers, body: job.body, redirect: "manual", signal: AbortSignal.timeout(TIMEOUT_MS) });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (e) {
      error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    }
    const ok = status !== null && status >= 200 && status < 300;
    const delay = RETRY_DELAYS_S[job.attempt - 1];
    const nextRetryAt = !ok && delay !== undefined ? this.store.now() + delay * 1000 : null;
    this.deliveries.push({
      webhookId: job.webhookId, eventId: job.eventId, topic: job.topic, shop: job.shop, clientId: job.clientId, uri: job.uri,
      attempt: job.attempt, headers, body: job.body, status, error, ok, nextRetryAt, contractErrors: contractErrors(job.topic, job.body),
    });
    const broken = this.deliveries[this.deliveries.length - 1]!.contractErrors;
    if (broken.length) console.error(`[shopify-sandbox] ${job.topic} payload breaks its published schema (a sandbox bug): ${broken.join("; ")}`);
    if (nextRetryAt !== null) this.waiting.push({ ...job, attempt: job.attempt + 1, due: nextRetryAt });
  }

  /** Sends the retries that are due at the sandbox's current time; returns how many. */
  runDue(): number {
    const now = this.store.now();
    const due = this.waiting.filter((j) => j.due <= now);
    this.waiting = this.waiting.filter((j) => j.due > now);
    for (const j of due) this.run(j);
    return due.length;
  }

  /** Resolves when no delivery is in flight (retries waiting on the clock do not count). */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }
}
