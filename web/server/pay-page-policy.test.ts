import { describe, expect, it } from 'vitest';
import { cardFieldsFor, contentSecurityPolicy, storeOrigins } from './pay-page-policy';

const directive = (csp: string, name: string) => csp.split('; ').find((d) => d.startsWith(`${name} `));

describe('how the payment page collects the card', () => {
  it('Stripe.js with a live key or against the real Stripe; its own fields only against a sandbox with a test key', () => {
    expect(cardFieldsFor('pk_live_abc', 'http://127.0.0.1:4010')).toBe('elements');
    expect(cardFieldsFor('pk_test_abc', 'https://api.stripe.com')).toBe('elements');
    expect(cardFieldsFor('pk_test_abc', 'https://api.stripe.com/')).toBe('elements');
    expect(cardFieldsFor('pk_test_abc', 'http://127.0.0.1:4010')).toBe('direct');
  });
});

describe('the stores that may frame the embedded page', () => {
  it('are the origins of the merchant’s connected stores, nothing else', () => {
    expect(storeOrigins([
      { settings: { siteUrl: 'https://shop.example/wp/' } },
      { settings: { siteUrl: 'https://shop.example/other' } },
      { settings: { shopDomain: 'harbour.myshopify.com' } },
      { settings: { publishableKey: 'pk_test_1' } },
      { settings: { siteUrl: 'javascript:alert(1)' } },
      { settings: { siteUrl: 'not a url' } },
      { settings: null },
    ])).toEqual(['https://harbour.myshopify.com', 'https://shop.example']);
  });
});

describe('the page’s Content-Security-Policy', () => {
  it('sandbox mode: its own scripts, the sandbox API, no Stripe.js, framed by nobody', () => {
    const csp = contentSecurityPolicy({ cardFields: 'direct', stripeApiBase: 'http://127.0.0.1:4010/', frameAncestors: null });
    expect(directive(csp, 'default-src')).toBe("default-src 'none'");
    expect(directive(csp, 'script-src')).toBe("script-src 'self'");
    expect(directive(csp, 'connect-src')).toBe("connect-src 'self' http://127.0.0.1:4010");
    expect(directive(csp, 'frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(csp).not.toContain('stripe.com');
    expect(csp).not.toContain('*');
  });

  it('live mode: js.stripe.com for the script and its frames, api.stripe.com for calls', () => {
    const csp = contentSecurityPolicy({ cardFields: 'elements', stripeApiBase: 'https://api.stripe.com', frameAncestors: ['https://shop.example'] });
    expect(directive(csp, 'script-src')).toBe("script-src 'self' https://js.stripe.com");
    expect(directive(csp, 'frame-src')).toBe('frame-src https://js.stripe.com https://hooks.stripe.com');
    expect(directive(csp, 'connect-src')).toBe("connect-src 'self' https://api.stripe.com");
    expect(directive(csp, 'frame-ancestors')).toBe('frame-ancestors https://shop.example');
  });

  it('embedded for a merchant with no store connected: nobody may frame it', () => {
    const csp = contentSecurityPolicy({ cardFields: 'direct', stripeApiBase: 'http://127.0.0.1:4010', frameAncestors: [] });
    expect(directive(csp, 'frame-ancestors')).toBe("frame-ancestors 'none'");
  });
});
