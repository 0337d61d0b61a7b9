/**
 * What an operator sees when Settle cannot start: the process exits at once with a message that
 * names the problem and says what to do, instead of retrying silently or crashing with a stack.
 */
import { describe, expect, it } from 'vitest';
import { freePort, startSettleProcess } from '../support/settle-process';
import { TEST_DATABASE_URL, freshSchemaName } from '../support/databases';

const failure = (args: string[], env: Record<string, string>) =>
  startSettleProcess(args, env).then(
    async (started) => {
      await started.stop();
      throw new Error('Settle started although it should not have');
    },
    (error: Error) => error.message,
  );

describe('starting Settle', () => {
  it('exits with instructions when Redis does not answer', async () => {
    const closedPort = await freePort();
    const message = await failure([], { REDIS_URL: `redis://127.0.0.1:${closedPort}`, DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: freshSchemaName() });
    expect(message).toContain('exited with 78');
    expect(message).toContain(`Settle cannot reach Redis at redis://127.0.0.1:${closedPort}`);
    expect(message).toContain('redis-server --daemonize yes');
  });

  it('names the variable whose value is invalid', async () => {
    const message = await failure([], { PORT: 'eighty', REDIS_URL: 'http://localhost' });
    expect(message).toContain('exited with 78');
    expect(message).toMatch(/PORT: .*number/i);
    expect(message).toContain('REDIS_URL: must be a redis:// URL');
  });

  it('refuses to run the worker alone on the embedded database, and says how to run it', async () => {
    const message = await failure(['--worker-only'], { SETTLE_DATA_DIR: `/tmp/settle-startup-${freshSchemaName()}` });
    expect(message).toContain('The embedded database (no DATABASE_URL) serves one process');
  });

  it('requires the encryption key in production', async () => {
    const message = await failure([], { NODE_ENV: 'production', DATABASE_URL: TEST_DATABASE_URL });
    expect(message).toContain('SETTLE_ENCRYPTION_KEY is required in production');
  });
});
