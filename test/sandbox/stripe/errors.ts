// Stripe's error envelope: {error:{type, code?, message, param?, decline_code?, ...}} with the
// HTTP status the SDK maps to its error classes (400/404 invalid request, 401 auth,
// 402 card, 403 permission, 500 api).
export type StripeErrorType =
  | 'api_error'
  | 'card_error'
  | 'idempotency_error'
  | 'invalid_request_error';

export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: StripeErrorType,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  body(): { error: Record<string, unknown> } {
    const error: Record<string, unknown> = { type: this.type, message: this.message };
    for (const [k, v] of Object.entries(this.extra)) if (v !== undefined) error[k] = v;
    if (typeof error.code === 'string' && !error.doc_url) {
      error.doc_url = `https://stripe.com/docs/error-codes/${String(error.code).replace(/_/g, '-')}`;
    }
    return { error };
  }
}

export const invalidRequest = (message: string, extra: Record<string, unknown> = {}) =>
  new StripeApiError(400, 'invalid_request_error', message, extra);

export const unknownParameter = (param: string) =>
  invalidRequest(`Received unknown parameter: ${param}`, { code: 'parameter_unknown', param });

export const missingParameter = (param: string) =>
  invalidRequest(`Missing required param: ${param}.`, { code: 'parameter_missing', param });

export const resourceMissing = (what: string, id: string, param = 'id') =>
  new StripeApiError(404, 'invalid_request_error', `No such ${what}: '${id}'`, {
    code: 'resource_missing',
    param,
  });
