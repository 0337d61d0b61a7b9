// Webhooks: model, REST representation and delivery, after WC_Webhook (class-wc-webhook.php).
// Deliveries are async (WooCommerce queues them in Action Scheduler by default), deduplicated per
// webhook and resource within one burst (WC_Webhook::$processed), and never retried unless the
// sandbox was started with webhookRetry (not WooCommerce behaviour; opt-in for experiments).
import { createHash, createHmac, randomBytes } from "node:crypto";
import { WpError } from "./errors";
import { phpJson, wpDate } from "./format";
import type { Delivery, Store, Webhook } from "./state";

export const USER_AGENT = "WooCommerce/9.8.0 Hookshot (WordPress/6.8.1)";
const MAX_FAILURES = 5; // woocommerce_max_webhook_delivery_failures

const HOOKS: Record<string, string[]> = {
  "order.created": ["woocommerce_new_order"],
  "order.updated": ["woocommerce_update_order", "woocommerce_order_refunded"],
  "order.deleted": ["wp_trash_post", "woocommerce_trash_order", "woocommerce_delete_order"],
  "order.restored": ["untrashed_post"],
  "product.created": ["woocommerce_process_product_meta", "woocommerce_new_product", "woocommerce_new_product_variation"],
  "product.updated": ["woocommerce_process_product_meta", "woocommerce_update_product", "woocommerce_update_product_variation"],
  "product.deleted": ["wp_trash_post"],
  "product.restored": ["untrashed_post"],
};

/** wc_is_webhook_valid_topic(). */
export function validTopic(topic: unknown): topic is string {
  if (typeof topic !== "string") return false;
  if (topic.startsWith("action.")) return topic.length > 7;
  const [resource, event, ...rest] = topic.split(".");
  return rest.length === 0 && ["coupon", "customer", "order", "product"].includes(resource ?? "") &&
    ["created", "updated", "deleted", "restored"].includes(event ?? "");
}

export function webhookView(siteUrl: string, w: Webhook): Record<string, unknown> {
  const [resource = "", event = ""] = w.topic.split(".");
  return {
    id: w.id, name: w.name, status: w.status, topic: w.topic,
    resource: w.topic.startsWith("action.") ? "action" : resource,
    event: w.topic.startsWith("action.") ? w.topic.slice(7) : event,
    hooks: HOOKS[w.topic] ?? (w.topic.startsWith("action.") ? [w.topic.slice(7)] : []),
    delivery_url: w.deliveryUrl,
    date_created: wpDate(w.created), date_created_gmt: wpDate(w.created),
    date_modified: wpDate(w.modified), date_modified_gmt: wpDate(w.modified),
    _links: {
      self: [{ href: `${siteUrl}wp-json/wc/v3/webhooks/${w.id}` }],
      collection: [{ href: `${siteUrl}wp-json/wc/v3/webhooks` }],
    },
  };
}

/** Applies a validated create/update body; create-only checks follow WC_REST_Webhooks_Controller. */
export function applyWebhook(store: Store, w: Webhook, body: Record<string, unknown>, creating: boolean): void {
  if (creating || body.topic !== undefined) {
    if (!validTopic(body.topic)) throw new WpError(400, "woocommerce_rest_webhook_invalid_topic", "Webhook topic is required and must be valid.");
    w.topic = body.topic;
  }
  if (creating || body.delivery_url !== undefined) {
    const u = body.delivery_url;
    if (typeof u !== "string" || !/^https?:\/\/[^\s/]+/i.test(u)) {
      throw new WpError(400, "woocommerce_rest_webhook_invalid_delivery_url", "Webhook delivery URL must be a valid URL starting with http:// or https://.");
    }
    w.deliveryUrl = u;
  }
  if (typeof body.name === "string") w.name = body.name;
  if (typeof body.status === "string") w.status = body.status as Webhook["status"];
  // Secret passes through wp_specialchars_decode(); a missing one is generated.
  if (typeof body.secret === "string" && body.secret !== "") w.secret = body.secret.replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#0?39;/g, "'");
  else if (creating) w.secret = randomBytes(24).toString("base64url");
  w.modified = store.now();
}

export class WebhookDispatcher {
  private pending = new Map<string, { webhook: Webhook; topic: string; resourceId: number }>();
  private inflight = new Set<Promise<void>>();
  private scheduled = false;
  private seq = 0;

