import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { SettleError } from '../../core/errors';

/** Validates a JSON body with zod; a mismatch is a 400 naming the field, and nothing runs. */
export function parseBody<T extends z.ZodType>(schema: T, req: Request): z.infer<T> {
  return parseInput(schema, req.body, 'body');
}

/** The same for a query string (?search=…). */
export function parseQuery<T extends z.ZodType>(schema: T, req: Request): z.infer<T> {
  return parseInput(schema, req.query, 'query');
}

function parseInput<T extends z.ZodType>(schema: T, input: unknown, whole: string): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || whole;
    throw new SettleError('invalid_request', `${field}: ${issue.message}`, 400);
  }
  return parsed.data;
}

/** Express 5 forwards rejected promises to the error handler; this only types the handler. */
export const route = (handler: (req: Request, res: Response) => Promise<unknown> | unknown): RequestHandler =>
  async (req, res, next: NextFunction) => {
    try {
      await handler(req, res);
    } catch (error) {
      next(error);
    }
  };

export function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}
