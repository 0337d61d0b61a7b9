import type { Queryable } from '../storage/database';
import type { PreflightRun } from './preflight/check';
import type { DryRunView } from './dry-run';
import type { SetupChoices, SetupMode } from './choices';

export type { SetupChoices, SetupMode } from './choices';

/**
 * The wizard's steps in order, the same whichever app store the merchant came from: choose what to
 * connect, connect each, pick the posting mode and map accounts, payment methods and currencies,
 * preflight checks, dry run, go live.
 */
export const SETUP_STEPS = ['choose', 'connect', 'books', 'payments', 'preflight', 'dry_run', 'go_live'] as const;
export type SetupStep = (typeof SETUP_STEPS)[number];
export const ARRIVALS = ['shopify', 'woocommerce', 'quickbooks', 'direct'] as const;
export type Arrival = (typeof ARRIVALS)[number];


export interface SetupProgress {
  step: SetupStep;
  mode: SetupMode;
  arrivedFrom: Arrival;
  choices: SetupChoices;
  preflight: PreflightRun | null;
  dryRun: DryRunView | null;
  completedAt: string | null;
  updatedAt: string | null;
}

/** What a merchant who has not started sees: a store and Stripe picked, cards in dollars, in test mode. */
export function defaultChoices(arrivedFrom: Arrival): SetupChoices {
  const store = arrivedFrom === 'shopify' ? 'shopify' : 'woocommerce';
  return { connect: { store, stripe: true, quickbooks: true }, paymentMethods: ['card'], currencies: ['USD'] };
}

interface Row {
  step: SetupStep; mode: SetupMode; arrived_from: Arrival; choices: Partial<SetupChoices>;
  preflight: PreflightRun | null; dry_run: DryRunView | null; completed_at: Date | null; updated_at: Date;
}

export async function loadSetup(db: Queryable, merchantId: string, arrivedFrom: Arrival = 'direct'): Promise<SetupProgress> {
  const [row] = await db.query<Row>(
    'SELECT step, mode, arrived_from, choices, preflight, dry_run, completed_at, updated_at FROM setup_progress WHERE merchant_id = $1', [merchantId]);
  if (!row) return { step: 'choose', mode: 'test', arrivedFrom, choices: defaultChoices(arrivedFrom), preflight: null, dryRun: null, completedAt: null, updatedAt: null };
  return {
    step: row.step, mode: row.mode, arrivedFrom: row.arrived_from,
    choices: { ...defaultChoices(row.arrived_from), ...row.choices },
    preflight: row.preflight, dryRun: row.dry_run,
    completedAt: row.completed_at ? new Date(row.completed_at).toISOString() : null,
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export type SetupChange = Partial<Pick<SetupProgress, 'step' | 'mode' | 'arrivedFrom' | 'choices' | 'preflight' | 'dryRun'>> & { completed?: boolean };

/** Saves what changed (the rest is kept) and answers the whole progress as stored. */
export async function saveSetup(db: Queryable, merchantId: string, change: SetupChange): Promise<SetupProgress> {
  const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
  await db.query(
    `INSERT INTO setup_progress (merchant_id, step, mode, arrived_from, choices, preflight, dry_run, completed_at)
     VALUES ($1, coalesce($2, 'choose'), coalesce($3, 'test'), coalesce($4, 'direct'), coalesce($5::jsonb, '{}'::jsonb), $6::jsonb, $7::jsonb,
             CASE WHEN $8::boolean THEN now() END)
     ON CONFLICT (merchant_id) DO UPDATE SET
       step = coalesce($2, setup_progress.step),
       mode = coalesce($3, setup_progress.mode),
       arrived_from = coalesce($4, setup_progress.arrived_from),
       choices = coalesce($5::jsonb, setup_progress.choices),
       preflight = CASE WHEN $9::boolean THEN $6::jsonb ELSE setup_progress.preflight END,
       dry_run = CASE WHEN $10::boolean THEN $7::jsonb ELSE setup_progress.dry_run END,
       completed_at = CASE WHEN $8::boolean THEN coalesce(setup_progress.completed_at, now()) WHEN $8::boolean = false THEN NULL ELSE setup_progress.completed_at END,
       updated_at = now()`,
    [
      merchantId, change.step ?? null, change.mode ?? null, change.arrivedFrom ?? null, json(change.choices),
      json(change.preflight), json(change.dryRun), change.completed ?? null, change.preflight !== undefined, change.dryRun !== undefined,
    ],
  );
  return loadSetup(db, merchantId);
}
