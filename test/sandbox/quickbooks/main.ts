// Runs the QuickBooks sandbox alone: `tsx test/sandbox/quickbooks/main.ts [--port N]`.
import { startQuickBooksSandbox } from './index';

const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : Number(process.env.PORT ?? 0);
const sandbox = await startQuickBooksSandbox({ port });
console.log(`QuickBooks sandbox listening on ${sandbox.url}`);
console.log(`  V3_ENDPOINT_BASE_URL=${sandbox.apiBaseUrl}`);
console.log(`  TOKEN_URL=${sandbox.tokenUrl}`);
console.log(`  QUICKBOOKS_AUTHORIZE_URL=${sandbox.authorizeUrl}  QUICKBOOKS_REVOKE_URL=${sandbox.revokeUrl}`);
const stop = (): void => void sandbox.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
