// Product CRUD rules and the REST representation (GET /wc/v3/products/<id>).
import { WpError } from "./errors";
import { money, slugify, toCents, wpDate } from "./format";
import type { Product, Store } from "./state";

// Writable fields the sandbox keeps verbatim and echoes back, with the defaults a new product has.
const ECHO_DEFAULTS: Record<string, unknown> = {
  featured: false, catalog_visibility: "visible", description: "", short_description: "",
  date_on_sale_from: null, date_on_sale_from_gmt: null, date_on_sale_to: null, date_on_sale_to_gmt: null,
  virtual: false, downloadable: false, downloads: [], download_limit: -1, download_expiry: -1,
  external_url: "", button_text: "", tax_status: "taxable", tax_class: "", sold_individually: false,
  weight: "", dimensions: { length: "", width: "", height: "" }, shipping_class: "", reviews_allowed: true,
  upsell_ids: [], cross_sell_ids: [], parent_id: 0, purchase_note: "", categories: [], tags: [],
  grouped_products: [], menu_order: 0,
};
// Not emulated (no media library, attribute taxonomy or downloads): always returned empty.
const ALWAYS_EMPTY = { downloads: [], images: [], attributes: [], default_attributes: [] };

/** Terms are sent as {id}; WordPress answers with the term's name and slug. */
function terms(v: unknown, kind: string): { id: number; name: string; slug: string }[] {
  if (!Array.isArray(v)) return [];
  return v
    .filter((t): t is { id: number } => typeof (t as { id?: unknown })?.id === "number")
    .map((t) => ({ id: t.id, name: `${kind} ${t.id}`, slug: `${kind}-${t.id}` }));
}

/**
 * WC_Product_Data_Store::validate_props: with stock managed, the status follows the quantity
 * (<= 0: outofstock, or onbackorder when backorders are allowed); otherwise it is what was set.
 */
export function syncStockStatus(p: Product): void {
  if (!p.manageStock || p.stockQuantity === null) return;
  if (p.stockQuantity > 0) p.stockStatus = "instock";
  else p.stockStatus = p.backorders === "no" ? "outofstock" : "onbackorder";
}

