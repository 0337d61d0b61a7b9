import { ok, problem, skipped, type PreflightCheck } from './check';

/** Every currency the merchant chose must be one the connected Stripe account can take payments in. */
export const currenciesCheck: PreflightCheck = {
  id: 'currencies',
  title: 'Currencies supported by your Stripe account',
  async run({ facts, choices }) {
    if (!choices.connect.stripe) return skipped('Stripe is not part of this setup.');
    if (choices.currencies.length === 0) return problem('No currency is chosen, so shoppers could not pay.', 'Choose at least one currency in "Payment methods and currencies".');
    const account = await facts.stripeCurrencies();
    if (!account) return problem('Stripe is not connected yet.', 'Go back to "Connect" and connect your Stripe account.');
    const supported = new Set(account.supported.map((c) => c.toUpperCase()));
    const refused = choices.currencies.filter((c) => !supported.has(c.toUpperCase()));
    if (refused.length > 0) {
      return problem(`Your Stripe account (${account.country}) cannot take payments in ${refused.join(', ')}: shoppers paying in ${refused.length > 1 ? 'them' : 'it'} would be refused.`,
        `Remove ${refused.join(', ')} in "Payment methods and currencies", or take ${refused.length > 1 ? 'them' : 'it'} with a Stripe account that supports ${refused.length > 1 ? 'them' : 'it'}.`);
    }
    return ok(`${choices.currencies.join(', ')}, paid out in ${account.defaultCurrency.toUpperCase()}.`);
  },
};
