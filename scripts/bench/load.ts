/** One autocannon run of signed webhook deliveries, reduced to the figures the benchmark reports. */
import autocannon from 'autocannon';
import type { SignedDelivery } from './stripe-events';

export interface LoadFigures {
  connections: number;
  durationS: number;
  ok: number; // 2xx answers
  newEvents: number; // 2xx answers saying duplicate:false
  unanswered: number; // sent but still in flight when the run stopped: autocannon drops their answers
  non2xx: number;
  errors: number; // connection errors and timeouts
  eventsPerS: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  statusCodes: Record<string, number>;
}

export async function runLoad(options: { url: string; connections: number; durationS: number; next: () => SignedDelivery }): Promise<LoadFigures> {
  let newEvents = 0;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationS,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const { body, signature } = options.next();
          return { ...request, body, headers: { ...request.headers, 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature } };
        },
        // Counting new events from the answers lets the inbox check catch a resent request too.
        onResponse: (status, body) => {
          if (status >= 200 && status < 300 && body.includes('"duplicate":false')) newEvents += 1;
        },
      },
    ],
  });
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count ?? 0]));
  return {
    connections: options.connections,
    durationS: result.duration,
    ok: result['2xx'],
    newEvents,
    unanswered: result.requests.sent - result['2xx'] - result.non2xx,
    non2xx: result.non2xx,
    errors: result.errors,
    // Accepted events per second of wall time, not requests attempted.
    eventsPerS: Math.round(result['2xx'] / result.duration),
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    statusCodes,
  };
}
