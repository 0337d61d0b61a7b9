// Finding an order by the id in the URL, with the 404 each controller uses.
import { WpError } from "./errors";
import type { Site } from "./site";
import type { Order } from "./state";

export function findOrder(site: Site, raw: string, code = "woocommerce_rest_shop_order_invalid_id"): Order {
  const o = /^\d+$/.test(raw) ? site.store.orders.get(Number(raw)) : undefined;
  if (!o) throw new WpError(404, code, code === "woocommerce_rest_shop_order_invalid_id" ? "Invalid ID." : "Invalid order ID.");
  return o;
}
