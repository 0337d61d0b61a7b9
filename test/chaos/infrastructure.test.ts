/**
 * Settle's Redis restarted (every queued job lost), then its PostgreSQL stopped at once, then both
 * unreachable, while shoppers keep paying: /readyz names what is down while it lasts, the work
 * resumes by itself, and every paid order ends up in Stripe, the store, the ledger and QuickBooks
 * exactly once. Runs against a PostgreSQL and a Redis of its own (scripts/chaos/services.ts).
 */
import { describe, expect, it } from 'vitest';
import { runInfrastructureChaos } from '../../scripts/chaos/infrastructure';

describe('chaos: infrastructure outages', () => {
  it('Redis restarted, PostgreSQL restarted, both down: readiness says so, nothing lost or doubled', { timeout: 420_000 }, async () => {
    const result = await runInfrastructureChaos({ outageMs: 4_000 });
    expect(result.outages.map((o) => [o.outage, o.readinessDuringOutage, o.readinessAfter])).toEqual([
      ['redis', '503: redis down', 'ready'],
      ['postgres', '503: database down', 'ready'],
      ['both', '503: database and redis down', 'ready'],
    ]);
    expect(result.paidOrders).toBeGreaterThan(0);
    expect(result.recoverySeconds).not.toBeNull();
    expect({ lost: result.lost, doubled: result.doubled }).toEqual({ lost: 0, doubled: 0 });
  });
});
