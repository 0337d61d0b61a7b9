// Documents Settle posted that someone changed in QuickBooks: Settle left each change as it was made
// and lists it here for the bookkeeper to look at (what was posted, what QuickBooks shows now).
import { BlockStack, Card, DataTable, Text } from '@shopify/polaris';
import { getJson } from './api';
import { useRefreshing } from './useRefreshing';

interface BooksFlagRow {
  id: number;
  documentType: string;
  documentId: string;
  entryDescription: string;
  change: 'edited' | 'deleted' | 'voided' | (string & {});
  postedAmountFormatted: string;
  currentAmountFormatted: string | null;
  foundBy: 'webhook' | 'catch_up' | (string & {});
  explanation: string;
}

const fetchFlags = (signal: AbortSignal) =>
  getJson<{ flags: BooksFlagRow[] }>('/api/books/flags', (body) => Array.isArray((body as { flags?: unknown }).flags), signal);

const CHANGE: Record<string, string> = { edited: 'Edited', deleted: 'Deleted', voided: 'Voided' };

export function BooksFlagsCard() {
  const { data } = useRefreshing(fetchFlags, 'Something went wrong loading the changes made in QuickBooks.');
  if (!data || data.flags.length === 0) return null;
  const rows = data.flags.map((f) => [
    `${f.documentType} ${f.documentId}`, f.entryDescription, CHANGE[f.change] ?? f.change, f.postedAmountFormatted, f.currentAmountFormatted ?? '—',
  ]);
  return (
    <Card padding="0">
      <BlockStack>
        <div style={{ padding: 'var(--p-space-400) var(--p-space-400) 0' }}>
          <Text as="h2" variant="headingMd">
            Changed in QuickBooks
          </Text>
          <Text as="p" tone="subdued">
            Settle did not overwrite these changes. Check that your books still match your sales.
          </Text>
        </div>
        <DataTable
          columnContentTypes={['text', 'text', 'text', 'numeric', 'numeric']}
          headings={['Document', 'For', 'Change', 'Settle posted', 'QuickBooks shows']}
          rows={rows}
        />
      </BlockStack>
    </Card>
  );
}
