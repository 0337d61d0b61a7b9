// Step 1: what the merchant wants Settle to connect: their store (WooCommerce or Shopify), Stripe
// for payments, QuickBooks for the books. Pre-ticked from where they came from.
import { useState } from 'react';
import { BlockStack, Checkbox, ChoiceList, Text } from '@shopify/polaris';
import type { SetupChoices } from './setup-api';
import { StepActions } from './StepActions';

export function ChooseStep({ choices, onSave }: { choices: SetupChoices; onSave: (choices: SetupChoices) => Promise<void> }) {
  const [store, setStore] = useState<string>(choices.connect.store ?? 'none');
  const [stripe, setStripe] = useState(choices.connect.stripe);
  const [quickbooks, setQuickbooks] = useState(choices.connect.quickbooks);
  const connect = { store: store === 'none' ? null : (store as 'woocommerce' | 'shopify'), stripe, quickbooks };
  return (
    <BlockStack gap="400">
      <Text as="p">Settle links your store, your payments and your books so a sale, its payment and its bookkeeping move together. Pick what you use.</Text>
      <ChoiceList
        title="Your store"
        choices={[{ label: 'WooCommerce', value: 'woocommerce' }, { label: 'Shopify', value: 'shopify' }, { label: 'No online store (payment links and counter sales only)', value: 'none' }]}
        selected={[store]}
        onChange={(v) => setStore(v[0] ?? 'none')}
      />
      <Checkbox label="Stripe, to take payments" checked={stripe} onChange={setStripe} />
      <Checkbox label="QuickBooks Online, to keep the books" checked={quickbooks} onChange={setQuickbooks} />
      <StepActions onNext={() => onSave({ ...choices, connect })} />
    </BlockStack>
  );
}
