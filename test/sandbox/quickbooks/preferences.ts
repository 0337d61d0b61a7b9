// The company's Preferences (one per company, Id "1"), as far as Settle reads them: the closing
// date in AccountingInfoPrefs.BookCloseDate (Finance.xsd CompanyAccountingPrefs, xs:date, optional)
// and the home currency. QuickBooks refuses to create, change or remove a transaction dated on or
// before the closing date through the API:
//   6200 "Account Period Closed, Cannot Update Through Services API" — the code is Intuit's
//   error-code list entry "Account Period Closed Error: the user has closed the books so the account
//   period is closed for edits" (as quoted by public client code; the page itself was not in the
//   stored docs); the Detail is the wording integrators' help pages quote from Intuit's replies.
import { QboFault } from './faults';
import { isObj, type Obj } from './rule-kit';
import type { Company, Entity } from './store';

export const PREFERENCES_ID = '1';

/** The preferences a new sandbox company starts with: the books are not closed. */
export function initialPreferences(company: Company): Obj {
  return {
    AccountingInfoPrefs: { TrackDepartments: false, ClassTrackingPerTxn: false, ClassTrackingPerTxnLine: false },
    CurrencyPrefs: { MultiCurrencyEnabled: company.multiCurrency, HomeCurrency: { value: company.homeCurrency } },
  };
}

/** The company's closing date (YYYY-MM-DD), if the books are closed. */
export function bookCloseDate(preferences: Entity | undefined): string | undefined {
  const prefs = preferences?.AccountingInfoPrefs;
  const date = isObj(prefs) ? prefs.BookCloseDate : undefined;
  return typeof date === 'string' && date !== '' ? date : undefined;
}

export const periodClosed = (): QboFault =>
  new QboFault(400, 'ValidationFault', [{
    Message: 'Account Period Closed, Cannot Update Through Services API',
    Detail: 'The account period has closed and the account books cannot be updated through the QBO Services API. Please use the QBO website to make these changes.',
    code: '6200',
  }]);

/** Refuses a transaction dated on or before the closing date (what it is dated now, or would be). */
export function refuseInClosedPeriod(preferences: Entity | undefined, ...txnDates: unknown[]): void {
  const closed = bookCloseDate(preferences);
  if (!closed) return;
  if (txnDates.some((d) => typeof d === 'string' && d.slice(0, 10) <= closed)) throw periodClosed();
}
