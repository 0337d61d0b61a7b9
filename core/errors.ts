/**
 * Core's base error: a stable machine code, an HTTP-ish status and a message a person can act on.
 * The server turns it into `{error:{code,message}}`; anything else becomes a 500 with no details.
 */
export class SettleError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'SettleError';
  }
}

export class NotFoundError extends SettleError {
  constructor(what: string) {
    super('not_found', `${what} was not found.`, 404);
  }
}

/**
 * A call to another platform failed in a way that may pass on retry (5xx, timeout, throttling).
 * Jobs let BullMQ retry these; anything else is a problem a person must fix.
 */
export class RetryableError extends Error {
  constructor(message: string, readonly retryAfterMs?: number) {
    super(message);
    this.name = 'RetryableError';
  }
}
