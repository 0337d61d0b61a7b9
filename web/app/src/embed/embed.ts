// /embed.js: the small script a store's checkout page loads to show Settle's payment page inside it.
//   <script src="https://settle.example/embed.js"></script>
//   Settle.mount(document.getElementById('pay'), { payment: 'pay_…', onOutcome: (o) => … });
// It frames /pay/:id/embed, keeps the frame as tall as the page and passes on how the payment
// ended. Card data stays inside the frame (and goes from there to Stripe only): the store's page
// never sees it. Built as a classic script (no imports at run time) so any page can load it.
import type { EmbedMessage } from './messages';

type Outcome = Extract<EmbedMessage, { type: 'settle:outcome' }>;

export interface MountOptions {
  /** The Settle payment id (pay_…) the store's checkout call returned. */
  payment: string;
  /** Called when the payment ends on the page: paid, processing, failed (the shopper may retry) or canceled. */
  onOutcome?: (outcome: { payment: string; status: Outcome['status']; message?: string }) => void;
  /** Called once the page has loaded and shows the payment. */
  onReady?: () => void;
}

export interface MountedPayment {
  iframe: HTMLIFrameElement;
  unmount(): void;
}

// Everything inside one function: a store's page must not gain globals other than `Settle`.
(() => {
  const STATUSES = ['paid', 'processing', 'failed', 'canceled'];
  const isEmbedMessage = (data: unknown): data is EmbedMessage => {
    if (typeof data !== 'object' || data === null) return false;
    const m = data as Record<string, unknown>;
    if (typeof m.payment !== 'string') return false;
    if (m.type === 'settle:resize') return typeof m.height === 'number' && Number.isFinite(m.height) && m.height >= 0;
    return m.type === 'settle:ready' || (m.type === 'settle:outcome' && STATUSES.includes(m.status as string));
  };

  // Where Settle lives: the origin this script came from. Read now; currentScript is gone later.
  const script = document.currentScript as HTMLScriptElement | null;
  const settleOrigin = script?.src ? new URL(script.src).origin : location.origin;

  function mount(element: HTMLElement, options: MountOptions): MountedPayment {
    if (!(element instanceof HTMLElement)) throw new TypeError('Settle.mount: give the element to show the payment in.');
    if (!/^pay_[\w-]{1,64}$/.test(options?.payment ?? '')) throw new TypeError('Settle.mount: options.payment must be a Settle payment id (pay_…).');
    const iframe = document.createElement('iframe');
    iframe.src = `${settleOrigin}/pay/${encodeURIComponent(options.payment)}/embed?host=${encodeURIComponent(location.origin)}`;
    iframe.title = 'Payment';
    // Wallets (Apple Pay / Google Pay) use the Payment Request API, which a frame may use only when allowed.
    iframe.allow = 'payment';
    iframe.referrerPolicy = 'no-referrer';
    iframe.style.cssText = 'display:block;width:100%;height:420px;border:0;background:transparent;color-scheme:light';
    iframe.setAttribute('scrolling', 'no');

    const onMessage = (event: MessageEvent) => {
      // Only Settle's page in this very frame may talk to us; anything else is ignored.
      if (event.origin !== settleOrigin || event.source !== iframe.contentWindow) return;
      const data: unknown = event.data;
      if (!isEmbedMessage(data) || data.payment !== options.payment) return;
      if (data.type === 'settle:resize') iframe.style.height = `${Math.min(Math.max(data.height, 120), 4000)}px`;
      else if (data.type === 'settle:ready') options.onReady?.();
      else {
        const outcome = { payment: data.payment, status: data.status, ...(data.message ? { message: data.message } : {}) };
        element.dispatchEvent(new CustomEvent('settle:outcome', { detail: outcome, bubbles: true }));
        options.onOutcome?.(outcome);
      }
    };
    window.addEventListener('message', onMessage);
    element.replaceChildren(iframe);
    return {
      iframe,
      unmount() {
        window.removeEventListener('message', onMessage);
        iframe.remove();
      },
    };
  }

  (window as unknown as { Settle: { mount: typeof mount } }).Settle = { mount };
})();
