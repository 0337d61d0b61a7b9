// Loads something from the API and refreshes it every few seconds, so a merchant can watch
// payments and payouts land without reloading. Polls are never overlapped, and ticks are skipped
// while the tab is hidden to avoid hammering the API from idle tabs.
import { useEffect, useState } from 'react';
import { ApiError } from './api';

export const REFRESH_MS = 5000;

export interface RefreshingState<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
}

export function useRefreshing<T>(load: (signal: AbortSignal) => Promise<T>, failure: string, intervalMs = REFRESH_MS): RefreshingState<T> {
  const [state, setState] = useState<RefreshingState<T>>({ data: null, error: null, loading: true });

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;

    const tick = async (): Promise<void> => {
      if (!document.hidden) {
        try {
          const data = await load(controller.signal);
          setState({ data, error: null, loading: false });
        } catch (err) {
          if (controller.signal.aborted) return;
          const error = err instanceof ApiError ? err : new ApiError(0, 'unknown', failure);
          // Signed out / forbidden: stop showing the previous merchant's data.
          // Transient errors: keep the last good data on screen under the banner.
          const dropData = error.status === 401 || error.status === 403;
          setState((s) => ({ data: dropData ? null : s.data, error, loading: false }));
        }
      }
      if (!controller.signal.aborted) timer = setTimeout(() => void tick(), intervalMs);
    };

    void tick();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [load, failure, intervalMs]);

  return state;
}
