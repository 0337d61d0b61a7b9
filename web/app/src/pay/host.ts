// The embedded page (/pay/:id/embed) lives in an iframe on the store's checkout page. It tells the
// store's page its height (so no inner scroll bar) and how the payment ended, by postMessage to the
// one origin embed.js named in `?host=`. The server's frame-ancestors has already checked that the
// framing page is one of the merchant's stores; a wrong `host` only means the browser drops the message.
import type { EmbedMessage, PaymentOutcomeStatus } from '../embed/messages';

export interface StoreHost {
  /** The store page's origin, as embed.js gave it. */
  origin: string;
  /** `?host=` to carry through the bank's 3-D Secure redirect and back. */
  query: string;
}

export function embeddedHost(loc: Location = location): StoreHost | null {
  if (!/\/embed\/?$/.test(loc.pathname)) return null;
  const raw = new URLSearchParams(loc.search).get('host');
  try {
    const origin = raw ? new URL(raw).origin : null;
    if (!origin || origin === 'null' || !/^https?:/.test(origin)) return null;
    return { origin, query: `?host=${encodeURIComponent(origin)}` };
  } catch {
    return null;
  }
}

function post(host: StoreHost, message: EmbedMessage): void {
  if (window.parent !== window) window.parent.postMessage(message, host.origin);
}

/** Keeps the store's iframe as tall as the page, whatever is shown (errors, the paid receipt). */
export function reportHeight(host: StoreHost, payment: string, root: HTMLElement): void {
  let last = -1;
  const send = () => {
    const height = Math.ceil(root.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    post(host, { type: 'settle:resize', payment, height });
  };
  new ResizeObserver(send).observe(root);
  send();
  post(host, { type: 'settle:ready', payment });
}

export function reportOutcome(host: StoreHost, payment: string, status: PaymentOutcomeStatus, message?: string): void {
  post(host, { type: 'settle:outcome', payment, status, ...(message ? { message } : {}) });
}