  constructor(
    private store: Store,
    private siteUrl: () => string,
    /** Current REST representation of a resource, or null when it is gone / must be skipped. */
    private payloadFor: (resource: string, id: number) => Record<string, unknown> | null,
    private retry: boolean,
  ) {}

  /** A WooCommerce action fired for topic `resource.event` and resource id. */
  emit(topic: string, resourceId: number): void {
    for (const w of this.store.webhooks.values()) {
      if (w.status !== "active" || w.topic !== topic) continue;
      this.pending.set(`${w.id}:${resourceId}`, { webhook: w, topic, resourceId });
    }
    if (!this.scheduled && this.pending.size) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    const jobs = [...this.pending.values()];
    this.pending.clear();
    for (const j of jobs) {
      if (j.webhook.status !== "active") continue;
      const [resource = "", event = ""] = j.topic.split(".");
      const payload = event === "deleted" ? { id: j.resourceId } : this.payloadFor(resource, j.resourceId);
      if (!payload) continue; // draft / auto-draft / new orders are skipped (should_deliver)
      this.track(this.deliver(j.webhook, j.topic, phpJson(payload), 1));
    }
  }

  private track(p: Promise<void>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  /** Resolves once nothing is queued or in flight (tests and the control API use it). */
  async idle(): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      if (!this.scheduled && this.pending.size === 0 && this.inflight.size === 0) return;
      await Promise.race([...this.inflight, new Promise((r) => setTimeout(r, 5))]);
    }
  }

  private async post(w: Webhook, headers: Record<string, string>, body: string) {
    try {
      const res = await fetch(w.deliveryUrl, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(60_000) });
      await res.arrayBuffer().catch(() => undefined);
      return { code: res.status, error: null as string | null };
    } catch (e) {
      return { code: null, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
    }
  }

  private log(d: Omit<Delivery, "at">): void {
    this.store.deliveries.push({ ...d, at: new Date().toISOString() });
  }

  private async deliver(w: Webhook, topic: string, body: string, attempt: number): Promise<void> {
    const [resource = "", event = ""] = topic.split(".");
    const deliveryId = createHash("md5").update(`${w.id}${Date.now()}${++this.seq}`).digest("hex");
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "User-Agent": USER_AGENT,
      "X-WC-Webhook-Source": this.siteUrl(),
      "X-WC-Webhook-Topic": topic,
      "X-WC-Webhook-Resource": resource,
      "X-WC-Webhook-Event": event,
      "X-WC-Webhook-Signature": createHmac("sha256", w.secret).update(body).digest("base64"),
      "X-WC-Webhook-ID": String(w.id),
      "X-WC-Webhook-Delivery-ID": deliveryId,
    };
    const r = await this.post(w, headers, body);
    const success = r.code !== null && r.code >= 200 && r.code < 303;
    // WC_Webhook::failed_delivery(): disable once a failure happens while failure_count > 5.
    if (success) w.failureCount = 0;
    else if (w.failureCount > MAX_FAILURES) w.status = "disabled";
    else w.failureCount++;
    this.log({
      delivery_id: deliveryId, webhook_id: w.id, topic, kind: "delivery", delivery_url: w.deliveryUrl,
      status_code: r.code, success, error: r.error, failure_count: w.failureCount, webhook_status: w.status,
      attempt, request: { headers, body },
    });
    if (!success && this.retry && attempt < 4 && w.status === "active") {
      await new Promise((res) => setTimeout(res, 100 * 2 ** attempt));
      await this.deliver(w, topic, body, attempt + 1);
    }
  }

  /** WC_Webhook::deliver_ping(): form body webhook_id=<id>; only an exact 200 counts; no failure_count. */
  ping(w: Webhook): void {
    const body = `webhook_id=${w.id}`;
    const headers = { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": USER_AGENT };
    this.track((async () => {
      const r = await this.post(w, headers, body);
      this.log({
        delivery_id: "", webhook_id: w.id, topic: w.topic, kind: "ping", delivery_url: w.deliveryUrl,
        status_code: r.code, success: r.code === 200, error: r.error, failure_count: w.failureCount,
        webhook_status: w.status, attempt: 1, request: { headers, body },
      });
    })());
  }
}
