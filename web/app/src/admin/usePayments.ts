// The payments list, refreshed every few seconds (see useRefreshing).
import { fetchPayments, type PaymentsResponse } from './api';
import { REFRESH_MS, useRefreshing, type RefreshingState } from './useRefreshing';

export { REFRESH_MS };
export type PaymentsState = RefreshingState<PaymentsResponse>;

export function usePayments(intervalMs = REFRESH_MS): PaymentsState {
  return useRefreshing(fetchPayments, 'Something went wrong loading payments.', intervalMs);
}
