// Shopper's payment page: load the payment from Settle, collect the card, send
// it straight to Stripe, confirm the PaymentIntent, show the outcome.
// Never log anything here: any log line near this code risks holding card data.
import { formatMinor } from '../money';
import { fetchPayInfo, PayInfoError, type PayInfo } from './api';
import { digitsOnly, formatCardNumber, formatExpiry, validateCard, type CardField, type CardInput } from './card';
import { shopperMessage } from './errors';
import { confirmPaymentIntent, createCardPaymentMethod, StripeRequestError } from './stripe';
import { clearCardInputs, focusField, setBusy, setMessage, showFieldErrors, view } from './view';

const locale = navigator.language;

function paymentIdFromUrl(): string | null {
  const m = /\/pay\/([^/?#]+)/.exec(location.pathname);
  return m?.[1] ? decodeURIComponent(m[1]) : null;
}

/** Only http(s) links back to the store; a javascript: URL from bad data must never become clickable. */
function safeReturnUrl(raw: string | null): string | null {
  if (!raw) return null;
  try {
    const u = new URL(raw, location.href);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

function showPaid(info: PayInfo, amountText: string): void {
  view.form.hidden = true;
  view.secureNote.hidden = true;
  clearCardInputs();
  view.paid.hidden = false;
  setMessage('Payment received — thank you', 'success');
  view.paidSummary.textContent = `You paid ${amountText} to ${info.merchantName} for order #${info.orderNumber}.`;
  const back = safeReturnUrl(info.returnUrl);
  if (back) {
    view.returnLink.href = back;
    view.returnLink.hidden = false;
  }
  view.paidDetails.hidden = false;
  document.title = `Paid · ${info.merchantName}`;
}

function wireFormatting(): void {
  // Reformat only when the caret is at the end, so editing mid-number doesn't jump the cursor.
  const reformat = (input: HTMLInputElement, fmt: (s: string) => string) =>
    input.addEventListener('input', () => {
      if (input.selectionStart === input.value.length) input.value = fmt(input.value);
    });
  reformat(view.number, formatCardNumber);
  reformat(view.expiry, formatExpiry);
  reformat(view.cvc, (s) => digitsOnly(s).slice(0, 4));
}

type Outcome =
  | { kind: 'paid' }
  | { kind: 'pending'; message: string }
  | { kind: 'failed'; message: string; field?: CardField };

/** Card → Stripe PaymentMethod → confirm. Never throws; every failure becomes a shopper-facing outcome. */
async function attemptPayment(info: PayInfo, card: CardInput): Promise<Outcome> {
  try {
    const pmId = await createCardPaymentMethod(info.stripe, card);
    const pi = await confirmPaymentIntent(info.stripe, pmId);
    if (pi.status === 'succeeded' || pi.status === 'requires_capture') return { kind: 'paid' };
    if (pi.status === 'processing') {
      return { kind: 'pending', message: 'Your payment is processing. The store will update your order when it completes.' };
    }
    if (pi.status === 'requires_action') {
      return { kind: 'failed', message: 'Your bank needs extra verification that this page can’t do. Try another card.' };
    }
    return { kind: 'failed', ...shopperMessage(pi.last_payment_error ?? { type: 'card_error' }) };
  } catch (err) {
    const body = err instanceof StripeRequestError ? err.body : undefined;
    // Paid in another tab, or an earlier attempt went through after all.
    if (body?.code === 'payment_intent_unexpected_state' && body.payment_intent?.status === 'succeeded') {
      return { kind: 'paid' };
    }
    return { kind: 'failed', ...shopperMessage(body) };
  }
}

function wireSubmit(info: PayInfo, amountText: string): void {
  let inFlight = false;
  view.form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (inFlight) return; // button is disabled too; this also stops Enter-key repeats
    const checked = validateCard({ number: view.number.value, expiry: view.expiry.value, cvc: view.cvc.value });
    if (checked.errors) {
      showFieldErrors(checked.errors);
      setMessage('Check your card details.');
      const first = (['number', 'expiry', 'cvc'] as const).find((f) => checked.errors[f]);
      if (first) focusField(first);
      return;
    }
    showFieldErrors({});
    setMessage('', 'info');
    inFlight = true;
    setBusy(true);
    void (async () => {
      const outcome = await attemptPayment(info, checked.card);
      inFlight = false;
      if (outcome.kind === 'paid') return showPaid(info, amountText);
      // Processing: money may still move, so leave the form locked against a second charge.
      if (outcome.kind === 'pending') return setMessage(outcome.message, 'info');
      // Re-enable before focusing: disabled inputs can't take focus.
      setBusy(false);
      setMessage(outcome.message);
      if (outcome.field) showFieldErrors({ [outcome.field]: outcome.message });
      // Focus went nowhere when the button was disabled; put it where the shopper acts next.
      focusField(outcome.field ?? 'number');
    })();
  });
}

async function start(): Promise<void> {
  view.button.dataset.label = view.button.textContent ?? 'Pay';
  const paymentId = paymentIdFromUrl();
  try {
    if (!paymentId) throw new PayInfoError(404, 'This payment link is incomplete. Check the link from the store.');
    const info = await fetchPayInfo(paymentId);
    const amountText = formatMinor(info.amount.amount, info.amount.currency, locale);

    view.storeName.textContent = info.merchantName;
    view.orderNumber.textContent = `Order #${info.orderNumber}`;
    view.amount.textContent = amountText;
    view.header.hidden = false;
    document.title = `Pay ${info.merchantName} · Order #${info.orderNumber}`;
    view.button.dataset.label = `Pay ${amountText}`;
    view.button.textContent = view.button.dataset.label;

    if (info.status === 'succeeded') return showPaid(info, amountText);

    // Raw card numbers may only go to Stripe's API with test/sandbox keys; live
    // mode needs Stripe.js/Elements (PCI SAQ A), which this page doesn't load.
    if (!info.stripe.publishableKey.startsWith('pk_test_')) {
      return setMessage('Card payments aren’t available for this store right now. Please contact the store.');
    }

    view.form.hidden = false;
    view.secureNote.hidden = false;
    wireFormatting();
    wireSubmit(info, amountText);
    view.number.focus();
  } catch (err) {
    setMessage(err instanceof PayInfoError ? err.message : 'We couldn’t load this payment. Refresh the page to try again.');
  } finally {
    view.loading.hidden = true;
    view.main.setAttribute('aria-busy', 'false');
  }
}

void start();
