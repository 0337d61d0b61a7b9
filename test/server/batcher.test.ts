import { describe, expect, it } from 'vitest';
import { Batcher } from '../../web/server/batcher';

describe('Batcher (group commit on the webhook path)', () => {
  it('gathers calls made together into batches and answers each with its own result', async () => {
    const batches: number[][] = [];
    const batcher = new Batcher(async (items: number[]) => (batches.push(items), items.map((n) => n * 10)), { maxBatch: 3, maxRunning: 1 });
    expect(await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.submit(n)))).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([[1, 2, 3], [4, 5]]);
    expect(await batcher.submit(6)).toBe(60); // a lone call still goes out
  });

  it('when a batch fails, retries its items one by one so only the bad one fails', async () => {
    const batcher = new Batcher(async (items: string[]) => {
      if (items.includes('bad')) throw new Error('refused');
      return items.map((s) => s.toUpperCase());
    });
    const results = await Promise.allSettled(['a', 'bad', 'c'].map((s) => batcher.submit(s)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(['A', 'refused', 'C']);
  });
});
