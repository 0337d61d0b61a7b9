// Multi-currency, as QuickBooks Online keeps it (XSD: Preferences/CurrencyPrefs MultiCurrencyEnabled
// and HomeCurrency; Transaction CurrencyRef and ExchangeRate, "the number of home currency units it
// takes to equal one foreign currency unit"; SalesTransaction HomeTotalAmt). A company without
// multicurrency takes home-currency documents only. With it, a document in another currency must
// name its CurrencyRef and carry an ExchangeRate, its customer must be in that currency, and the
// account it deposits to in that currency or the home one. Balances are kept in the home currency:
// each line is converted on its own (homeCents, money.ts) and the deposit is the sum of the lines.
// The 6000 wording of these refusals is the sandbox's; Intuit's exact text is not confirmed. The
// sandbox converts SalesReceipt and RefundReceipt; other foreign-currency documents are refused.
import { faults } from './faults';
import { homeCents } from './money';
import { isObj, present, type Obj, type RuleKit } from './rule-kit';
import type { Company } from './store';

export interface TxnCurrency {
  currency: string;
  foreign: boolean;
  /** The line amount (cents, document currency) in home-currency cents, as QuickBooks rounds it. */
  toHome(cents: number): number;
}

const refValue = (v: unknown): string | undefined => (isObj(v) && present(v.value) ? String(v.value) : undefined);

/** A name-list entity (Customer, Account) in a currency other than home needs multicurrency. */
export function checkListCurrency(company: Company, e: Obj): void {
  const currency = refValue(e.CurrencyRef) ?? company.homeCurrency;
  if (currency !== company.homeCurrency && !company.multiCurrency) {
    throw faults.business(`Multicurrency is not turned on for this company, so everything is in ${company.homeCurrency}: ${currency} is not allowed.`);
  }
}

/** The document's currency and how its lines become home-currency amounts; refuses what QuickBooks would. */
export function transactionCurrency(kit: RuleKit, company: Company, e: Obj, entityName: string, accountIds: string[]): TxnCurrency {
  const home = company.homeCurrency;
  const currency = refValue(e.CurrencyRef) ?? home;
  if (currency !== home && !company.multiCurrency) {
    throw faults.business(`Multicurrency is not turned on for this company: a ${entityName} can only be in ${home}, not ${currency}.`);
  }
  const customerId = refValue(e.CustomerRef);
  const customer = customerId ? kit.store.table(company, 'Customer').get(customerId) : undefined;
  const customerCurrency = refValue(customer?.CurrencyRef) ?? home;
  if (customer && customerCurrency !== currency) {
    throw faults.business(`The customer ${String(customer.DisplayName)} uses ${customerCurrency}: the transaction must be in ${customerCurrency} too, with CurrencyRef set, not ${currency}.`);
  }
  for (const id of accountIds) {
    const accountCurrency = refValue(kit.account(company, id)?.CurrencyRef) ?? home;
    if (accountCurrency !== home && accountCurrency !== currency) {
      throw faults.business(`Account ${id} is in ${accountCurrency}: a ${currency} transaction can use accounts in ${currency} or ${home} only.`);
    }
  }
  if (currency === home) {
    if (present(e.ExchangeRate) && homeCents(100, e.ExchangeRate) !== 100) throw faults.invalid('ExchangeRate', `A ${home} transaction has an exchange rate of 1`);
    if (company.multiCurrency) e.ExchangeRate = 1;
    return { currency, foreign: false, toHome: (cents) => cents };
  }
  if (entityName !== 'SalesReceipt' && entityName !== 'RefundReceipt') {
    throw faults.invalid('CurrencyRef', `The sandbox converts currencies on SalesReceipt and RefundReceipt only, not on ${entityName}`);
  }
  if (!present(e.ExchangeRate)) throw faults.required('ExchangeRate');
  const rate = e.ExchangeRate;
  if (homeCents(1, rate) === undefined) throw faults.invalid('ExchangeRate', `ExchangeRate must be a positive decimal: ${JSON.stringify(rate)}`);
  return { currency, foreign: true, toHome: (cents) => homeCents(cents, rate)! };
}
