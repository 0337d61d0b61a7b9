/**
 * A simulated Google Pay sheet for the browser tests: headless Chromium has no wallet, so the test
 * puts a stand-in `PaymentRequest` into every frame. It answers canMakePayment() for Google Pay,
 * shows a small sheet (a dialog the test can see, click and photograph) and, on "Continue", does
 * what Google's servers do: asks Stripe (the sandbox's wallet token endpoint, through a function
 * the test exposes) for a card token with the merchant's publishable key from the page's request,
 * and hands it back as Google Pay's PaymentData. Settle's page runs its real Payment Request code.
 */
import type { BrowserContext } from 'playwright-core';
import type { StripeSandbox } from '../sandbox/stripe';

export async function installWalletSheet(context: BrowserContext, stripe: StripeSandbox, card = 'pm_card_visa'): Promise<void> {
  await context.exposeFunction('__walletTokenFromStripe', (publishableKey: string) =>
    stripe.walletToken({ publishable_key: publishableKey, wallet: 'google_pay', card }));
  await context.addInitScript(simulatedPaymentRequest);
}

/** Runs in the page (serialised by Playwright): no closures over test code. */
function simulatedPaymentRequest(): void {
  const GOOGLE_PAY = 'https://google.com/pay';
  type Method = { supportedMethods: string; data?: { allowedPaymentMethods?: { tokenizationSpecification?: { parameters?: Record<string, string> } }[] } };
  type Details = { total: { label: string; amount: { currency: string; value: string } } };
  const w = window as unknown as { PaymentRequest: unknown; __walletTokenFromStripe(pk: string): Promise<unknown>; __walletSheetResult?: string };

  class SimulatedPaymentRequest {
    constructor(private readonly methods: Method[], private readonly details: Details) {}

    canMakePayment(): Promise<boolean> {
      return Promise.resolve(this.methods.some((m) => m.supportedMethods === GOOGLE_PAY));
    }

    show(): Promise<unknown> {
      const method = this.methods.find((m) => m.supportedMethods === GOOGLE_PAY);
      const params = method?.data?.allowedPaymentMethods?.[0]?.tokenizationSpecification?.parameters ?? {};
      return new Promise((resolve, reject) => {
        const sheet = document.createElement('div');
        sheet.setAttribute('role', 'dialog');
        sheet.setAttribute('aria-label', 'Google Pay');
        sheet.style.cssText = 'position:fixed;inset:auto 0 0 0;background:#fff;border-top:1px solid #ccc;padding:16px;font:15px system-ui;box-shadow:0 -4px 16px rgb(0 0 0 / 20%)';
        const line = (text: string) => Object.assign(document.createElement('p'), { textContent: text });
        const button = (text: string) => Object.assign(document.createElement('button'), { type: 'button', textContent: text });
        const go = button('Continue');
        const cancel = button('Cancel');
        sheet.append(line('Google Pay (simulated)'), line(this.details.total.label), line(`${this.details.total.amount.currency} ${this.details.total.amount.value}`), line('Visa •••• 4242'), go, cancel);
        document.body.append(sheet);
        cancel.onclick = () => {
          sheet.remove();
          reject(new DOMException('The shopper closed the sheet', 'AbortError'));
        };
        go.onclick = async () => {
          if (params.gateway !== 'stripe' || !params['stripe:publishableKey']) return reject(new Error('not a Stripe gateway request'));
          const token = await w.__walletTokenFromStripe(params['stripe:publishableKey']);
          sheet.remove();
          resolve({
            methodName: GOOGLE_PAY,
            details: {
              apiVersion: 2, apiVersionMinor: 0,
              paymentMethodData: { type: 'CARD', description: 'Visa •••• 4242', info: { cardNetwork: 'VISA', cardDetails: '4242' }, tokenizationData: { type: 'PAYMENT_GATEWAY', token: JSON.stringify(token) } },
            },
            complete: (result: string) => {
              w.__walletSheetResult = result;
              return Promise.resolve();
            },
          });
        };
      });
    }
  }
  w.PaymentRequest = SimulatedPaymentRequest;
}
