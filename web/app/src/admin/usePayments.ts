// Loads the payments list and refreshes it every few seconds so a merchant can
// watch a payment land without reloading. Polls are never overlapped, and we
// skip ticks while the tab is hidden to avoid hammering the API from idle tabs.
import { useEffect, useState } from 'react';
import { ApiError, fetchPayments, type PaymentsResponse } from './api';

export const REFRESH_MS = 5000;

export interface PaymentsState {
  data: PaymentsResponse | null;
  error: ApiError | null;
  loading: boolean;
}

export function usePayments(intervalMs = REFRESH_MS): PaymentsState {
  const [state, setState] = useState<PaymentsState>({ data: null, error: null, loading: true });

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;

    const tick = async (): Promise<void> => {
      if (!document.hidden) {
        try {
          const data = await fetchPayments(controller.signal);
          setState({ data, error: null, loading: false });
        } catch (err) {
          if (controller.signal.aborted) return;
          const error = err instanceof ApiError ? err : new ApiError(0, 'unknown', 'Something went wrong loading payments.');
          // Signed out / forbidden: stop showing the previous merchant's data.
          // Transient errors: keep the last good list on screen under the banner.
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
  }, [intervalMs]);

  return state;
}
