import { pino, type Logger } from 'pino';

/** Structured JSON logs. Credentials and signatures are redacted wherever they appear. */
export function createLogger(level: string, name: string): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: [
        'req.headers.authorization', 'req.headers.cookie', 'req.headers["stripe-signature"]',
        'req.headers["x-wc-webhook-signature"]', 'req.headers["intuit-signature"]', 'req.headers["x-shopify-hmac-sha256"]', 'res.headers["set-cookie"]',
        '*.secretKey', '*.consumerSecret', '*.clientSecret', '*.accessToken', '*.refreshToken', '*.webhookSecret', '*.apiKey',
      ],
      censor: '[redacted]',
    },
  });
}
