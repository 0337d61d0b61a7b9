// WordPress REST errors: every failure leaves the server as {code, message, data:{status, ...}}.
// Route code throws WpError; the express error handler in index.ts turns it into that body.

export class WpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  body(): { code: string; message: string; data: Record<string, unknown> } {
    return { code: this.code, message: this.message, data: { status: this.status, ...this.extra } };
  }
}

/** WP_REST_Request::has_valid_params(): one 400 listing every bad parameter. */
export function invalidParams(params: Record<string, string>): WpError {
  return new WpError(400, "rest_invalid_param", `Invalid parameter(s): ${Object.keys(params).join(", ")}`, {
    params,
    details: Object.fromEntries(
      Object.entries(params).map(([k, m]) => [k, { code: "rest_invalid_type", message: m, data: null }]),
    ),
  });
}

/** WP_REST_Request::has_valid_params() also reports missing required args this way. */
export function missingParams(names: string[]): WpError {
  return new WpError(400, "rest_missing_callback_param", `Missing parameter(s): ${names.join(", ")}`, {
    params: names,
  });
}

export const noRoute = () =>
  new WpError(404, "rest_no_route", "No route was found matching the URL and request method");
