// Finding the store's products for a payment link by name or SKU, with their price and what is left,
// so the merchant adds them without looking up product IDs in WooCommerce.
import { useState } from 'react';
import { BlockStack, Button, InlineStack, Text, TextField } from '@shopify/polaris';
import { displayMoney } from '../money';
import { ApiError } from './api';
import { locale } from './format';
import { findStoreProducts, type StoreProductRow } from './payment-links-api';

export function ProductPicker({ currency, onPick }: { currency: string; onPick: (product: StoreProductRow) => void }) {
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<StoreProductRow[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const find = async () => {
    if (!search.trim()) return;
    setBusy(true);
    setProblem(null);
    try {
      setFound((await findStoreProducts(search.trim(), currency)).products);
    } catch (error) {
      setProblem(error instanceof ApiError ? error.message : 'Something went wrong looking up your products.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <BlockStack gap="200">
      <InlineStack gap="200" blockAlign="end">
        <div onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); void find(); } }}>
          <TextField label="Find a product in your store" value={search} onChange={setSearch} autoComplete="off" placeholder="Name or SKU" />
        </div>
        <Button loading={busy} onClick={() => void find()}>Find</Button>
      </InlineStack>
      {problem ? <Text as="p" tone="critical">{problem}</Text> : null}
      {found && found.length === 0 ? <Text as="p" tone="subdued">No published product matches “{search}”.</Text> : null}
      {found?.map((p) => (
        <InlineStack key={p.id} gap="300" blockAlign="center">
          <Text as="span" fontWeight="semibold">{p.name}</Text>
          <Text as="span" tone="subdued">{[p.sku && `SKU ${p.sku}`, `ID ${p.id}`, displayMoney(p.unitPrice, p.unitPriceFormatted, locale), p.available === null ? null : `${p.available} left`].filter(Boolean).join(' · ')}</Text>
          <Button size="slim" disabled={!p.purchasable} onClick={() => onPick(p)} accessibilityLabel={`Add ${p.name}`}>{p.purchasable ? 'Add' : 'Not for sale'}</Button>
        </InlineStack>
      ))}
    </BlockStack>
  );
}
