import type { RequestHandler, Response } from 'express';

/**
 * The headers every answer carries (helmet's defaults, written out so each one is a decision):
 * no MIME sniffing, no Referer (payment and link ids are in our URLs), HSTS when Settle is served
 * over https, no framing, and a Content-Security-Policy that allows no script and no request. Pages then set the
 * policy they need: the admin (`adminPagePolicy`), the embedded admin (framed by the shop's admin,
 * embedded-admin.ts), the payment page (pay-page-policy.ts, its embed framed by the merchant's
 * stores) and the payment link page. A page meant to be framed calls `allowFraming`.
 */
export function securityHeaders(options: { publicUrl: string }): RequestHandler {
  const https = options.publicUrl.startsWith('https:');
  return (_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    // Two years and subdomains, as browsers' preload lists ask; never over plain http (it would be ignored, and mislead).
    if (https) res.setHeader('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
    res.setHeader('X-Frame-Options', 'DENY');
    // JSON, CSV and text answers load nothing; a small server-rendered page (legal, app launch)
    // may style itself inline and post to Settle; a page that needs more sets its own policy.
    res.setHeader('Content-Security-Policy', DEFAULT_POLICY);
    // Settle uses none of these; a page that is tricked into asking gets nothing.
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), usb=(), interest-cohort=()');
    res.setHeader('X-Permitted-Cross-Domain-Policies', 'none');
    next();
  };
}

export const DEFAULT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** For a page that is meant to be framed (its CSP frame-ancestors names who may): X-Frame-Options cannot say "these origins". */
export function allowFraming(res: Response): void {
  res.removeHeader('X-Frame-Options');
}

/**
 * The merchant's admin (React + Polaris, built by Vite into /app/): its own scripts and styles,
 * inline style attributes (React and the charts set them), its own API. Nobody may frame it; the
 * forms it posts go to Settle, and "Connect" buttons navigate (not post) to the platforms.
 */
export const ADMIN_PAGE_POLICY = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "font-src 'self' data:",
  "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');
