import { describe, expect, it } from 'vitest';
import { WebhookSecretCache } from '../../web/server/webhook-secrets';

describe('WebhookSecretCache', () => {
  it('reads a merchant’s secret once for deliveries arriving together, and again when asked fresh', async () => {
    const stored = new Map([['mer_a', 'whsec_1']]);
    let reads = 0;
    const cache = new WebhookSecretCache(async (id) => (reads++, stored.get(id)));
    const together = await Promise.all([cache.get('mer_a'), cache.get('mer_a'), cache.get('mer_a')]);
    expect(together.map((s) => s?.secret)).toEqual(['whsec_1', 'whsec_1', 'whsec_1']);
    expect(reads).toBe(1);
    expect(await cache.get('mer_a')).toEqual({ secret: 'whsec_1', cached: true });
    stored.set('mer_a', 'whsec_2'); // the merchant reconnected Stripe
    expect(await cache.get('mer_a', { fresh: true })).toEqual({ secret: 'whsec_2', cached: false });
    expect(await cache.get('mer_a')).toEqual({ secret: 'whsec_2', cached: true });
  });

  it('does not keep a merchant it could not find, nor a failed read', async () => {
    const stored = new Map<string, string>();
    let fail = true;
    const cache = new WebhookSecretCache(async (id) => {
      if (fail) throw new Error('database down');
      return stored.get(id);
    });
    await expect(cache.get('mer_b')).rejects.toThrow('database down');
    fail = false;
    expect(await cache.get('mer_b')).toBeUndefined();
    stored.set('mer_b', 'whsec_b');
    expect(await cache.get('mer_b')).toEqual({ secret: 'whsec_b', cached: false });
  });

  it('forgets a secret after its time is up', async () => {
    let reads = 0;
    const cache = new WebhookSecretCache(async () => (reads++, 'whsec'), 0);
    await cache.get('mer_c');
    await cache.get('mer_c');
    expect(reads).toBe(2);
  });
});
