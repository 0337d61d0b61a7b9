// Shopper's payment page: load the payment from Settle, collect the card, send
// it straight to Stripe, confirm the PaymentIntent, show the outcome. When the
// shopper's bank asks for 3-D Secure, the page sends them to the bank's page,
// which sends them back here; the page then asks Stripe how it went.
// Embedded in a store's checkout (/pay/:id/embed), it also tells the store's page its height and
// how the payment ended (host.ts). With a live key the card fields are Stripe's Payment Element.
// Never log anything here: any log line near this code risks holding card data.
import { formatMinor } from '../money';
import { fetchPayInfo, PayInfoError, type PayInfo } from './api';
import { digitsOnly, formatCardNumber, formatExpiry, validateCard, type CardInput } from './card';
import { mountPaymentElement, type PaymentElement } from './elements';
import { shopperMessage } from './errors';
import { embeddedHost, reportHeight, reportOutcome } from './host';
import { outcomeOf, type Outcome } from './outcome';
import { confirmDebit, confirmPaymentIntent, createCardPaymentMethod, createSepaDebitPaymentMethod, createTokenPaymentMethod, retrievePaymentIntent, StripeRequestError } from './stripe';
import { clearCardInputs, focusField, setBusy, setMessage, showFieldErrors, view } from './view';
import { googlePayRequest, stripeTokenOf, walletAvailable } from './wallet';
import { orderLabel, whenShopifyOrderPage, wireShopifyCancel } from './shopify';

/** The shopper's own language for amounts: the browser's first choice (what it sends as Accept-Language). */
const locale = navigator.languages?.[0] ?? navigator.language;
const host = embeddedHost();
if (host) document.documentElement.classList.add('embedded');

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
  view.wallet.hidden = true;
  view.secureNote.hidden = true;
  clearCardInputs();
  view.paid.hidden = false;
  setMessage('Payment received — thank you', 'success');
  view.paidSummary.textContent = info.shopify
    ? `You paid ${amountText} to ${info.merchantName} (${orderLabel(info)}).`
    : `You paid ${amountText} to ${info.merchantName} for order #${info.orderNumber}.`;
  const showBack = (url: string | null) => {
    const back = safeReturnUrl(url);
    if (!back) return;
    view.returnLink.href = back;
    // Embedded: the store's order-received page replaces the store's checkout, not just the frame.
    if (host) view.returnLink.target = '_top';
    if (info.shopify) view.returnLink.textContent = `Continue to your order at ${info.merchantName}`;
    view.returnLink.hidden = false;
  };
  showBack(info.returnUrl);
  view.cancelLink.hidden = true;
  if (!info.returnUrl) void whenShopifyOrderPage(info, showBack);
  view.paidDetails.hidden = false;
  document.title = `Paid · ${info.merchantName}`;
  if (host) reportOutcome(host, info.paymentId, 'paid');
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

/** Where the bank sends the shopper back: this page, without the query Stripe adds on return (but with the store's origin when embedded). */
const returnUrl = () => `${location.origin}${location.pathname}${host?.query ?? ''}`;

/** Card → Stripe PaymentMethod → confirm. Never throws; every failure becomes a shopper-facing outcome. */
async function attemptPayment(info: PayInfo, card: CardInput | { walletToken: string }): Promise<Outcome> {
  try {
    const pmId = 'walletToken' in card ? await createTokenPaymentMethod(info.stripe, card.walletToken) : await createCardPaymentMethod(info.stripe, card);
    return outcomeOf(await confirmPaymentIntent(info.stripe, pmId, returnUrl()));
  } catch (err) {
    const body = err instanceof StripeRequestError ? err.body : undefined;
    // Paid in another tab, or an earlier attempt went through after all.
    if (body?.code === 'payment_intent_unexpected_state' && body.payment_intent?.status === 'succeeded') {
      return { kind: 'paid' };
    }
    return { kind: 'failed', ...shopperMessage(body) };
  }
}

/**
 * Back from the bank's 3-D Secure page (Stripe added payment_intent and redirect_status to our
 * URL): ask Stripe what happened rather than trusting the URL. The query leaves the address bar,
 * so a reload or a shared link does not carry the client secret.
 */
function returnedFromBank(info: PayInfo): boolean {
  const params = new URLSearchParams(location.search);
  if (!params.has('payment_intent')) return false;
  history.replaceState(null, '', returnUrl());
  return params.get('payment_intent') === info.stripe?.paymentIntentId;
}

