// Builds JSON Schemas from the official property tables (shared/contracts/woocommerce/properties)
// so every object the sandbox returns, and every body it accepts, is checked against the docs.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

interface Row { name: string; type: string; description: string; flags?: string[] }
interface Table { section: string; rows: Row[] }
export type Schema = Record<string, unknown>;
export type Mode = "response" | "request";

const DIR =
  process.env.WOO_CONTRACTS_DIR ??
  fileURLToPath(new URL("../../../../shared/contracts/woocommerce/properties/", import.meta.url));

export const RESOURCES = {
  order: "orders",
  product: "products",
  refund: "order-refunds",
  note: "order-notes",
  webhook: "webhooks",
  customer: "customers",
} as const;
export type Resource = keyof typeof RESOURCES;

// Where the property tables disagree with the docs' own JSON examples (and with what WooCommerce
// sends), the examples win. Each entry says why.
const TAX_ITEM: Schema = {
  // Line/shipping/fee "taxes" entries are {id, total, subtotal} in every example; the table
  // "Order - Taxes properties" is a copy of the tax-lines table (docs defect).
  type: "object",
  properties: { id: { type: "integer" }, total: { type: "string" }, subtotal: { type: "string" } },
  required: ["id", "total"],
};
const OVERRIDES: Record<string, Schema> = {
  // examples/orders/*.json: line item "price": 3 / 12 (a float computed as total/quantity).
  "Order - Line items properties.price": { type: "number" },
  // examples/orders/create-an-order.response.json: "rate_id": 75.
  "Order - Tax lines properties.rate_id": { type: "integer" },
  // Meta values are whatever was stored (strings, numbers, arrays, objects).
  "Order - Meta data properties.value": {},
  "Product - Meta data properties.value": {},
  "Order refund - Meta data properties.value": {},
  // The refund line-item table says integer; a tax class is a slug like the order line item's.
  "Order refund - Line items properties.tax_class": { type: "string" },
  // Trashed products answer status "trash" (DELETE without force), which the table omits.
  "Product properties.status": { type: "string", enum: ["draft", "pending", "private", "publish", "trash"] },
  // examples/products: "stock_quantity": null when stock is not managed.
  "Product properties.stock_quantity": { type: ["integer", "null"] },
};
const WHOLE_TABLE: Record<string, Schema> = {
  "Order - Taxes properties": TAX_ITEM,
  "Order refund line item - Taxes properties": TAX_ITEM,
};
// Documented, but not part of the response (write-only in effect, or shown only in edit context;
// the docs' examples leave them out).
const NOT_IN_RESPONSE = new Set(["Webhook properties.secret", "Order note properties.added_by_user"]);
// Flagged read-only, but the controller reads it from the body on create/update (webhook URL).
// Refund line items name the order item they refund by "id".
const WRITABLE_DESPITE_FLAG = new Set(["Webhook properties.delivery_url", "Order refund - Line items properties.id"]);

function loadTables(file: string): Table[] {
  const raw = JSON.parse(readFileSync(`${DIR}${file}.properties.json`, "utf8")) as { tables: Table[] };
  return raw.tables.filter((t) => / properties$/.test(t.section));
}

/** "Options: `a`, `b` and `c`." → ["a","b","c"]; parameter tables ("Default options") are skipped. */
function enumOf(description: string): string[] | undefined {
  const m = /(?:^|\. )Options: ([^.]*)\./.exec(description);
  if (!m?.[1]) return undefined;
  const values = [...m[1].matchAll(/`([^`]+)`/g)].map((x) => x[1] as string);
  return values.length ? values : undefined;
}

const DATE = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}$";

function build(tables: Table[], section: string, mode: Mode): Schema {
  const whole = WHOLE_TABLE[section];
  if (whole) return whole;
  const table = tables.find((t) => t.section === section);
  if (!table) throw new Error(`woo contract: no table "${section}"`);
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  for (const row of table.rows) {
    const key = `${section}.${row.name}`;
    const flags = row.flags ?? [];
    const readOnly = flags.includes("read-only") && !WRITABLE_DESPITE_FLAG.has(key);
    const writeOnly = flags.includes("write-only") || NOT_IN_RESPONSE.has(key);
    if (mode === "request" && readOnly) continue; // ignored in bodies, as WordPress does
    if (mode === "response" && writeOnly) continue;
    properties[row.name] = OVERRIDES[key] ?? propertySchema(tables, row, mode);
    if (mode === "response") required.push(row.name);
  }
  return { type: "object", properties, ...(required.length ? { required } : {}) };
}

function propertySchema(tables: Table[], row: Row, mode: Mode): Schema {
  const link = /See \[([^\]]+)\]\(#/.exec(row.description)?.[1];
  switch (row.type) {
    case "date-time":
      // date_created/date_modified always exist; date_paid, date_completed, sale dates may be null.
      if (mode === "request") return { type: "string" };
      return /^date_(created|modified)/.test(row.name)
        ? { type: "string", pattern: DATE }
        : { type: ["string", "null"], pattern: DATE };
    case "object":
      return link ? build(tables, link, mode) : { type: "object" };
    case "array":
      return link ? { type: "array", items: build(tables, link, mode) } : { type: "array" };
    case "integer":
    case "number":
    case "boolean":
    case "string": {
      const e = enumOf(row.description);
      return e ? { type: row.type, enum: e } : { type: row.type };
    }
    default:
      return {};
  }
}

const cache = new Map<string, Schema>();
/** JSON Schema for one resource: "response" = every documented field, typed; "request" = writable fields. */
export function schemaFor(resource: Resource, mode: Mode): Schema {
  const k = `${resource}:${mode}`;
  let s = cache.get(k);
  if (!s) {
    const tables = loadTables(RESOURCES[resource]);
    s = build(tables, (tables[0] as Table).section, mode);
    cache.set(k, s);
  }
  return s;
}
