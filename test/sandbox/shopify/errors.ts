// A control request the sandbox cannot do (unknown shop, bad input): its HTTP status and why.
export class ControlError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}
