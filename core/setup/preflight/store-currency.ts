import { ok, problem, skipped, type PreflightCheck } from './check';

/**
 * The store prices its orders in its own currency: if Settle is not set to take that currency,
 * every order would be refused at checkout (or charged in another currency than the shopper saw).
 */
export const storeCurrencyCheck: PreflightCheck = {
  id: 'store_currency',
  title: 'Store currency matches',
  async run({ facts, choices }) {
    if (!choices.connect.store) return skipped('No store is part of this setup.');
    const store = await facts.storeCurrency();
    const storeName = choices.connect.store === 'shopify' ? 'Shopify' : 'WooCommerce';
    if (!store) return problem(`Your ${storeName} store is not connected yet.`, `Go back to "Connect" and connect your ${storeName} store.`);
    const currency = store.currency.toUpperCase();
    if (!choices.currencies.map((c) => c.toUpperCase()).includes(currency)) {
      const where = store.platform === 'shopify' ? 'Shopify admin → Settings → Store details' : 'WooCommerce → Settings → General → Currency';
      return problem(`Your store sells in ${currency}, but Settle is set to take ${choices.currencies.join(', ') || 'no currency'}: its orders could not be paid.`,
        `Add ${currency} in "Payment methods and currencies", or change the store's currency (${where}).`);
    }
    return ok(`The store sells in ${currency}.`);
  },
};
