/**
 * The WooCommerce plugin's PHP checks, as CI runs them: `php -l` on every PHP file, the PHPUnit tests of
 * the gateway's logic (test/plugins/woocommerce/, with a small WordPress stand-in), and loading the
 * plugin in a WordPress without WooCommerce, which must show an admin notice rather than fail.
 * Skipped only when php is not installed (CI installs php-cli and phpunit).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PLUGIN = join(ROOT, 'plugins/woocommerce/settle-payments');
const HARNESS = join(ROOT, 'test/plugins/woocommerce');

function hasCommand(command: string): boolean {
  return spawnSync(command, ['--version'], { encoding: 'utf8' }).status === 0;
}

function phpFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return phpFiles(path);
    return name.endsWith('.php') ? [path] : [];
  });
}

const havePhp = hasCommand('php');
if (!havePhp) console.warn('php is not installed: the WooCommerce plugin PHP checks are skipped (CI installs php-cli and phpunit).');

describe.skipIf(!havePhp)('the WooCommerce plugin (PHP)', () => {
  it('every PHP file passes php -l', () => {
    const files = [...phpFiles(PLUGIN), ...phpFiles(HARNESS)];
    expect(files.length).toBeGreaterThan(5);
    const broken = files
      .map((file) => ({ file, run: spawnSync('php', ['-l', file], { encoding: 'utf8' }) }))
      .filter(({ run }) => run.status !== 0)
      .map(({ file, run }) => `${file}: ${run.stdout}${run.stderr}`);
    expect(broken).toEqual([]);
  });

  it('the gateway PHPUnit tests pass', () => {
    const run = spawnSync('phpunit', ['-c', join(HARNESS, 'phpunit.xml')], { encoding: 'utf8', cwd: ROOT });
    expect(run.error, 'phpunit is not installed').toBeUndefined();
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/OK \(\d+ tests/);
  });

  it('without WooCommerce the plugin loads, shows an admin notice and registers no gateway', () => {
    // A bare WordPress: hooks and escaping only, no WooCommerce classes.
    const script = `
      define('ABSPATH', '/');
      $hooks = [];
      function add_action($h, $c, $p = 10, $a = 1) { global $hooks; $hooks[$h][] = $c; }
      function add_filter($h, $c, $p = 10, $a = 1) { add_action($h, $c, $p, $a); }
      function esc_html__($t, $d = '') { return $t; }
      require ${JSON.stringify(join(PLUGIN, 'settle-payments.php'))};
      foreach ($hooks['before_woocommerce_init'] as $c) { $c(); }
      foreach ($hooks['plugins_loaded'] as $c) { $c(); }
      ob_start();
      foreach ($hooks['admin_notices'] ?? [] as $c) { $c(); }
      echo json_encode(['notice' => ob_get_clean(), 'gateways' => isset($hooks['woocommerce_payment_gateways'])]);
    `;
    const out = JSON.parse(execFileSync('php', ['-r', script], { encoding: 'utf8' })) as { notice: string; gateways: boolean };
    expect(out.notice).toContain('Settle Payments needs WooCommerce to be installed and active.');
    expect(out.gateways).toBe(false);
  });
});
