/**
 * The short version of `npm run chaos` that runs with every `npm test`: Settle's server, its worker
 * and both are each SIGKILLed once at a random point of a payment's flow and restarted; then a
 * flood of duplicate, reordered webhook deliveries. Afterwards every paid order is in Stripe, the
 * store (status and stock), the ledger and QuickBooks exactly once. (Recovery times are figures
 * of `npm run chaos`, not assertions.)
 */
import { describe, expect, it } from 'vitest';
import { runCrashChaos } from '../../scripts/chaos/crash';
import { runDuplicateFlood } from '../../scripts/chaos/duplicates';

describe('chaos, short', () => {
  it('three kills (server, worker, both) mid-flow: nothing lost, nothing doubled', { timeout: 420_000 }, async () => {
    const result = await runCrashChaos({ runs: 3, flowsPerRun: 2, recoveryTimeoutMs: 150_000 });
    expect(result.runs).toBe(3);
    expect(result.paidOrders).toBe(6);
    expect(result.details.every((d) => d.recoverySeconds !== null)).toBe(true);
    expect({ lost: result.lost, doubled: result.doubled }).toEqual({ lost: 0, doubled: 0 });
    expect(result.final).toMatchObject({ storeProcessing: 6, unitsTaken: 6, ledgerSales: 6, salesReceipts: 6, feeExpenses: 6 });
  });

  it('2,000 duplicate and reordered deliveries of real events: no double posting', { timeout: 300_000 }, async () => {
    const result = await runDuplicateFlood({ deliveries: 2_000, payments: 6, concurrency: 16 });
    expect(result.answered2xx).toBe(2_000);
    expect({ doublePostings: result.doublePostings, lost: result.lost }).toEqual({ doublePostings: 0, lost: 0 });
    expect(result.final).toMatchObject({ paidOrders: 6, storeProcessing: 6, unitsTaken: 6, ledgerSales: 6, salesReceipts: 6 });
    // One inbox row per distinct event: the repeats were recognised, not stored again.
    expect(result.inboxRows).toBeLessThanOrEqual(result.distinctEvents);
  });
});
