/**
 * Webhook signing secrets by merchant, kept in memory for a short while. Reading one costs a
 * database round trip and a decryption per delivery; at thousands of webhooks a second that was a
 * large, avoidable share of the ingest path. A kept secret that does not verify a delivery is
 * never the last word: the caller asks again with `fresh`, so a merchant who reconnected Stripe
 * (a new endpoint, a new secret) is served at once. The one difference it makes: for up to `ttlMs`
 * after a reconnect, a delivery signed with the previous secret is still accepted by a process
 * that had read it, as it would have been a moment before.
 */
export class WebhookSecretCache {
  private readonly entries = new Map<string, { secret: Promise<string | undefined>; until: number }>();

  constructor(
    private readonly load: (merchantId: string) => Promise<string | undefined>,
    private readonly ttlMs = 30_000,
    private readonly maxEntries = 10_000,
  ) {}

  /** The secret, and whether it came from memory (so a failed check is worth one fresh read). */
  async get(merchantId: string, options: { fresh?: boolean } = {}): Promise<{ secret: string; cached: boolean } | undefined> {
    const now = Date.now();
    const kept = this.entries.get(merchantId);
    if (kept && kept.until > now && !options.fresh) {
      const secret = await kept.secret;
      return secret === undefined ? undefined : { secret, cached: true };
    }
    // Concurrent deliveries for one merchant share a single read (the promise is what is kept).
    const secret = this.load(merchantId);
    this.entries.delete(merchantId);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!); // oldest first
    this.entries.set(merchantId, { secret, until: now + this.ttlMs });
    try {
      const value = await secret;
      // Unknown merchants are not kept: a connection made a moment later must be found.
      if (value === undefined) this.forget(merchantId, secret);
      return value === undefined ? undefined : { secret: value, cached: false };
    } catch (error) {
      this.forget(merchantId, secret);
      throw error;
    }
  }

  private forget(merchantId: string, secret: Promise<string | undefined>): void {
    if (this.entries.get(merchantId)?.secret === secret) this.entries.delete(merchantId);
  }
}
