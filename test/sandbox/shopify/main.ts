// Runs the Shopify sandbox alone: `tsx test/sandbox/shopify/main.ts [--port N] [--host H]`.
import { startShopifySandbox } from "./index";

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const sandbox = await startShopifySandbox({
  port: Number(arg("--port") ?? process.env.SHOPIFY_SANDBOX_PORT ?? 0),
  host: arg("--host") ?? "127.0.0.1",
});
console.log(`Shopify sandbox: ${sandbox.url}`);
console.log(`SHOPIFY_SHOP_URL=${sandbox.shopUrlTemplate}`);

const stop = () => void sandbox.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
