/**
 * Deploys stop Settle with SIGTERM. A shopper's checkout that is half-way through must still get
 * its answer; only new connections are refused.
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { freePort, startSettleProcess } from '../support/settle-process';
import { TEST_DATABASE_URL, freshSchemaName } from '../support/databases';

describe('stopping Settle', () => {
  it('answers a request already in flight when SIGTERM arrives, then refuses new connections and exits', async () => {
    const port = await freePort();
    const settle = await startSettleProcess([], {
      PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: freshSchemaName(),
    });
    const exited = new Promise<number | null>((resolve) => settle.child.once('exit', (code) => resolve(code)));

    // A merchant sign-up whose body is still on its way: the server has the request, not its end.
    const body = JSON.stringify({ name: 'Shutdown Bakery' });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/api/merchants', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 5));
      // The rest arrives after the signal.
      setTimeout(() => {
        settle.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(5)), 500);
      }, 300);
    });

    const response = await answer;
    expect(response.status).toBe(201);
    expect(JSON.parse(response.body).merchant.name).toBe('Shutdown Bakery');
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});
