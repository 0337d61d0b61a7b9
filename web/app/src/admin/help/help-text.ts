// Every word of the admin's in-app help, in one place so it can be read and reviewed together. Written
// for a shop assistant at the counter, not for an engineer: short sentences, what to do, what the shopper sees.

export interface HelpTopic {
  /** The button that opens the panel. */
  toggle: string;
  title: string;
  /** Paragraphs, then (optionally) named points: a term and what it means or what to do. */
  paragraphs: string[];
  points?: { term: string; text: string }[];
}

export const REFUND_HELP: HelpTopic = {
  toggle: 'How refunds work',
  title: 'Giving a shopper their money back',
  paragraphs: [
    'Type the amount to give back, or leave it empty to refund everything that is left. Add a short reason (for example "damaged in post"): it is kept with the refund.',
    'Press Refund once. The money goes back to the card or account the shopper paid with; you do not need to do anything in Stripe, the store or the books — Settle records the refund in all of them.',
    'What the shopper sees: the refund shows on their card statement in 5 to 10 business days (their bank decides). Card refunds never appear as cash. If they ask, tell them the amount and the date you refunded.',
    'You can refund part now and more later, up to what was paid. A refund cannot be undone: to charge the shopper again, make a new sale.',
  ],
};

export const DISPUTE_HELP: HelpTopic = {
  toggle: 'What is a dispute?',
  title: 'When a shopper’s bank takes a payment back',
  paragraphs: [
    'A dispute (also called a chargeback) means the shopper asked their bank to reverse a payment, for example because they do not recognise it or say the goods never arrived. The bank has already taken the money back for now, plus a dispute fee.',
    'What to do: open the dispute, fill in what you know — the shopper’s name and email, what they bought, the delivery carrier and tracking number, and a short, polite account of the sale — and submit it before the "Evidence due by" date. Late evidence is not looked at, and the bank decides against you.',
    'Then wait: the bank decides, usually within 60 to 75 days. If you win, the money comes back; if you lose, it stays with the shopper. Settle updates the status and your books either way.',
    'Do not refund a disputed payment: the shopper would get the money twice. If you agree with the shopper, say so in the evidence, or simply let the date pass.',
  ],
  points: [
    { term: 'Needs your evidence', text: 'You can still send evidence. Do it before the due date.' },
    { term: 'Under review by the bank', text: 'Evidence was sent; the bank is deciding. Nothing to do.' },
    { term: 'Won / Lost', text: 'The bank decided. Won: the money is back. Lost: it stays with the shopper.' },
  ],
};

export const EXCEPTIONS_HELP: HelpTopic = {
  toggle: 'Why is an order flagged?',
  title: 'Why Settle flags an order',
  paragraphs: [
    'Settle checks that the store, Stripe and your books tell the same story about every sale. When they disagree for longer than a minute or two, the order is flagged here, with what each one says.',
    'Retry runs Settle’s own step again (for example marking the order paid). Re-fetch reads the order from the store again, when someone changed it there. Accept with a note when the difference is fine — for example the shopper paid in cash — and say why.',
  ],
  points: [
    { term: 'Paid, order not updated', text: 'The shopper paid, but the order in the store does not show it yet. Retry usually fixes it; if the store is offline, it fixes itself when the store is back.' },
    { term: 'Order paid without a payment', text: 'The order is marked paid in the store, but no card payment came through Settle. Often it was paid in cash or another way: accept it with a note. If not, check the order before you ship.' },
    { term: 'Amount or currency differs', text: 'The order total in the store and the amount the shopper paid are different, usually because the order was edited after payment. Check what was shipped; refund the difference or accept it with a note.' },
    { term: 'Refund missing in the store', text: 'The shopper was refunded, but the store order does not show the refund. Retry adds it to the order.' },
    { term: 'Refund missing in Stripe', text: 'The store shows a refund, but the money was not given back through Stripe: the shopper may still be waiting. Refund them from the payment in Settle.' },
    { term: 'Missing from the books', text: 'The sale or refund is not in QuickBooks. Retry posts it; if it was deleted there, ask your bookkeeper to restore it.' },
    { term: 'Edited in the books', text: 'Someone changed the entry in QuickBooks after Settle posted it. Settle leaves their change alone; ask your bookkeeper if it was meant.' },
    { term: 'Payout not explained', text: 'The money Stripe sent to your bank does not add up to the sales, refunds and fees in it. Tell your bookkeeper; Settle keeps checking as more details arrive.' },
  ],
};
