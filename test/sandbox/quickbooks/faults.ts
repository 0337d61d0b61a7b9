// Intuit fault bodies, shaped per IntuitRestServiceDef.xsd (Fault{Error[]{Message, Detail,
// @code, @element}, @type}); in JSON the attributes are plain properties.
// Codes/messages used (sources):
//  2020 Required param missing, 2500 Invalid Reference Id, 6240 Duplicate Name Exists Error,
//  5010 Stale Object Error — Intuit error-code page and blog "Top QuickBooks Online API Errors";
//  3200 AuthenticationFailed ("message=AuthenticationFailed; errorCode=003200; statusCode=401")
//  — the form Intuit's 401 bodies use (not in the local contracts; type set to the XSD enum
//  value AuthenticationFault, real responses have been seen with "AUTHENTICATION");
//  3001 ThrottleExceeded, type SERVICE — quoted 429 bodies in SDK issue trackers;
//  6000 "A business validation error has occurred while processing your request" with Detail
//  "Business Validation Error: ..." and 6540 Deposited Transaction cannot be changed — the same
//  Intuit blog (6000's Detail varies by rule; the sandbox's own wording is used per rule);
//  500 Unsupported Operation ("Operation ... is not supported.") — Intuit's "Handling common
//  errors" page.
export interface FaultError {
  Message: string;
  Detail: string;
  code: string;
  element?: string;
}

export class QboFault extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly errors: FaultError[],
  ) {
    super(errors[0]?.Message ?? type);
  }
  body(time: string): { Fault: { Error: FaultError[]; type: string }; time: string } {
    return { Fault: { Error: this.errors, type: this.type }, time };
  }
}

const validation = (code: string, Message: string, Detail: string, element?: string): QboFault =>
  new QboFault(400, 'ValidationFault', [{ Message, Detail, code, ...(element ? { element } : {}) }]);

const business = (detail: string): QboFault =>
  validation('6000', 'A business validation error has occurred while processing your request', `Business Validation Error: ${detail}`);

export const faults = {
  required: (element: string) =>
    validation('2020', 'Required param missing, need to supply the required value for the API', `Required parameter ${element} is missing in the request`, element),
  invalidRef: (element: string, id: unknown) =>
    validation('2500', 'Invalid Reference Id', `Invalid Reference Id : ${element} assigned is not valid: ${String(id)}`, element),
  duplicateName: (name: string, id: string) =>
    validation('6240', 'Duplicate Name Exists Error', `The name supplied already exists. : Id=${id}; Name=${name}`),
  stale: (id: string) =>
    validation('5010', 'Stale Object Error', `Stale Object Error : You and another user were working on the same thing. Id=${id}`),
  invalid: (element: string, detail: string) => validation('2010', 'Request has invalid or unsupported property', detail, element),
  amount: (element: string, value: unknown) =>
    validation('2040', 'Invalid Number', `${element} must be a decimal with at most 2 places for this currency: ${JSON.stringify(value)}`, element),
  schema: (entity: string, errors: string[]) =>
    validation('2010', 'Request has invalid or unsupported property', `XSD (${entity}): ${errors.join(' | ')}`),
  notFound: (entity: string, id: string) =>
    validation('610', 'Object Not Found', `Object Not Found : Something you're trying to use has been made inactive or deleted. ${entity} Id=${id}`),
  // A reference to a name-list entity (item, account, customer) made inactive — QuickBooks'
  // "delete" of a name — per Intuit's "Handling common errors" page; element names the field.
  inactiveRef: (element: string) =>
    validation('610', 'Object Not Found', "Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts.", element),
  business: (detail: string) => business(detail),
  // Unconfirmed: Intuit's documentation says a journal entry's debits must equal its credits
  // but no source available here quotes the fault for an unbalanced one. It is assumed to be
  // the generic business-validation fault 6000; the Detail wording is the sandbox's own.
  unbalanced: (debits: number, credits: number) =>
    business(`The journal entry is out of balance: debits total ${debits}, credits total ${credits}. Debits and credits must be equal.`),
  deposited: () =>
    validation(
      '6540',
      'Deposited Transaction cannot be changed',
      'This transaction has been deposited. If you want to change or delete it, you must first edit the deposit it appears on and remove it.',
    ),
  unsupportedOperation: (operation: string, entity: string) =>
    validation('500', 'Unsupported Operation', `Operation ${operation} is not supported. (${entity})`),
  query: (detail: string) =>
    validation('4000', 'Error parsing query', `QueryParserError: ${detail}`),
  unsupported: (detail: string) =>
    validation('4001', 'Invalid query', `QueryValidationError: ${detail}`),
  minorVersion: (v: string) =>
    validation('2010', 'Invalid minor version', `minorversion must be a number between 1 and 75, got ${v}`, 'minorversion'),
  auth: (detail: string) =>
    new QboFault(401, 'AuthenticationFault', [
      { Message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401', Detail: detail, code: '3200' },
    ]),
  // A valid token used on another company's realm (seen as errorCode 003100 in the wild).
  forbidden: (detail: string) =>
    new QboFault(403, 'AuthorizationFault', [
      { Message: 'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403', Detail: detail, code: '3100' },
    ]),
  throttle: () =>
    new QboFault(429, 'SERVICE', [
      { Message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429', Detail: 'The request limit was reached.  Try again later', code: '3001' },
    ]),
  system: (detail: string) => new QboFault(500, 'SystemFault', [{ Message: 'An application error has occurred', Detail: detail, code: '10000' }]),
};
