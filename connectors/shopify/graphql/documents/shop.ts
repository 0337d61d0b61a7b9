/** What Settle shows and checks about a connected shop: its name, domain and currency. */
export const SHOP_INFO = /* GraphQL */ `
  query ShopInfo {
    shop {
      id
      name
      email
      myshopifyDomain
      currencyCode
      ianaTimezone
    }
  }
`;

export type ShopInfoVariables = Record<string, never>;

export interface ShopInfoResult {
  shop: { id: string; name: string; email: string; myshopifyDomain: string; currencyCode: string; ianaTimezone: string };
}
