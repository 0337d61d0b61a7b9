// Standalone: `tsx test/sandbox/stripe/main.ts [--port N] [--host H]` prints the URL.
import { startStripeSandbox } from './index';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const sandbox = await startStripeSandbox({
  port: Number(arg('port') ?? process.env.STRIPE_SANDBOX_PORT ?? 0),
  host: arg('host') ?? '127.0.0.1',
});
console.log(sandbox.url);

const stop = () => void sandbox.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
