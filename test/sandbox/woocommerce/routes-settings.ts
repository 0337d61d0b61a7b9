// /wp-json/wc/v3/settings/general/woocommerce_currency: the store's currency (WooCommerce →
// Settings → General → Currency). Only this option of the settings API is modelled.
import { Router } from "express";
import { WpError } from "./errors";
import { need, sendJson } from "./http";
import type { Site } from "./site";

/** The currencies this sandbox's settings page offers (WooCommerce lists about 160). */
const OPTIONS: Record<string, string> = {
  USD: "United States (US) dollar (&#36;)", EUR: "Euro (&euro;)", GBP: "Pound sterling (&pound;)", JPY: "Japanese yen (&yen;)",
  CAD: "Canadian dollar (&#36;)", CHF: "Swiss franc (CHF)", KWD: "Kuwaiti dinar (&#x62f;.&#x643;)",
};

export function settingsRoutes(site: Site): Router {
  const r = Router();
  const { store } = site;
  const view = () => ({
    id: "woocommerce_currency", label: "Currency", type: "select", default: "GBP", options: OPTIONS, value: store.currency,
    description: "This controls what currency prices are listed at in the catalog and which currency gateways will take payments in.",
    tip: "This controls what currency prices are listed at in the catalog and which currency gateways will take payments in.",
    group_id: "general",
    _links: {
      self: [{ href: `${site.url()}wp-json/wc/v3/settings/general/woocommerce_currency` }],
      collection: [{ href: `${site.url()}wp-json/wc/v3/settings/general` }],
    },
  });

  r.get("/settings/general/woocommerce_currency", (_req, res) => {
    need(res, "view");
    sendJson(res, 200, view());
  });

  r.put("/settings/general/woocommerce_currency", (req, res) => {
    need(res, "edit");
    const value = (req.body as { value?: unknown } | undefined)?.value;
    if (typeof value !== "string" || !Object.hasOwn(OPTIONS, value)) {
      throw new WpError(400, "rest_setting_value_invalid", "An invalid setting value was passed.");
    }
    store.currency = value;
    sendJson(res, 200, view());
  });
  return r;
}
