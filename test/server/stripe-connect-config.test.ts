import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../web/server/config';

const base = { NODE_ENV: 'test', SETTLE_ENCRYPTION_KEY: randomBytes(32).toString('base64') };

describe('Stripe Connect settings', () => {
  it('are optional, and taken together', () => {
    expect(loadConfig(base).STRIPE_CONNECT_CLIENT_ID).toBeUndefined();
    const c = loadConfig({ ...base, STRIPE_CONNECT_CLIENT_ID: 'ca_abc123', STRIPE_PLATFORM_SECRET_KEY: 'sk_test_abc', STRIPE_CONNECT_WEBHOOK_SECRET: 'whsec_abc' });
    expect(c).toMatchObject({ STRIPE_CONNECT_CLIENT_ID: 'ca_abc123', STRIPE_CONNECT_BASE: 'https://connect.stripe.com' });
  });

  it('refuse to start half set up or with values of the wrong kind, naming the variable', () => {
    expect(() => loadConfig({ ...base, STRIPE_CONNECT_CLIENT_ID: 'ca_abc123' })).toThrow(/STRIPE_PLATFORM_SECRET_KEY/);
    expect(() => loadConfig({ ...base, STRIPE_CONNECT_CLIENT_ID: 'ca_abc123', STRIPE_PLATFORM_SECRET_KEY: 'pk_test_abc' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, STRIPE_CONNECT_WEBHOOK_SECRET: 'secret' })).toThrow(/STRIPE_CONNECT_WEBHOOK_SECRET/);
  });
});
