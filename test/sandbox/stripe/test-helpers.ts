// Shared test setup: a sandbox, SDK clients pointed at it, and a tiny webhook receiver
// that records raw bodies and headers (the signature must be checked on the raw bytes).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import type { StripeSandbox } from './index';

export function sdk(sandbox: StripeSandbox, key: string): Stripe {
  // maxNetworkRetries 0: a sandbox 500 must fail the test at once, not be retried.
  return new Stripe(key, { host: '127.0.0.1', port: sandbox.port, protocol: 'http', maxNetworkRetries: 0 });
}

export interface Received {
  raw: string;
  headers: IncomingHttpHeaders;
  json: { id: string; type: string; data: { object: Record<string, unknown> } };
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Status to answer with, per call index (default 200). */
  statusFor: (n: number) => number;
  waitFor(pred: (r: Received) => boolean, timeoutMs?: number): Promise<Received>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  let calls = 0;
  const receiver: Partial<Receiver> = { received, statusFor: () => 200 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const status = receiver.statusFor!(calls++);
      if (status < 300) received.push({ raw, headers: req.headers, json: JSON.parse(raw) });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  receiver.waitFor = async (pred, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const hit = received.find(pred);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`webhook not received within ${timeoutMs} ms; got ${received.map((r) => r.json.type).join(', ')}`);
  };
  receiver.close = () => new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  });
  return receiver as Receiver;
}

/** Create a PaymentMethod the way the browser does (publishable key) and confirm with it. */
export async function payWithCard(
  sandbox: StripeSandbox,
  keys: { secret_key: string; publishable_key: string },
  amount: number,
  currency: string,
  number: string,
) {
  const server = sdk(sandbox, keys.secret_key);
  const browser = sdk(sandbox, keys.publishable_key);
  const pi = await server.paymentIntents.create({ amount, currency, allowed_payment_method_types: ['card'], metadata: { order_id: 'o-1' } });
  const pm = await browser.paymentMethods.create({
    type: 'card',
    card: { number, exp_month: 12, exp_year: 2040, cvc: '123' },
  });
  const confirmed = await browser.paymentIntents.confirm(pi.id, {
    payment_method: pm.id,
    client_secret: pi.client_secret!,
  } as Stripe.PaymentIntentConfirmParams);
  return { pi: confirmed, pm, server };
}
