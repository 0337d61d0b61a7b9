/**
 * Settle's Shopify app against the Shopify sandbox, for startSettleStack: the app registered from
 * plugins/shopify/shopify.app.toml (Settle's own URL in place of the production one), a shop with
 * products, and the install as a merchant's browser goes through it.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'smol-toml';
import type { Sandboxes } from './journey';
import { startShopifySandbox, type ShopifySandbox } from '../sandbox/shopify';

export const SHOPIFY_CLIENT = { clientId: 'settle_e2e_store_client', clientSecret: 'shpss_settle_e2e_store_secret' };
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';
const PRODUCTION_URL = 'https://app.settle.example';

export interface ShopifyWorld {
  sandbox?: ShopifySandbox;
  shop: string;
  /** Variant gids by SKU, in the order created. */
  variants: Record<string, string>;
}

/**
 * An `env` for startSettleStack: starts the sandbox, registers the app from its TOML with Settle's
 * public URL, creates the shop and its products, and answers Settle's SHOPIFY_* configuration.
 * `world` is filled in as it goes (the sandbox, the shop, the variants).
 */
export function withShopify(world: ShopifyWorld, products: { title: string; sku: string; price: string; available: number }[]) {
  return async (_sandboxes: Sandboxes, settleUrl: string): Promise<Record<string, string>> => {
    const sandbox = await startShopifySandbox({ port: 0 });
    world.sandbox = sandbox;
    const toml = (await readFile(new URL('../../plugins/shopify/shopify.app.toml', import.meta.url), 'utf8')).replaceAll(PRODUCTION_URL, settleUrl);
    const app = parse(toml) as Record<string, unknown>;
    sandbox.registerApp({ ...app, client_id: SHOPIFY_CLIENT.clientId, client_secret: SHOPIFY_CLIENT.clientSecret } as Parameters<ShopifySandbox['registerApp']>[0]);
    sandbox.createShop({ domain: world.shop, currency: 'USD' });
    for (const p of products) {
      const made = sandbox.createProduct(world.shop, { title: p.title, variants: [{ sku: p.sku, price: p.price, available: p.available }] });
      world.variants[p.sku] = made.variants[0]!.id;
    }
    return { SHOPIFY_API_KEY: SHOPIFY_CLIENT.clientId, SHOPIFY_API_SECRET: SHOPIFY_CLIENT.clientSecret, SHOPIFY_SHOP_URL: sandbox.shopUrlTemplate,
      SHOPIFY_SCOPES: String((app.access_scopes as { scopes?: string } | undefined)?.scopes ?? '') };
  };
}

/**
 * The install as the merchant's browser does it: Settle's install link, Shopify's consent page
 * (approved with its form), back to Settle's callback with the state cookie. Answers the callback.
 */
export async function installShop(settleUrl: string, shop: string): Promise<Response> {
  const begin = await fetch(`${settleUrl}/shopify/install?shop=${shop}`, { redirect: 'manual', headers: { 'User-Agent': BROWSER } });
  if (begin.status !== 302) throw new Error(`Settle's install link answered ${begin.status}: ${await begin.text()}`);
  const consent = new URL(begin.headers.get('location')!);
  const cookie = begin.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const shown = await fetch(consent, { redirect: 'manual', headers: { 'User-Agent': BROWSER } });
  const approved = shown.status === 302 ? shown : await fetch(consent, {
    method: 'POST', redirect: 'manual', headers: { 'User-Agent': BROWSER },
    body: new URLSearchParams({
      client_id: consent.searchParams.get('client_id') ?? '', scope: consent.searchParams.get('scope') ?? '',
      redirect_uri: consent.searchParams.get('redirect_uri') ?? '', state: consent.searchParams.get('state') ?? '', decision: 'install',
    }),
  });
  if (approved.status !== 302) throw new Error(`Shopify's consent page answered ${approved.status}: ${await approved.text()}`);
  return fetch(approved.headers.get('location')!, { redirect: 'manual', headers: { 'User-Agent': BROWSER, Cookie: cookie } });
}
