// Runs the WooCommerce sandbox alone: `tsx test/sandbox/woocommerce/main.ts [--port N] [--host H] [--webhook-retry]`.
import { startWooSandbox } from "./index";

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const sandbox = await startWooSandbox({
  port: Number(arg("--port") ?? process.env.WOO_SANDBOX_PORT ?? 0),
  host: arg("--host") ?? "127.0.0.1",
  webhookRetry: process.argv.includes("--webhook-retry"),
});
const keys = sandbox.createApiKeys();
console.log(`WooCommerce sandbox: ${sandbox.url}`);
console.log(`consumer_key=${keys.consumer_key}`);
console.log(`consumer_secret=${keys.consumer_secret}`);

const stop = () => void sandbox.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
