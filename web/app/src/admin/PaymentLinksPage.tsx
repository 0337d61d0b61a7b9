// Payment links: make one for store products or an amount, share its address, watch how many
// shoppers paid through each, and deactivate one that should no longer take money.
import { useCallback, useState } from 'react';
import { Badge, Banner, BlockStack, Button, ButtonGroup, Card, IndexTable, Layout, Page, SkeletonBodyText, Text } from '@shopify/polaris';
import { displayMoney } from '../money';
import { ApiError } from './api';
import { locale } from './format';
import { LoadError } from './LoadError';
import { NewPaymentLinkForm } from './NewPaymentLinkForm';
import { deactivatePaymentLink, fetchPaymentLinks, type PaymentLinkRow } from './payment-links-api';
import { useRefreshing } from './useRefreshing';

const whatItSells = (link: PaymentLinkRow) =>
  link.amount ? displayMoney(link.amount, link.amountFormatted, locale) : link.products.map((p) => `${p.quantity} × ${p.name}`).join(', ');

function LinkRow({ link, index, onChanged }: { link: PaymentLinkRow; index: number; onChanged: (message: string) => void }) {
  const [copied, setCopied] = useState(false);
  const [busy, setBusy] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link.url);
      setCopied(true);
    } catch {
      // No clipboard (an old browser, or permission refused): the address is on the row to select by hand.
      window.prompt('Copy the link', link.url);
    }
  };
  const deactivate = async () => {
    if (!window.confirm(`Deactivate “${link.description}”? Shoppers who open it will be told it is no longer active.`)) return;
    setBusy(true);
    try {
      await deactivatePaymentLink(link.id);
      onChanged(`“${link.description}” is deactivated: shoppers who open it are told so, and nothing is charged.`);
    } catch (error) {
      onChanged(error instanceof ApiError ? error.message : 'Something went wrong; the link is still active.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <IndexTable.Row id={link.id} position={index}>
      <IndexTable.Cell>
        <BlockStack gap="100">
          <Text as="span" fontWeight="semibold">{link.description}</Text>
          <Text as="span" tone="subdued" breakWord>{link.url}</Text>
        </BlockStack>
      </IndexTable.Cell>
      <IndexTable.Cell>{link.amount ? whatItSells(link) : <BlockStack gap="050"><Text as="span">{whatItSells(link)}</Text><Text as="span" tone="subdued">at your store’s prices</Text></BlockStack>}</IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" numeric>{link.paidCount} paid · {displayMoney(link.paidTotal, link.paidTotalFormatted, locale)}</Text>
      </IndexTable.Cell>
      <IndexTable.Cell>{link.active ? <Badge tone="success">Active</Badge> : <Badge>Deactivated</Badge>}</IndexTable.Cell>
      <IndexTable.Cell>
        <ButtonGroup>
          <Button size="slim" onClick={() => void copy()} accessibilityLabel={`Copy the link for ${link.description}`}>{copied ? 'Copied' : 'Copy link'}</Button>
          {link.active ? <Button size="slim" tone="critical" loading={busy} onClick={() => void deactivate()}>Deactivate</Button> : null}
        </ButtonGroup>
      </IndexTable.Cell>
    </IndexTable.Row>
  );
}

export function PaymentLinksPage() {
  const [version, setVersion] = useState(0);
  // A new version (after creating or deactivating) reloads at once instead of at the next tick.
  const load = useCallback((signal: AbortSignal) => fetchPaymentLinks(signal).then((v) => ({ ...v, version })), [version]);
  const { data, error, loading } = useRefreshing(load, 'Something went wrong loading payment links.');
  const [message, setMessage] = useState<string | null>(null);
  const changed = (text: string) => {
    setMessage(text);
    setVersion((v) => v + 1);
  };

  return (
    <Page title="Payment links" subtitle="Sell anywhere with a link: each paid sale becomes an order in your store and reaches your books">
      <Layout>
        {error ? <Layout.Section><LoadError error={error} what="payment links" /></Layout.Section> : null}
        <Layout.Section>
          <BlockStack gap="400">
            <NewPaymentLinkForm onCreated={(link) => changed(`Link created: ${link.url}`)} />
            {message ? <Banner tone="info" onDismiss={() => setMessage(null)}><p>{message}</p></Banner> : null}
            <Card padding="0">
              {data ? (
                <IndexTable
                  resourceName={{ singular: 'payment link', plural: 'payment links' }}
                  itemCount={data.paymentLinks.length}
                  selectable={false}
                  emptyState={<div style={{ padding: 'var(--p-space-400)' }}><Text as="p" tone="subdued">No payment links yet. Make one above and share its address.</Text></div>}
                  headings={[{ title: 'Link' }, { title: 'Sells' }, { title: 'Paid' }, { title: 'Status' }, { title: 'Actions' }]}
                >
                  {data.paymentLinks.map((link, index) => <LinkRow key={link.id} link={link} index={index} onChanged={changed} />)}
                </IndexTable>
              ) : loading ? <div style={{ padding: 'var(--p-space-400)' }}><SkeletonBodyText lines={4} /></div> : null}
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
