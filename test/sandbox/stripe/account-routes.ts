// The account behind a key (GET /v1/account) and what accounts of a country may charge in
// (GET /v1/country_specs/:country): what a setup check reads to know the account's country,
// default (settlement) currency and the currencies it can take payments in.
import type { RouteDef } from './api';
import { SUPPORTED_CURRENCIES } from './fees';
import { onlySupported } from './route-helpers';
import { resourceMissing } from './errors';

const COUNTRIES = { US: 'usd', JP: 'jpy' } as const;

export const accountRoutes: RouteDef[] = [
  {
    method: 'GET', path: '/v1/account', spec: '/v1/account',
    handler: (ctx, p) => {
      onlySupported(p, ['expand']);
      const a = ctx.acct;
      return {
        id: a.id, object: 'account', type: 'standard', country: a.country, default_currency: a.defaultCurrency,
        charges_enabled: true, payouts_enabled: true, details_submitted: true, created: ctx.state.now(),
      };
    },
  },
  {
    method: 'GET', path: '/v1/country_specs/:country', spec: '/v1/country_specs/{country}',
    handler: (ctx, p) => {
      onlySupported(p, ['expand']);
      const country = ctx.path.country ?? '';
      const currency = COUNTRIES[country as keyof typeof COUNTRIES];
      if (!currency) throw resourceMissing('country_spec', country, 'country');
      return {
        id: country, object: 'country_spec', default_currency: currency,
        // The sandbox takes payments in these currencies (fees.ts) whatever the account's country.
        supported_payment_currencies: [...SUPPORTED_CURRENCIES],
        supported_bank_account_currencies: { [currency]: [country] },
        supported_payment_methods: ['card', 'sepa_debit', 'card_present'],
        supported_transfer_countries: [country],
        verification_fields: { company: { additional: [], minimum: [] }, individual: { additional: [], minimum: [] } },
      };
    },
  },
];
