import { ok, problem, skipped, type PreflightCheck } from './check';

const STATUS_WORDS: Record<string, string> = { paused: 'paused', disabled: 'turned off by the store after failed deliveries', missing: 'missing' };

/**
 * The store tells Settle about new, changed and refunded orders through webhooks. WooCommerce turns
 * one off after failed deliveries and never retries; a Shopify shop that removed the app sends nothing.
 */
export const storeWebhooksCheck: PreflightCheck = {
  id: 'store_webhooks',
  title: 'Store webhooks active',
  async run({ facts, choices }) {
    if (!choices.connect.store) return skipped('No store is part of this setup.');
    const hooks = await facts.storeWebhooks();
    const storeName = choices.connect.store === 'shopify' ? 'Shopify' : 'WooCommerce';
    if (!hooks) return problem(`Your ${storeName} store is not connected yet.`, `Go back to "Connect" and connect your ${storeName} store.`);
    const broken = hooks.topics.filter((t) => t.status !== 'active' || !t.deliversToSettle);
    if (broken.length === 0) return ok(`${hooks.topics.length} webhooks active and delivering to Settle.`);
    const described = broken.map((t) => `${t.topic} (${t.status === 'active' ? 'delivering elsewhere' : STATUS_WORDS[t.status] ?? t.status})`).join(', ');
    if (hooks.platform === 'woocommerce') {
      return problem(`Some of Settle's webhooks in your store do not work: ${described}. Settle would not hear about orders changed in the store.`,
        'Press "Turn webhooks back on": Settle re-enables them and points them at Settle again.', 'repair_store_webhooks');
    }
    return problem(`Shopify does not send Settle ${described}.`, 'Open Settle from your Shopify admin again (Apps → Settle) to reinstall its webhooks.');
  },
};
