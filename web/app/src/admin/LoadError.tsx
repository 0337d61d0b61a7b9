// What every admin screen shows when its data could not be loaded: signed out, or the reason Settle gave.
import { Banner } from '@shopify/polaris';
import type { ApiError } from './api';

export function LoadError({ error, what }: { error: ApiError; what: string }) {
  return (
    <Banner tone="critical" title={error.status === 401 ? 'You are signed out' : `Couldn't load ${what}`}>
      <p>{error.message}</p>
    </Banner>
  );
}