function uniqueSlug(store: Store, base: string, selfId: number): string {
  const taken = new Set([...store.products.values()].filter((p) => p.id !== selfId).map((p) => p.slug));
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}-${n}`)) n++;
  return `${base}-${n}`;
}

/** Applies a validated create/update body (validateRequest output) to a product. */
export function applyProduct(store: Store, p: Product, body: Record<string, unknown>): void {
  if (typeof body.sku === "string" && body.sku !== "") {
    const dup = [...store.products.values()].some((o) => o.id !== p.id && o.sku === body.sku);
    // WC_REST_Products_Controller: wc_product_has_unique_sku() failure.
    if (dup) throw new WpError(400, "product_invalid_sku", "Invalid or duplicated SKU.");
  }
  for (const k of ["regular_price", "sale_price"] as const) {
    const v = body[k];
    if (typeof v === "string" && v !== "" && toCents(v) === null) {
      // wc_format_decimal would turn garbage into ""; refusing is kinder to the tests that rely on it.
      throw new WpError(400, "rest_invalid_param", `Invalid parameter(s): ${k}`, { params: { [k]: `${k} is not a decimal.` } });
    }
  }
  if (typeof body.name === "string") p.name = body.name;
  if (typeof body.type === "string") p.type = body.type;
  if (typeof body.status === "string") p.status = body.status;
  if (typeof body.sku === "string") p.sku = body.sku;
  if (typeof body.regular_price === "string") p.regularPrice = body.regular_price;
  if (typeof body.sale_price === "string") p.salePrice = body.sale_price;
  if (typeof body.manage_stock === "boolean") p.manageStock = body.manage_stock;
  if (typeof body.backorders === "string") p.backorders = body.backorders;
  // stock_quantity is only kept while stock is managed (set_stock_quantity is ignored otherwise).
  if (typeof body.stock_quantity === "number" && p.manageStock) p.stockQuantity = body.stock_quantity;
  if (!p.manageStock) p.stockQuantity = null;
  else if (p.stockQuantity === null) p.stockQuantity = 0;
  if (typeof body.stock_status === "string" && !p.manageStock) p.stockStatus = body.stock_status;
  syncStockStatus(p);
  if (typeof body.slug === "string" && body.slug !== "") p.slug = uniqueSlug(store, slugify(body.slug), p.id);
  else if (!p.slug) p.slug = uniqueSlug(store, slugify(p.name), p.id);
  for (const k of Object.keys(ECHO_DEFAULTS)) if (k in body) p.extra[k] = body[k];
  if (Array.isArray(body.meta_data)) {
    for (const m of body.meta_data as { key?: string; value?: unknown }[]) {
      if (!m.key) continue;
      const cur = p.meta.find((x) => x.key === m.key);
      if (cur) cur.value = m.value;
      else p.meta.push({ id: store.nextMetaId(), key: m.key, value: m.value });
    }
  }
  p.modified = store.now();
}

export function createProduct(store: Store, body: Record<string, unknown>): Product {
  const now = store.now();
  const p: Product = {
    id: 0, name: "", slug: "", type: "simple", status: "publish", sku: "", regularPrice: "", salePrice: "",
    manageStock: false, stockQuantity: null, stockStatus: "instock", backorders: "no", totalSales: 0,
    created: now, modified: now, extra: {}, meta: [],
  };
  applyProduct(store, p, body); // throws before an id is taken
  p.id = store.nextPostId();
  store.products.set(p.id, p);
  return p;
}

export function productPrice(p: Product): string {
  return p.salePrice !== "" ? p.salePrice : p.regularPrice;
}

export function productView(siteUrl: string, p: Product): Record<string, unknown> {
  const e = { ...ECHO_DEFAULTS, ...p.extra };
  const price = productPrice(p);
  const cents = toCents(price);
  const backordersAllowed = p.backorders !== "no";
  return {
    id: p.id, name: p.name, slug: p.slug, permalink: `${siteUrl}product/${p.slug}/`,
    date_created: wpDate(p.created), date_created_gmt: wpDate(p.created),
    date_modified: wpDate(p.modified), date_modified_gmt: wpDate(p.modified),
    type: p.type, status: p.status, featured: e.featured, catalog_visibility: e.catalog_visibility,
    description: e.description, short_description: e.short_description, sku: p.sku,
    price, regular_price: p.regularPrice, sale_price: p.salePrice,
    date_on_sale_from: e.date_on_sale_from, date_on_sale_from_gmt: e.date_on_sale_from_gmt,
    date_on_sale_to: e.date_on_sale_to, date_on_sale_to_gmt: e.date_on_sale_to_gmt,
    price_html: cents === null ? "" : `<span class="woocommerce-Price-amount amount"><span class="woocommerce-Price-currencySymbol">&#36;</span>${money(cents)}</span>`,
    on_sale: p.salePrice !== "", purchasable: price !== "" && p.status === "publish", total_sales: p.totalSales,
    virtual: e.virtual, downloadable: e.downloadable, download_limit: e.download_limit,
    download_expiry: e.download_expiry, external_url: e.external_url, button_text: e.button_text,
    tax_status: e.tax_status, tax_class: e.tax_class, manage_stock: p.manageStock, stock_quantity: p.stockQuantity,
    stock_status: p.stockStatus, backorders: p.backorders, backorders_allowed: backordersAllowed,
    backordered: p.manageStock && (p.stockQuantity ?? 0) < 0 && backordersAllowed,
    sold_individually: e.sold_individually, weight: e.weight, dimensions: e.dimensions,
    shipping_required: !e.virtual, shipping_taxable: e.tax_status === "taxable" || e.tax_status === "shipping",
    shipping_class: e.shipping_class, shipping_class_id: 0, reviews_allowed: e.reviews_allowed,
    average_rating: "0.00", rating_count: 0, related_ids: [], upsell_ids: e.upsell_ids, cross_sell_ids: e.cross_sell_ids,
    parent_id: e.parent_id, purchase_note: e.purchase_note, categories: terms(e.categories, "category"), tags: terms(e.tags, "tag"),
    ...ALWAYS_EMPTY, variations: [], grouped_products: e.grouped_products,
    menu_order: e.menu_order, meta_data: p.meta.map((m) => ({ ...m })),
    _links: {
      self: [{ href: `${siteUrl}wp-json/wc/v3/products/${p.id}` }],
      collection: [{ href: `${siteUrl}wp-json/wc/v3/products` }],
    },
  };
}
