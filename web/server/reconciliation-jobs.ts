import type { Job } from 'bullmq';
import { catchUpMissedEvents, merchantsToSweep, sweepMerchant } from '../../core/reconciliation/sweep';
import type { Services } from './services';

/** The job id of one merchant's sweep: one waiting or running sweep per merchant and tick. */
export const sweepJobId = (merchantId: string, tick: string | number) => `sweep-${merchantId}-${tick}`;

/** The job a starting server queues: every merchant's missed Stripe events caught up (see catchUpMissedEvents). */
export const catchUpJobId = (startedAt: number) => `catch-up-${startedAt}`;

/**
 * The reconciliation queue's jobs. The scheduled tick (no merchant) fans out one sweep job per
 * merchant, so merchants are swept apart (one slow store does not hold up the others) and each
 * shows its own progress; a merchant's job runs the sweep.
 */
export async function reconcile(services: Services, job: Job): Promise<string> {
  const merchantId = typeof job.data.merchantId === 'string' ? job.data.merchantId : undefined;
  const catchUp = job.data.catchUp === true;
  if (!merchantId) {
    const merchants = await merchantsToSweep(services.db);
    const tick = job.timestamp;
    for (const id of merchants) {
      await services.jobs.enqueue('reconciliation', catchUp ? `${String(job.id)}-${id}` : sweepJobId(id, tick), { merchantId: id, catchUp });
    }
    return `${catchUp ? 'catch-up' : 'sweep'} queued for ${merchants.length} merchants`;
  }
  if (catchUp) {
    const { read, recovered } = await catchUpMissedEvents(services, merchantId);
    return `caught up: ${recovered} of ${read} Stripe events had not arrived as webhooks`;
  }
  const outcome = await sweepMerchant(services, merchantId, {
    graceMs: services.config.RECONCILIATION_GRACE_MS,
    storeReadsPerSweep: services.config.RECONCILIATION_STORE_READS,
    progress: (stage, done, total) => job.updateProgress({ stage, done, total }),
  });
  return (
    `swept: ${outcome.eventsRecovered} of ${outcome.eventsRead} Stripe events recovered, ` +
    `${outcome.movementsRecovered} of ${outcome.movementsRead} balance transactions posted, ${outcome.ordersReread} orders re-read, ` +
    `${outcome.match.found} exceptions (${outcome.match.opened} new, ${outcome.match.resolved} resolved), ${outcome.repairsQueued} repairs queued` +
    (outcome.problems.length > 0 ? `; could not read ${outcome.problems.join('; ')}` : '')
  );
}
