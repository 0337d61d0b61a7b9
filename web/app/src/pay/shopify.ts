// A payment Shopify's checkout sent here (a Payments Apps payment session): the page names the
// checkout as Shopify does, offers the way back to Shopify's checkout while unpaid, and once paid
// waits for Shopify's order status page (Settle learns it when it resolves the session, a moment
// after the payment succeeds) to offer it as the way on.
import { fetchPayInfo, type PayInfo } from './api';

/** "Order #1001" for a store order; Shopify's own order name, or "Checkout" before Shopify names one. */
export function orderLabel(info: PayInfo): string {
  if (!info.shopify) return `Order #${info.orderNumber}`;
  return info.shopify.orderName === 'Checkout' ? 'Checkout' : `Order ${info.shopify.orderName}`;
}

/** How long the paid page waits for Shopify's order page before leaving the shopper with the summary alone. */
const ORDER_PAGE_TRIES = 40;
const ORDER_PAGE_EVERY_MS = 1500;

/** Asks Settle again until the session is resolved and Shopify's order status page is known. */
export async function whenShopifyOrderPage(info: PayInfo, show: (url: string) => void): Promise<void> {
  if (!info.shopify) return;
  for (let i = 0; i < ORDER_PAGE_TRIES; i++) {
    await new Promise((resolve) => setTimeout(resolve, ORDER_PAGE_EVERY_MS));
    const now = await fetchPayInfo(info.paymentId).catch(() => null);
    if (now?.returnUrl) return show(now.returnUrl);
  }
}

/**
 * "Cancel and return to the shop": Settle cancels the payment (so no other tab can still pay it)
 * and tells Shopify, then the shopper goes back to Shopify's checkout. A payment that went through
 * meanwhile is not canceled: the page says so instead of leaving.
 */
export function wireShopifyCancel(info: PayInfo, link: HTMLAnchorElement, refused: (message: string) => void): void {
  link.addEventListener('click', (event) => {
    event.preventDefault();
    void (async () => {
      const res = await fetch(`/api/pay/${encodeURIComponent(info.paymentId)}/shopify-cancel`, { method: 'POST' }).catch(() => null);
      if (res?.ok) return location.assign(link.href);
      const body = (await res?.json().catch(() => null)) as { error?: { message?: string } } | null;
      refused(body?.error?.message ?? 'We couldn’t cancel this payment. Check your connection and try again.');
    })();
  });
}
