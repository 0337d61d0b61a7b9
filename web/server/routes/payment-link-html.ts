/**
 * The page a shopper sees when opening a payment link: who is selling, what, for how much, and the
 * email the store will know them by. Plain HTML with no script: it works in any browser, and the
 * card is taken on Settle's payment page, which this form leads to.
 */
export interface LinkPageView {
  seller?: string;
  description?: string;
  lines?: { name: string; quantity: number; amountFormatted: string }[];
  totalFormatted?: string;
  /** Why the link cannot be paid now (unknown, deactivated, sold out); no form is shown. */
  problem?: string;
  email?: string;
  name?: string;
  fieldError?: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Every text from a merchant, a store or a shopper passes here before it reaches the page. */
export const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const STYLE = `
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #202223; background: #f6f6f7; margin: 0; }
  main { max-width: 28rem; margin: 3rem auto; background: #fff; border-radius: 12px; padding: 1.5rem 1.75rem; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
  h1 { font-size: 1.25rem; margin: 0 0 .25rem; } .seller { color: #6d7175; margin: 0 0 1rem; }
  table { width: 100%; border-collapse: collapse; margin: 1rem 0; } td { padding: .35rem 0; border-bottom: 1px solid #e1e3e5; }
  td.amount { text-align: right; white-space: nowrap; } tr.total td { font-weight: 600; border-bottom: none; }
  label { display: block; font-weight: 500; margin-top: .75rem; } input { width: 100%; box-sizing: border-box; font: inherit; padding: .5rem; margin-top: .25rem; border: 1px solid #8c9196; border-radius: 6px; }
  button { width: 100%; margin-top: 1.25rem; padding: .7rem; font: inherit; font-weight: 600; color: #fff; background: #008060; border: none; border-radius: 6px; cursor: pointer; }
  .problem, .field-error { color: #8e1f0b; } .note { color: #6d7175; font-size: .875rem; }`;

export function linkPageHtml(view: LinkPageView): string {
  const title = view.problem ? 'Payment link' : `Pay ${view.seller ?? ''}`;
  const seller = view.seller ? `<p class="seller">${escape(view.seller)}</p>` : '';
  const body = view.problem
    ? `<h1>This link cannot be paid</h1>${seller}<p class="problem" role="alert">${escape(view.problem)}</p>`
    : `<h1>${escape(view.description ?? '')}</h1>${seller}
  <table>
    ${(view.lines ?? []).map((l) => `<tr><td>${l.quantity > 1 ? `${l.quantity} × ` : ''}${escape(l.name)}</td><td class="amount">${escape(l.amountFormatted)}</td></tr>`).join('\n    ')}
    <tr class="total"><td>Total</td><td class="amount">${escape(view.totalFormatted ?? '')}</td></tr>
  </table>
  <form method="post">
    <label for="email">Email</label>
    <input id="email" name="email" type="email" autocomplete="email" required maxlength="200" value="${escape(view.email ?? '')}"${view.fieldError ? ' aria-invalid="true" aria-describedby="email-error"' : ''}>
    ${view.fieldError ? `<p id="email-error" class="field-error" role="alert">${escape(view.fieldError)}</p>` : ''}
    <label for="name">Name (optional)</label>
    <input id="name" name="name" type="text" autocomplete="name" maxlength="200" value="${escape(view.name ?? '')}">
    <p class="note">The store records your order under this email. You pay by card on the next page.</p>
    <button type="submit">Continue to payment</button>
  </form>`;
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="referrer" content="no-referrer">
  <title>${escape(title)}</title>
  <style>${STYLE}</style>
</head>
<body>
<main>
  ${body}
</main>
</body>
</html>
`;
}
