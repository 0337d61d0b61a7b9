/**
 * Where the connectors report a platform answering "slow down" (429, Shopify's THROTTLED) or failing
 * on its side (5xx), at the places they already classify those answers. The server and the worker
 * listen (web/server/metrics.ts counts them for /metrics); the connectors know nothing of who listens.
 */
export type PlatformTrouble = 'throttled' | 'server_error';
export type TroubledPlatform = 'stripe' | 'shopify' | 'woocommerce' | 'quickbooks';

type Listener = (platform: TroubledPlatform, trouble: PlatformTrouble) => void;
const listeners = new Set<Listener>();

export function onPlatformTrouble(listener: Listener): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

export function notePlatformTrouble(platform: TroubledPlatform, trouble: PlatformTrouble): void {
  for (const listener of listeners) listener(platform, trouble);
}

/** The HTTP status a platform answered with, as trouble worth counting (undefined when it is not). */
export function troubleOf(status: number | undefined): PlatformTrouble | undefined {
  if (status === 429) return 'throttled';
  if (status !== undefined && status >= 500) return 'server_error';
  return undefined;
}
