// How Settle posts to QuickBooks: a document per sale, fee, refund and payout, or one summarised
// journal entry per payout. Shown in the QuickBooks card once a company is connected; the setup
// wizard uses the same API (GET/PUT /api/books/settings).
import { useEffect, useState } from 'react';
import { BlockStack, ChoiceList, Text } from '@shopify/polaris';
import { ApiError, getJson } from '../api';

export type PostingMode = 'per_transaction' | 'per_payout';
interface BooksSettingsView {
  postingMode: PostingMode;
  changedAt: string | null;
}

const isSettings = (body: unknown) => typeof (body as { postingMode?: unknown } | null)?.postingMode === 'string';

export const fetchBooksSettings = (signal?: AbortSignal) => getJson<BooksSettingsView>('/api/books/settings', isSettings, signal);

/** PUT the chosen mode; a refusal becomes ApiError with the server's own words. */
export async function saveBooksSettings(postingMode: PostingMode): Promise<BooksSettingsView> {
  let res: Response;
  try {
    res = await fetch('/api/books/settings', {
      method: 'PUT', credentials: 'same-origin', headers: { Accept: 'application/json', 'Content-Type': 'application/json' }, body: JSON.stringify({ postingMode }),
    });
  } catch {
    throw new ApiError(0, 'network', 'Could not reach Settle. Nothing was changed; try again.');
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? `Request failed (HTTP ${res.status}).`);
  }
  return body as BooksSettingsView;
}

const CHOICES = [
  {
    label: 'Every transaction',
    value: 'per_transaction',
    helpText: 'A sales receipt for each sale, the Stripe fee as an expense, a refund receipt for each refund and a transfer for each payout.',
  },
  {
    label: 'One entry per payout',
    value: 'per_payout',
    helpText: 'One journal entry for each payout, adding up its sales, refunds and fees, for the amount your bank receives. Nothing is posted per sale.',
  },
];

export function PostingModeCard() {
  const [mode, setMode] = useState<PostingMode | null>(null);
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    fetchBooksSettings(controller.signal).then(
      (s) => setMode(s.postingMode),
      (error: unknown) => !controller.signal.aborted && setProblem(error instanceof Error ? error.message : String(error)),
    );
    return () => controller.abort();
  }, []);

  const choose = async ([chosen]: string[]) => {
    if (!chosen || chosen === mode) return;
    const before = mode;
    setMode(chosen as PostingMode);
    setSaving(true);
    setProblem(null);
    try {
      setMode((await saveBooksSettings(chosen as PostingMode)).postingMode);
    } catch (error) {
      setMode(before);
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <BlockStack gap="200">
      <ChoiceList
        title="Post to QuickBooks"
        choices={CHOICES}
        selected={mode ? [mode] : []}
        disabled={saving || mode === null}
        onChange={(selected) => void choose(selected)}
      />
      <Text as="p" tone="subdued">
        A change applies to sales whose payout is not in QuickBooks yet.
      </Text>
      {problem ? <Text as="p" tone="critical">{problem}</Text> : null}
    </BlockStack>
  );
}
