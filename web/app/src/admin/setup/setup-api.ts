// Typed client for guided setup: GET/PUT /api/setup (where the merchant is), the preflight checks
// and their one-click fixes, the dry run (started, then watched), and the switch to live. Also the
// posting-mode and account-mapping endpoints of the books, which may not be on this Settle yet.
import type { Money } from '../../money';
import { ApiError, getJson } from '../api';

export const STEPS = [
  { id: 'choose', title: 'Choose what to connect' },
  { id: 'connect', title: 'Connect' },
  { id: 'books', title: 'Posting mode and accounts' },
  { id: 'payments', title: 'Payment methods and currencies' },
  { id: 'preflight', title: 'Preflight checks' },
  { id: 'dry_run', title: 'Dry run' },
  { id: 'go_live', title: 'Go live' },
] as const;
export type StepId = (typeof STEPS)[number]['id'];

export interface SetupChoices {
  connect: { store: 'woocommerce' | 'shopify' | null; stripe: boolean; quickbooks: boolean };
  paymentMethods: string[];
  currencies: string[];
}

export type CheckOutcome =
  | { status: 'ok'; detail?: string }
  | { status: 'problem'; problem: string; fix: string; action?: 'repair_store_webhooks' | 'renew_stripe_webhook' | (string & {}) }
  | { status: 'skipped'; detail: string };

export interface PreflightRun {
  mode: 'test' | 'live';
  ranAt: string;
  passed: boolean;
  results: { id: string; title: string; outcome: CheckOutcome }[];
}

export interface DryRunView {
  id: string;
  status: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  steps: { id: string; label: string; status: 'waiting' | 'running' | 'done' | 'failed' | 'skipped'; detail?: string }[];
  payment: { reference: string; amount: Money } | null;
  order: { id: string; number: string; status: string; paid: boolean | null; product: string | null; stockBefore: number | null; stockAfter: number | null } | null;
  documents: { kind: string; entity: string; what: string; date: string; memo: string; lines: { account: string; debit: Money | null; credit: Money | null }[]; body: Record<string, unknown> }[];
  error: string | null;
}

export interface SetupProgress {
  step: StepId;
  mode: 'test' | 'live';
  arrivedFrom: 'shopify' | 'woocommerce' | 'quickbooks' | 'direct';
  choices: SetupChoices;
  preflight: PreflightRun | null;
  dryRun: DryRunView | null;
  completedAt: string | null;
  updatedAt: string | null;
}

export interface SetupView {
  setup: SetupProgress;
  /** True until setup is done (merchants who connected Stripe before setup existed are not asked). */
  needed: boolean;
  connections: { platform: string; status: string }[];
}

/** A JSON call answered with its status and body, refusals included (they carry what to show). */
export async function call<T>(url: string, method: string, body?: unknown): Promise<{ ok: boolean; status: number; body: T & { error?: { code: string; message: string } } }> {
  let res: Response;
  try {
    res = await fetch(url, {
      method, credentials: 'same-origin',
      headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'Could not reach Settle. Nothing was changed; try again.');
  }
  const json = (await res.json().catch(() => ({}))) as T & { error?: { code: string; message: string } };
  return { ok: res.ok, status: res.status, body: json };
}

async function must<T>(url: string, method: string, body?: unknown): Promise<T> {
  const r = await call<T>(url, method, body);
  if (!r.ok) throw new ApiError(r.status, r.body.error?.code ?? `http_${r.status}`, r.body.error?.message ?? `Request failed (HTTP ${r.status}).`);
  return r.body;
}

export const fetchSetup = (signal?: AbortSignal) => getJson<SetupView>('/api/setup', (b) => typeof (b as SetupView).setup === 'object', signal);
export const saveSetup = (change: { step?: StepId; choices?: SetupChoices }) => must<SetupView>('/api/setup', 'PUT', change);
export const runPreflight = async () => (await must<{ preflight: PreflightRun }>('/api/setup/preflight', 'POST', {})).preflight;
export const fixAction = (action: string) =>
  must<unknown>(action === 'renew_stripe_webhook' ? '/api/setup/preflight/renew-stripe-webhook' : '/api/setup/preflight/repair-store-webhooks', 'POST', {});
export const startDryRun = async () => (await must<{ dryRun: DryRunView }>('/api/setup/dry-run', 'POST', {})).dryRun;
export const fetchDryRun = async () => (await must<{ dryRun: DryRunView | null }>('/api/setup/dry-run', 'GET')).dryRun;
export const connectStripeKeys = (secretKey: string, publishableKey: string) => must<unknown>('/api/connections/stripe', 'PUT', { secretKey, publishableKey });
export const goLive = (keys: { secretKey: string; publishableKey: string }) => call<SetupView & { preflight?: PreflightRun }>('/api/setup/go-live', 'POST', keys);
