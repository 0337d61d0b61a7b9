// Inside Shopify admin the admin's API calls carry an App Bridge session token instead of the cookie
// (a third-party cookie in Shopify's frame, which browsers drop). Tokens live one minute, so each
// request asks App Bridge for a fresh one. Every admin screen calls `fetch('/api/…')` itself: wrapping
// fetch once covers them all (App Bridge 4 does the same for the app's origin), and a token refused
// by Settle is also said in Shopify's own toast.
import type { ShopifyGlobal } from '@shopify/app-bridge-types';

/** App Bridge's global, present only when the page was served for Shopify admin (App Bridge loaded first in <head>). */
export function shopifyAppBridge(): ShopifyGlobal | undefined {
  return (window as { shopify?: ShopifyGlobal }).shopify;
}

const isSettleApi = (url: URL) => url.origin === window.location.origin && url.pathname.startsWith('/api/');

function requestUrl(input: RequestInfo | URL): URL {
  return new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, window.location.href);
}

export function sendSessionTokens(shopify: ShopifyGlobal): void {
  const plainFetch = window.fetch.bind(window);
  let lastRefusal: string | null = null;
  let first = true;

  window.fetch = async (input, init) => {
    if (!isSettleApi(requestUrl(input))) return plainFetch(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    // Shopify's loading bar for the first load and for the merchant's actions, not for background refreshes.
    const showLoading = first || (init?.method ?? 'GET') !== 'GET';
    first = false;
    if (showLoading) shopify.loading(true);
    try {
      headers.set('Authorization', `Bearer ${await shopify.idToken()}`);
      const res = await plainFetch(input, { ...init, headers, credentials: 'omit' });
      if (res.status === 401) await sayRefused(res.clone());
      else lastRefusal = null;
      return res;
    } finally {
      if (showLoading) shopify.loading(false);
    }
  };

  // Once per refusal, not at every refresh: the screen's banner keeps saying it.
  async function sayRefused(res: Response): Promise<void> {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    const message = body?.error?.message ?? 'Your Shopify session has expired. Reload Settle from your Shopify admin.';
    if (message === lastRefusal) return;
    lastRefusal = message;
    shopify.toast.show(message, { isError: true });
  }
}