async function checkAfterBank(info: PayInfo, element: PaymentElement | null): Promise<Outcome> {
  try {
    if (element) {
      const { paymentIntent, error } = await element.retrieve();
      return paymentIntent ? outcomeOf(paymentIntent, true) : { kind: 'failed', ...shopperMessage(error) };
    }
    return outcomeOf(await retrievePaymentIntent(info.stripe), true);
  } catch (err) {
    return { kind: 'failed', ...shopperMessage(err instanceof StripeRequestError ? err.body : undefined) };
  }
}

function showOutcome(info: PayInfo, amountText: string, outcome: Outcome): void {
  if (outcome.kind === 'paid') return showPaid(info, amountText);
  // Processing: money may still move, so leave the form locked against a second charge.
  if (outcome.kind === 'pending') {
    if (host) reportOutcome(host, info.paymentId, 'processing', outcome.message);
    return setMessage(outcome.message, 'info');
  }
  if (outcome.kind === 'authenticate') {
    // The form stays locked: the shopper is on their way to the bank and back.
    setMessage('Taking you to your bank to confirm this payment…', 'info');
    return location.assign(outcome.url);
  }
  if (host) reportOutcome(host, info.paymentId, 'failed', outcome.message);
  // Re-enable before focusing: disabled inputs can't take focus.
  setBusy(false);
  setMessage(outcome.message);
  if (outcome.field) showFieldErrors({ [outcome.field]: outcome.message });
  // Focus went nowhere when the button was disabled; put it where the shopper acts next.
  focusField(outcome.field ?? 'number');
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
      inFlight = outcome.kind === 'authenticate';
      showOutcome(info, amountText, outcome);
    })();
  });
}

/** The shopper's IBAN, name and email → a SEPA debit under the mandate shown above the button. */
function wireDebit(info: PayInfo): void {
  view.debitMandate.textContent =
    `By giving your IBAN and confirming this payment, you authorise ${info.merchantName} and Stripe, its payment provider, ` +
    'to instruct your bank to debit your account, and your bank to debit it accordingly. You may ask your bank for a refund ' +
    'within 8 weeks of the debit, under the terms of your agreement with your bank.';
  view.debitForm.hidden = false;
  let inFlight = false;
  view.debitForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (inFlight) return;
    const name = view.debitName.value.trim();
    const email = view.debitEmail.value.trim();
    const iban = view.debitIban.value.replace(/\s+/g, '').toUpperCase();
    if (!name || !/^[^@\s]+@[^@\s]+$/.test(email) || !/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(iban)) {
      return setMessage('Enter the account holder, an email address and a valid IBAN.');
    }
    inFlight = true;
    view.debitButton.disabled = true;
    setMessage('', 'info');
    void (async () => {
      let outcome: Outcome;
      try {
        outcome = outcomeOf(await confirmDebit(info.stripe, await createSepaDebitPaymentMethod(info.stripe, { name, email, iban })));
      } catch (err) {
        const body = err instanceof StripeRequestError ? err.body : undefined;
        outcome = { kind: 'failed', message: body?.code === 'invalid_bank_account_iban' ? 'This IBAN is not valid. Check it and try again.' : shopperMessage(body).message };
      }
      if (outcome.kind === 'failed') {
        inFlight = false;
        view.debitButton.disabled = false;
        return setMessage(outcome.message);
      }
      // Submitted: the bank answers in a few days; nothing more to do here (no second payment).
      view.form.hidden = true;
      view.debitForm.hidden = true;
      view.secureNote.hidden = true;
      const message = 'Your bank payment is being processed. The store will confirm your order once your bank has paid it.';
      if (host) reportOutcome(host, info.paymentId, 'processing', message);
      setMessage(message, 'info');
    })();
  });
}

/** How long the page waits for the browser to say whether Google Pay is ready before showing the form without it. */
const WALLET_CHECK_MS = 1500;

/**
 * Whether to offer Google Pay, asked before the form shows: a button appearing later would push the
 * card form (and the Pay button) down under the shopper's pointer. A browser slower than
 * WALLET_CHECK_MS to answer gets no button rather than a late one.
 */
function walletReady(info: PayInfo, exponent: number): Promise<boolean> {
  return Promise.race([walletAvailable(info, exponent), new Promise<boolean>((r) => setTimeout(() => r(false), WALLET_CHECK_MS))]);
}

