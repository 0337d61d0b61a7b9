/**
 * `npm run build:woo-plugin`: the WooCommerce plugin as the zip a merchant uploads in WordPress
 * (Plugins > Add New > Upload Plugin): dist/settle-payments.zip with the folder settle-payments/ at its
 * root, without development files. Uses the system `zip` (no zip library is installed).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PLUGIN_SLUG = 'settle-payments';
const SOURCE = join(ROOT, 'plugins/woocommerce', PLUGIN_SLUG);

/** Files a merchant's WordPress has no use for: tests, test config, source maps, dotfiles, dependencies. */
export function isDevFile(name: string): boolean {
  return /^\./.test(name) || /\.map$/.test(name) || /^phpunit\.xml(\.dist)?$/.test(name) || /^(tests?|node_modules|vendor-dev)$/.test(name)
    || /^composer\.(json|lock)$/.test(name) || /^package(-lock)?\.json$/.test(name) || /Test\.php$/.test(name);
}

/** Builds the zip from the plugin's folder (the repository's unless told) and returns its path. */
export function buildWooPlugin(outFile = join(ROOT, 'dist', `${PLUGIN_SLUG}.zip`), source = SOURCE): string {
  const target = resolve(outFile);
  const staging = mkdtempSync(join(tmpdir(), 'settle-woo-'));
  try {
    cpSync(source, join(staging, PLUGIN_SLUG), { recursive: true, filter: (path) => !isDevFile(basename(path)) });
    mkdirSync(resolve(target, '..'), { recursive: true });
    // zip adds to an existing archive; start afresh so removed files do not linger.
    rmSync(target, { force: true });
    execFileSync('zip', ['-r', '-X', '-q', target, PLUGIN_SLUG], { cwd: staging, stdio: 'inherit' });
    return target;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = buildWooPlugin(process.argv[2]);
  console.log(`Built ${built}`);
}
