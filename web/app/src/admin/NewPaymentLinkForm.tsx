// Making a payment link: for products of the store (found by name, or by their WooCommerce product ID,
// and how many; priced by the store when a shopper opens the link) or for an amount with a description.
import { useState } from 'react';
import { Banner, BlockStack, Button, Card, ChoiceList, FormLayout, InlineStack, Text, TextField } from '@shopify/polaris';
import { ApiError } from './api';
import { toMinorUnits } from './actions-api';
import { createPaymentLink, type NewPaymentLink, type PaymentLinkRow } from './payment-links-api';
import { ProductPicker } from './ProductPicker';

type Kind = 'products' | 'amount';
interface ProductLine { productId: string; quantity: string; name?: string }

export function NewPaymentLinkForm({ onCreated }: { onCreated: (link: PaymentLinkRow) => void }) {
  const [kind, setKind] = useState<Kind>('products');
  const [lines, setLines] = useState<ProductLine[]>([{ productId: '', quantity: '1' }]);
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState('USD');
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const setLine = (index: number, change: Partial<ProductLine>) => setLines((all) => all.map((l, i) => (i === index ? { ...l, ...change } : l)));

  /** The request, or what the merchant must correct first (said before anything is sent). */
  function request(): NewPaymentLink | string {
    const code = currency.trim().toUpperCase();
    if (!/^[A-Z]{3}$/.test(code)) return 'Enter your store’s currency as a three-letter code, such as USD.';
    if (kind === 'amount') {
      const minor = toMinorUnits(amount, code);
      if (minor === null) return `Enter the amount in ${code}, such as 25.00.`;
      if (!description.trim()) return 'Describe what the shopper pays for; they see it on the link’s page.';
      return { currency: code, amount: minor, description: description.trim() };
    }
    const products = lines.filter((l) => l.productId.trim() !== '').map((l) => ({ productId: l.productId.trim(), quantity: Number(l.quantity) }));
    if (products.length === 0) return 'Enter the ID of at least one product from your store.';
    if (products.some((p) => !/^[1-9]\d*$/.test(p.productId))) return 'A product ID is the whole number WooCommerce shows for the product (Products, hover over its name).';
    if (products.some((p) => !Number.isInteger(p.quantity) || p.quantity < 1)) return 'Each quantity is a whole number, 1 or more.';
    return { currency: code, products, ...(description.trim() ? { description: description.trim() } : {}) };
  }

  const create = async () => {
    const body = request();
    if (typeof body === 'string') return setProblem(body);
    setBusy(true);
    setProblem(null);
    try {
      onCreated(await createPaymentLink(body));
      setLines([{ productId: '', quantity: '1' }]);
      setAmount('');
      setDescription('');
    } catch (error) {
      setProblem(error instanceof ApiError ? error.message : 'Something went wrong; the link was not made.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">New payment link</Text>
        {problem ? <Banner tone="critical" title="The link was not made"><p>{problem}</p></Banner> : null}
        <FormLayout>
          <ChoiceList
            title="What the link sells"
            choices={[
              { label: 'Products from your store', value: 'products', helpText: 'Shoppers pay your store’s prices; each paid sale becomes an order and lowers stock.' },
              { label: 'An amount', value: 'amount', helpText: 'A deposit, a service, a custom order: one amount with a description.' },
            ]}
            selected={[kind]}
            onChange={(value) => setKind(value[0] as Kind)}
          />
          {kind === 'products' ? (
            <BlockStack gap="200">
              {lines.map((line, index) => (
                <InlineStack key={index} gap="300" blockAlign="end">
                  <TextField
                    label="Product ID" value={line.productId} onChange={(v) => setLine(index, { productId: v, name: undefined })} autoComplete="off" inputMode="numeric"
                    helpText={line.name}
                  />
                  <TextField label="Quantity" type="number" min={1} value={line.quantity} onChange={(v) => setLine(index, { quantity: v })} autoComplete="off" />
                  {lines.length > 1 ? <Button variant="plain" tone="critical" onClick={() => setLines((all) => all.filter((_, i) => i !== index))}>Remove</Button> : null}
                </InlineStack>
              ))}
              <InlineStack>
                <Button variant="plain" onClick={() => setLines((all) => [...all, { productId: '', quantity: '1' }])}>Add another product</Button>
              </InlineStack>
              <ProductPicker
                currency={/^[A-Z]{3}$/.test(currency) ? currency : 'USD'}
                onPick={(p) => setLines((all) => [...all.filter((l) => l.productId.trim() !== '' && l.productId !== p.id), { productId: p.id, quantity: '1', name: p.name }])}
              />
            </BlockStack>
          ) : (
            <TextField label="Amount" value={amount} onChange={setAmount} autoComplete="off" inputMode="decimal" placeholder="25.00" />
          )}
          <FormLayout.Group>
            <TextField label="Currency" value={currency} onChange={(v) => setCurrency(v.toUpperCase())} autoComplete="off" maxLength={3} helpText="Your store’s currency." />
            <TextField
              label={kind === 'amount' ? 'Description' : 'Description (optional)'}
              value={description} onChange={setDescription} autoComplete="off" maxLength={200}
              placeholder={kind === 'amount' ? 'Deposit for a custom table' : 'The products’ names'}
            />
          </FormLayout.Group>
        </FormLayout>
        <InlineStack>
          <Button variant="primary" loading={busy} onClick={() => void create()}>Create link</Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