/** Google Pay: the sheet's card token pays like a typed card. */
function wireWallet(info: PayInfo, amountText: string, exponent: number): void {
  view.wallet.hidden = false;
  view.walletButton.addEventListener('click', () => {
    // A request shows once; each click needs its own (made inside the click, as show() requires).
    const request = googlePayRequest(info, exponent);
    if (!request) return;
    setMessage('', 'info');
    setBusy(true);
    void (async () => {
      let response: PaymentResponse;
      try {
        response = await request.show();
      } catch {
        return setBusy(false); // the shopper closed the sheet: nothing happened
      }
      const token = stripeTokenOf(response.details);
      const outcome: Outcome = token
        ? await attemptPayment(info, { walletToken: token })
        : { kind: 'failed', message: 'Google Pay didn’t share a card we can use. Try again, or enter your card details.' };
      await response.complete(outcome.kind === 'failed' ? 'fail' : 'success').catch(() => undefined);
      showOutcome(info, amountText, outcome);
    })();
  });
}

/** Live mode: Stripe's Payment Element instead of our fields; Stripe.js runs any bank check itself. */
function wireElements(info: PayInfo, amountText: string): PaymentElement | null {
  const element = mountPaymentElement(info.stripe, view.paymentElement, locale);
  if (!element) return null;
  view.cardFields.hidden = true;
  view.paymentElement.hidden = false;
  let inFlight = false;
  view.form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (inFlight) return;
    inFlight = true;
    setMessage('', 'info');
    setBusy(true);
    void (async () => {
      const result = await element.confirm(returnUrl());
      const outcome: Outcome = result.paymentIntent ? outcomeOf(result.paymentIntent, true) : { kind: 'failed', ...shopperMessage(result.error) };
      inFlight = false;
      showOutcome(info, amountText, outcome);
    })();
  });
  return element;
}

async function start(): Promise<void> {
  view.button.dataset.label = view.button.textContent ?? 'Pay';
  const paymentId = paymentIdFromUrl();
  if (host && paymentId) reportHeight(host, paymentId, view.main);
  try {
    if (!paymentId) throw new PayInfoError(404, 'This payment link is incomplete. Check the link from the store.');
    const info = await fetchPayInfo(paymentId);
    // The currency's digits as Settle counts them (JPY none, KWD three), in the shopper's language.
    const exponent = info.currencyExponent ?? undefined;
    const amountText = formatMinor(info.amount.amount, info.amount.currency, locale, exponent);

    view.storeName.textContent = info.merchantName;
    view.orderNumber.textContent = orderLabel(info);
    const cancel = safeReturnUrl(info.shopify?.cancelUrl ?? null);
    if (cancel) {
      view.cancelLink.href = cancel;
      view.cancelLink.textContent = `Cancel and return to ${info.merchantName}`;
      view.cancelLink.hidden = false;
      wireShopifyCancel(info, view.cancelLink, (message) => setMessage(message));
    }
    view.amount.textContent = amountText;
    view.header.hidden = false;
    document.title = `Pay ${info.merchantName} · ${orderLabel(info)}`;
    view.button.dataset.label = `Pay ${amountText}`;
    view.button.textContent = view.button.dataset.label;

    const back = returnedFromBank(info);
    // Authorized: the store captures the money later; for the shopper it is paid.
    if (info.status === 'succeeded' || info.status === 'authorized') return showPaid(info, amountText);
    // A bank debit (SEPA) on its way: the bank answers in a few days, and the store hears from Settle.
    if (info.status === 'processing') return setMessage('Your bank payment is being processed. The store will confirm your order once your bank has paid it.', 'info');
    if (info.status === 'canceled') {
      if (host) reportOutcome(host, info.paymentId, 'canceled');
      return setMessage('This payment was canceled and nothing was charged. Return to the store to check out again.');
    }

    const wallet = info.cardFields === 'elements' ? false : await walletReady(info, exponent ?? 2);
    view.form.hidden = false;
    view.secureNote.hidden = false;
    let element: PaymentElement | null = null;
    if (info.cardFields === 'elements') {
      // Raw card numbers never go from this page to the real Stripe: its fields are Stripe's own.
      element = wireElements(info, amountText);
      if (!element) {
        view.form.hidden = true;
        view.secureNote.hidden = true;
        return setMessage('We couldn’t load the secure card form. Check your connection and refresh the page.');
      }
      if (!back) return;
    } else {
      wireFormatting();
      wireSubmit(info, amountText);
      if (wallet) wireWallet(info, amountText, exponent ?? 2);
      if (info.bankDebit) wireDebit(info);
      // Embedded: focusing would scroll the store's page to the frame before the shopper got there.
      if (!back) return host ? undefined : view.number.focus();
    }
    setBusy(true);
    setMessage('Checking your payment with your bank…', 'info');
    showOutcome(info, amountText, await checkAfterBank(info, element));
  } catch (err) {
    setMessage(err instanceof PayInfoError ? err.message : 'We couldn’t load this payment. Refresh the page to try again.');
  } finally {
    view.loading.hidden = true;
    view.main.setAttribute('aria-busy', 'false');
  }
}

void start();
