import type { SetupChoices, SetupMode } from '../choices';
import type { SetupFacts } from './facts';

/**
 * One check's answer, in the merchant's words: fine, or what is wrong and how to put it right.
 * `action` names a fix Settle can make itself when asked (a button next to the fix).
 * Skipped: the check does not apply (e.g. no QuickBooks chosen).
 */
export type CheckOutcome =
  | { status: 'ok'; detail?: string }
  | { status: 'problem'; problem: string; fix: string; action?: FixAction }
  | { status: 'skipped'; detail: string };

export type FixAction = 'repair_store_webhooks' | 'renew_stripe_webhook';

export interface CheckContext {
  facts: SetupFacts;
  /** The mode the checks are for: the switch to live runs them for 'live' before it switches. */
  mode: SetupMode;
  choices: SetupChoices;
}

export interface PreflightCheck {
  id: string;
  /** What is checked, as the wizard's list shows it. */
  title: string;
  run(context: CheckContext): Promise<CheckOutcome>;
}

export interface CheckResult {
  id: string;
  title: string;
  outcome: CheckOutcome;
}

export interface PreflightRun {
  mode: SetupMode;
  ranAt: string;
  passed: boolean;
  results: CheckResult[];
}

export const ok = (detail?: string): CheckOutcome => ({ status: 'ok', ...(detail ? { detail } : {}) });
export const problem = (text: string, fix: string, action?: FixAction): CheckOutcome => ({ status: 'problem', problem: text, fix, ...(action ? { action } : {}) });
export const skipped = (detail: string): CheckOutcome => ({ status: 'skipped', detail });
