import { pino, type Logger } from 'pino';

/** Structured JSON logs. Credentials and signatures are redacted wherever they appear. */
export function createLogger(level: string, name: string): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: [
        'req.headers.authorization', 'req.headers.cookie', 'req.headers["stripe-signature"]',
        'req.headers["x-wc-webhook-signature"]', 'req.headers["x-settle-signature"]', 'req.headers["intuit-signature"]', 'req.headers["x-shopify-hmac-sha256"]', 'res.headers["set-cookie"]',
        '*.secretKey', '*.consumerSecret', '*.clientSecret', '*.accessToken', '*.refreshToken', '*.webhookSecret', '*.apiKey',
      ],
      censor: '[redacted]',
    },
  });
}

/**
 * Query parameters that are credentials: the admin sign-in link's token, single-sign-on and OAuth
 * callback signatures, codes and states. A logged URL keeps their names, not their values.
 */
const CREDENTIAL_PARAMS = new Set(['token', 'sig', 'signature', 'hmac', 'code', 'state', 'session', 'id_token', 'access_token', 'refresh_token']);

export function withoutCredentials(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const query = new URLSearchParams(url.slice(at + 1));
  for (const name of [...query.keys()]) if (CREDENTIAL_PARAMS.has(name.toLowerCase())) query.set(name, '[redacted]');
  return `${url.slice(0, at)}?${query.toString()}`;
}

/** pino-http's request record with credentials in the URL (and its parsed query) redacted. */
export function requestWithoutCredentials(req: { url?: string; query?: unknown }): object {
  const query = req.query && typeof req.query === 'object'
    ? Object.fromEntries(Object.entries(req.query).map(([k, v]) => [k, CREDENTIAL_PARAMS.has(k.toLowerCase()) ? '[redacted]' : v]))
    : req.query;
  return { ...req, url: req.url === undefined ? undefined : withoutCredentials(req.url), query };
}
