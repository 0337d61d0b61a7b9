// The page a merchant sees at Intuit when an app asks to connect: pick a company (or make one in the
// sandbox) and press Connect, or Cancel. Plain HTML; a test can read the form or post it directly.
import type { Company } from './store';

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function consentPage(action: string, r: { clientId: string; redirectUri: string; scope: string; state: string }, companies: Company[]): string {
  const hidden = Object.entries({ client_id: r.clientId, redirect_uri: r.redirectUri, scope: r.scope, state: r.state, response_type: 'code' })
    .map(([k, v]) => `<input type="hidden" name="${k}" value="${escape(v)}">`)
    .join('');
  const options = companies.map((c) => `<option value="${escape(c.realmId)}">${escape(c.companyName)}</option>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Connect to QuickBooks (sandbox)</title></head><body>
<h1>An app wants to connect to your QuickBooks company</h1>
<p>It asks for: ${escape(r.scope)}</p>
<form method="post" action="${escape(action.split('?')[0] ?? action)}">${hidden}
<label>Company <select name="realm_id">${options}<option value="">New sandbox company</option></select></label>
<label>New company name <input name="company_name" value="Sandbox Company"></label>
<button type="submit" name="decision" value="connect">Connect</button>
<button type="submit" name="decision" value="cancel">Cancel</button>
</form></body></html>`;
}
