// What every sandbox operation works with: the state, the webhook dispatcher, the account it acts
// on and the API request behind it (events carry its id and idempotency key).
import type { Account, SandboxState } from './store';
import type { RequestInfo, WebhookDispatcher } from './webhooks';

export interface Ctx {
  state: SandboxState;
  hooks: WebhookDispatcher;
  acct: Account;
  request: RequestInfo;
  /** Which kind of API key made the request (absent for the sandbox's own pages and clock). */
  keyKind?: 'secret' | 'publishable';
}
