import type { ErrorRequestHandler, RequestHandler } from 'express';
import { SettleError, RetryableError } from '../../core/errors';
import { sendError } from './http';

/** Refuses a path or query string carrying NUL before any route reads it (see isUnstorableText). */
export const refuseNulInUrl: RequestHandler = (req, res, next) => {
  if (/%00|\u0000/i.test(req.originalUrl)) return sendError(res, 400, 'invalid_characters', 'The address contains characters Settle cannot store (such as NUL).');
  next();
};

const isUnstorableText = (error: unknown) => {
  const code = (error as { code?: unknown }).code;
  return code === '22021' || code === '22P05'; // character_not_in_repertoire, untranslatable_character
};

export const notFound: RequestHandler = (req, res) => sendError(res, 404, 'not_found', `There is nothing at ${req.method} ${req.path}.`);

/**
 * The one place errors become responses: `{error:{code,message}}` with a stable code. Unexpected
 * errors are logged with the request id and answered without details.
 */
export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  const e = error as { type?: string; status?: number; expose?: boolean };
  if (error instanceof SettleError) return sendError(res, error.status, error.code, error.message);
  if (e.type === 'entity.too.large') return sendError(res, 413, 'body_too_large', 'The request body is larger than Settle accepts.');
  if (e.type === 'entity.parse.failed') return sendError(res, 400, 'malformed_json', 'The request body is not valid JSON.');
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') return sendError(res, 415, 'unsupported_encoding', 'Send the body as UTF-8.');
  if (error instanceof RetryableError) {
    req.log?.warn({ err: error }, 'platform unavailable');
    return sendError(res, 503, 'platform_unavailable', 'A connected platform did not answer. Try again in a moment.');
  }
  // PostgreSQL cannot store NUL (or bytes that are not UTF-8) in text: the input was bad, and nothing was stored.
  if (isUnstorableText(error)) return sendError(res, 400, 'invalid_characters', 'The request contains characters Settle cannot store (such as NUL). Remove them and send it again.');
  if (e.expose && e.status && e.status < 500) return sendError(res, e.status, 'bad_request', (error as Error).message);
  req.log?.error({ err: error }, 'unexpected error');
  return sendError(res, 500, 'internal_error', `Something went wrong on Settle's side (request ${String(req.id)}).`);
};
