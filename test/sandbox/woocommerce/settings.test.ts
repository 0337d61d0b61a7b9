// The store's currency setting through the official client: read, changed by the shop manager,
// refused when not a currency WooCommerce offers or when the key may only read; new orders use it.
import WooPkg from "@woocommerce/woocommerce-rest-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooSandbox, type WooSandbox } from "./index";

const WooCommerceRestApi = ((WooPkg as unknown as { default?: typeof WooPkg }).default ?? WooPkg) as typeof WooPkg;
type Client = InstanceType<typeof WooCommerceRestApi>;

let sb: WooSandbox;
const client = (permissions: "read" | "read_write") => {
  const keys = sb.createApiKeys(permissions);
  return new WooCommerceRestApi({ url: sb.url, consumerKey: keys.consumer_key, consumerSecret: keys.consumer_secret, version: "wc/v3" });
};
const status = async (p: Promise<unknown>) => p.then(() => 200, (e: { response?: { status: number } }) => e.response?.status ?? 0);

beforeAll(async () => { sb = await startWooSandbox({ port: 0 }); });
afterAll(async () => { await sb?.close(); });

describe("settings: woocommerce_currency", () => {
  let api: Client;
  beforeAll(() => { api = client("read_write"); });

  it("reads USD by default, and new orders are in the currency set", async () => {
    expect((await api.get("settings/general/woocommerce_currency")).data).toMatchObject({ id: "woocommerce_currency", value: "USD" });
    expect((await api.put("settings/general/woocommerce_currency", { value: "EUR" })).data).toMatchObject({ value: "EUR" });
    expect((await api.get("settings/general/woocommerce_currency")).data.value).toBe("EUR");
    const order = (await api.post("orders", { line_items: [] })).data as { currency: string };
    expect(order.currency).toBe("EUR");
    await api.put("settings/general/woocommerce_currency", { value: "USD" });
  });

  it("refuses a value WooCommerce does not offer, and a read-only key", async () => {
    expect(await status(api.put("settings/general/woocommerce_currency", { value: "XXX" }))).toBe(400);
    expect(await status(client("read").put("settings/general/woocommerce_currency", { value: "EUR" }))).toBe(401);
    expect((await api.get("settings/general/woocommerce_currency")).data.value).toBe("USD");
  });
});
