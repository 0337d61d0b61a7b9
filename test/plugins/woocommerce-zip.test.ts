/**
 * The plugin zip a merchant uploads to WordPress: `settle-payments/` at its root with the main file and
 * its plugin header, a readme.txt WordPress.org accepts, uninstall.php, and no development files even
 * when the plugin folder holds some. Reads the zip itself (central directory + inflate), no unzip needed.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWooPlugin, PLUGIN_SLUG } from '../../scripts/package/woo-plugin';

const SOURCE = fileURLToPath(new URL(`../../plugins/woocommerce/${PLUGIN_SLUG}`, import.meta.url));

/** The zip's entries by name, with their contents (stored or deflated). */
function readZip(file: string): Map<string, string> {
  const zip = readFileSync(file);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('not a zip: no end of central directory');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataStart, dataStart + compressed);
    entries.set(name, (method === 8 ? inflateRawSync(data) : data).toString('utf8'));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

describe('the WooCommerce plugin zip', () => {
  let work: string;
  let entries: Map<string, string>;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'settle-woo-zip-'));
    // The plugin folder as a developer's checkout may hold it: tests, configs, maps and dotfiles beside the code.
    const source = join(work, PLUGIN_SLUG);
    cpSync(SOURCE, source, { recursive: true });
    mkdirSync(join(source, 'tests'));
    writeFileSync(join(source, 'tests', 'GatewayTest.php'), '<?php\n');
    writeFileSync(join(source, 'phpunit.xml'), '<phpunit/>\n');
    writeFileSync(join(source, 'phpunit.xml.dist'), '<phpunit/>\n');
    writeFileSync(join(source, 'assets', 'settle-blocks.js.map'), '{}\n');
    writeFileSync(join(source, '.DS_Store'), '');
    writeFileSync(join(source, 'composer.json'), '{}\n');
    entries = readZip(buildWooPlugin(join(work, 'out', `${PLUGIN_SLUG}.zip`), source));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('has the plugin folder at its root and the main file with a complete plugin header', () => {
    expect([...entries.keys()].every((name) => name.startsWith(`${PLUGIN_SLUG}/`))).toBe(true);
    const main = entries.get(`${PLUGIN_SLUG}/${PLUGIN_SLUG}.php`);
    expect(main).toBeDefined();
    const header = (field: string) => new RegExp(`^\\s*\\*\\s*${field}:\\s*(.+)$`, 'm').exec(main!)?.[1]?.trim();
    expect(header('Plugin Name')).toBe('Settle Payments');
    expect(header('Version')).toMatch(/^\d+\.\d+\.\d+$/);
    expect(header('Requires PHP')).toBe('7.4');
    expect(header('Requires at least')).toMatch(/^\d+\.\d+/);
    expect(header('WC requires at least')).toMatch(/^\d+\.\d+/);
    expect(header('WC tested up to')).toMatch(/^\d+\.\d+/);
    expect(header('Text Domain')).toBe(PLUGIN_SLUG);
    expect(header('License')).toBe('GPL-2.0-or-later');
  });

  it('has a readme.txt in WordPress.org form whose stable tag is the plugin version', () => {
    const readme = entries.get(`${PLUGIN_SLUG}/readme.txt`);
    expect(readme).toBeDefined();
    expect(readme).toMatch(/^=== Settle Payments ===$/m);
    const field = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'm').exec(readme!)?.[1]?.trim();
    for (const name of ['Contributors', 'Tags', 'Requires at least', 'Tested up to', 'Stable tag', 'License']) expect(field(name), name).toBeTruthy();
    for (const section of ['Description', 'Installation', 'Changelog']) expect(readme).toMatch(new RegExp(`^== ${section} ==$`, 'm'));
    const version = /^\s*\*\s*Version:\s*(.+)$/m.exec(entries.get(`${PLUGIN_SLUG}/${PLUGIN_SLUG}.php`)!)?.[1]?.trim();
    expect(field('Stable tag')).toBe(version);
  });

  it('has uninstall.php guarded by WP_UNINSTALL_PLUGIN and the gateway files', () => {
    expect(entries.get(`${PLUGIN_SLUG}/uninstall.php`)).toContain("defined( 'WP_UNINSTALL_PLUGIN' )");
    expect(entries.has(`${PLUGIN_SLUG}/includes/class-settle-gateway.php`)).toBe(true);
    expect(entries.has(`${PLUGIN_SLUG}/assets/settle-blocks.js`)).toBe(true);
  });

  it('leaves development files out', () => {
    const dev = [...entries.keys()].filter((name) => /(^|\/)(tests?\/|phpunit\.xml|\.[^/]+$|composer\.json)|\.map$|Test\.php$/.test(name.replace(`${PLUGIN_SLUG}/`, '')));
    expect(dev).toEqual([]);
  });
});
