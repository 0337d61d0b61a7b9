// The QuickBooks mapping step of setup: for each of Settle's ledger roles, the QuickBooks account it
// posts to (pick one of a fitting type, or create the role's account); for each product SKU, the
// item its sales are recorded as (or the fallback item); how customers are matched. Exported for
// the setup wizard; the QuickBooks card shows it too.
import { useCallback, useEffect, useState } from 'react';
import { Badge, Banner, BlockStack, Button, Card, DataTable, InlineStack, Select, SkeletonBodyText, Text } from '@shopify/polaris';
import { applySuggestions, fetchBooksMapping, mapAccount, mapFallbackItem, mapItem, type BooksMapping, type ProductMapping, type RoleMapping } from './mapping-api';

const CREATE = '__create__';
const NONE = '';

export function MappingStep({ onChange }: { onChange?: (mapping: BooksMapping) => void } = {}) {
  const [mapping, setMapping] = useState<BooksMapping | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    const abort = new AbortController();
    fetchBooksMapping(abort.signal).then(setMapping, (error: Error) => !abort.signal.aborted && setProblem(error.message));
    return () => abort.abort();
  }, []);

  /** Runs one choice; the answer is the whole step, shown as it now stands. */
  const choose = useCallback(async (what: string, run: () => Promise<BooksMapping>) => {
    setBusy(what);
    setProblem(null);
    try {
      const next = await run();
      setMapping(next);
      onChange?.(next);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(null);
    }
  }, [onChange]);

  if (!mapping) {
    return (
      <Card>
        {problem ? <Banner tone="critical" title="The mapping could not be loaded">{problem}</Banner> : <SkeletonBodyText lines={6} />}
      </Card>
    );
  }
  const unmapped = mapping.accounts.filter((a) => !a.account).length;
  return (
    <BlockStack gap="400">
      {problem ? (
        <Banner tone="critical" title="QuickBooks mapping not changed" onDismiss={() => setProblem(null)}>
          <p>{problem}</p>
        </Banner>
      ) : null}
      <Card>
        <BlockStack gap="300">
          <InlineStack align="space-between" blockAlign="center">
            <BlockStack gap="100">
              <Text as="h2" variant="headingMd">Accounts</Text>
              <Text as="p" tone="subdued">
                Where Settle posts each kind of money in your QuickBooks company. {unmapped > 0 ? `${unmapped} still to choose.` : 'All chosen.'}
              </Text>
            </BlockStack>
            <Button onClick={() => void choose('suggestions', applySuggestions)} loading={busy === 'suggestions'} disabled={unmapped === 0}>
              Use suggestions
            </Button>
          </InlineStack>
          <DataTable
            columnContentTypes={['text', 'text', 'text']}
            headings={['In Settle', 'QuickBooks account', 'Suggestion']}
            rows={mapping.accounts.map((role) => [
              <Text as="span" fontWeight="semibold" key="name">{role.name}</Text>,
              <AccountSelect key="select" role={role} busy={busy === `account:${role.role}`} onPick={(choice) => void choose(`account:${role.role}`, () => mapAccount(role.role, choice))} />,
              suggestionText(role),
            ])}
          />
        </BlockStack>
      </Card>
      <Card>
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">Products</Text>
          <Text as="p" tone="subdued">
            Each sale lists its products by SKU as QuickBooks items. A SKU without an item is recorded as the fallback item.
          </Text>
          <Select
            label="Fallback item"
            value={mapping.items.fallback?.id ?? NONE}
            disabled={busy === 'fallback'}
            options={[
              ...(mapping.items.fallback ? [] : [{ label: 'Choose an item…', value: NONE }]),
              ...mapping.items.candidates.map((i) => ({ label: i.name, value: i.id })),
              { label: 'Create “Sales income (Settle)”', value: CREATE },
            ]}
            onChange={(value) => value !== NONE && void choose('fallback', () => mapFallbackItem(value === CREATE ? { create: true } : { itemId: value }))}
          />
          {mapping.items.products.length === 0 ? (
            <Text as="p" tone="subdued">Your store has no products with a SKU yet.</Text>
          ) : (
            <DataTable
              columnContentTypes={['text', 'text', 'text']}
              headings={['SKU', 'Product', 'QuickBooks item']}
              rows={mapping.items.products.map((p) => [
                p.sku,
                p.name,
                <ItemSelect key="item" product={p} candidates={mapping.items.candidates} busy={busy === `sku:${p.sku}`}
                  onPick={(choice) => void choose(`sku:${p.sku}`, () => mapItem(p.sku, choice))} />,
              ])}
            />
          )}
        </BlockStack>
      </Card>
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">Customers</Text>
          <Text as="p">{mapping.customers.description}</Text>
        </BlockStack>
      </Card>
    </BlockStack>
  );
}

function AccountSelect({ role, busy, onPick }: { role: RoleMapping; busy: boolean; onPick: (choice: { accountId: string } | { create: true }) => void }) {
  const mappedIsCandidate = role.account && role.candidates.some((c) => c.id === role.account!.id);
  const options = [
    ...(role.account ? [] : [{ label: 'Choose an account…', value: NONE }]),
    ...(role.account && !mappedIsCandidate ? [{ label: role.account.name, value: role.account.id }] : []),
    ...role.candidates.map((c) => ({ label: `${c.name} (${c.type})`, value: c.id })),
    { label: `Create “${role.name}”`, value: CREATE },
  ];
  return (
    <Select
      label={`QuickBooks account for ${role.name}`}
      labelHidden
      disabled={busy}
      value={role.account?.id ?? NONE}
      options={options}
      onChange={(value) => value !== NONE && onPick(value === CREATE ? { create: true } : { accountId: value })}
    />
  );
}

function ItemSelect({ product, candidates, busy, onPick }: {
  product: ProductMapping; candidates: BooksMapping['items']['candidates']; busy: boolean; onPick: (choice: { itemId: string } | { create: true; name: string }) => void;
}) {
  const fallback = product.source === 'fallback';
  return (
    <InlineStack gap="200" blockAlign="center" wrap={false}>
      <Select
        label={`QuickBooks item for ${product.sku}`}
        labelHidden
        disabled={busy}
        value={fallback ? NONE : (product.item?.id ?? NONE)}
        options={[
          { label: product.item && fallback ? `Fallback: ${product.item.name}` : 'Fallback item', value: NONE },
          ...(product.missing && product.item ? [{ label: `${product.item.name} (deleted in QuickBooks)`, value: product.item.id }] : []),
          ...candidates.map((i) => ({ label: i.sku ? `${i.name} · ${i.sku}` : i.name, value: i.id })),
          { label: `Create “${product.name}”`, value: CREATE },
        ]}
        onChange={(value) => value !== NONE && onPick(value === CREATE ? { create: true, name: product.name } : { itemId: value })}
      />
      {product.missing ? <Badge tone="critical">Not in QuickBooks</Badge> : product.source === 'sku' ? <Badge tone="info">Same SKU</Badge> : null}
    </InlineStack>
  );
}

function suggestionText(role: RoleMapping): string {
  if (!role.suggestion) return '';
  return role.suggestion.kind === 'existing' ? `Use ${role.suggestion.account.name}` : `Create ${role.suggestion.name} (${role.suggestion.type})`;
}
