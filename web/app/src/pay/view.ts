// DOM access for pay.html, kept in one place so main.ts reads as the flow.
import type { CardField, FieldErrors } from './card';

function el<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`pay.html is missing #${id}`);
  return node as T;
}

export const view = {
  main: document.querySelector('main') as HTMLElement,
  header: el('pay-header'),
  secureNote: el('secure-note'),
  storeName: el('store-name'),
  orderNumber: el('order-number'),
  amount: el('pay-amount'),
  loading: el('loading'),
  form: el<HTMLFormElement>('pay-form'),
  number: el<HTMLInputElement>('card-number'),
  expiry: el<HTMLInputElement>('card-expiry'),
  cvc: el<HTMLInputElement>('card-cvc'),
  button: el<HTMLButtonElement>('pay-button'),
  message: el('pay-message'),
  paid: el('paid'),
  paidDetails: el('paid-details'),
  paidSummary: el('paid-summary'),
  returnLink: el<HTMLAnchorElement>('return-link'),
  cancelLink: el<HTMLAnchorElement>('cancel-link'),
  debitForm: el<HTMLFormElement>('debit-form'),
  debitName: el<HTMLInputElement>('debit-name'),
  debitEmail: el<HTMLInputElement>('debit-email'),
  debitIban: el<HTMLInputElement>('debit-iban'),
  debitMandate: el('debit-mandate'),
  debitButton: el<HTMLButtonElement>('debit-button'),
  wallet: el('wallet'),
  walletButton: el<HTMLButtonElement>('wallet-button'),
  cardFields: el('card-fields'),
  paymentElement: el('payment-element'),
};

const inputs: Record<CardField, HTMLInputElement> = { number: view.number, expiry: view.expiry, cvc: view.cvc };

export function setMessage(text: string, kind: 'error' | 'success' | 'info' = 'error'): void {
  view.message.className = `message ${kind}`;
  view.message.textContent = text;
}

export function showFieldErrors(errors: FieldErrors): void {
  for (const field of Object.keys(inputs) as CardField[]) {
    const input = inputs[field];
    const text = errors[field] ?? '';
    input.setAttribute('aria-invalid', text ? 'true' : 'false');
    const note = document.getElementById(`${input.id}-error`);
    if (note) note.textContent = text;
  }
}

export function focusField(field: CardField): void {
  inputs[field].focus();
}

export function setBusy(busy: boolean): void {
  view.button.disabled = busy;
  view.button.textContent = busy ? 'Paying…' : view.button.dataset.label ?? 'Pay';
  for (const input of Object.values(inputs)) input.disabled = busy;
  view.walletButton.disabled = busy;
  view.form.setAttribute('aria-busy', String(busy));
}

export function clearCardInputs(): void {
  for (const input of Object.values(inputs)) input.value = '';
}
