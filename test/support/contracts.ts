import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The official platform contracts live in `shared/` beside the checkout (CI clones the repo next
 * to it). SETTLE_CONTRACTS_DIR overrides that for other layouts.
 */
export const CONTRACTS_DIR = process.env.SETTLE_CONTRACTS_DIR ?? fileURLToPath(new URL('../../../shared/contracts/', import.meta.url));

if (!existsSync(CONTRACTS_DIR)) {
  throw new Error(`The platform contracts are missing at ${CONTRACTS_DIR}: clone the project beside shared/ or set SETTLE_CONTRACTS_DIR.`);
}

export const contractPath = (relative: string): string => `${CONTRACTS_DIR.replace(/\/$/, '')}/${relative}`;
