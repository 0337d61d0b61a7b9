// Tells the merchant, above their payments, when Settle can no longer reach their Stripe account
// (access removed in Stripe, or disconnected here), since new payments are refused until they
// connect again; the button takes them to Stripe's consent page.
import { useState } from 'react';
import { Banner, Layout } from '@shopify/polaris';
import { fetchConnections, stripeConsentLink } from './connections-api';
import { useRefreshing } from './useRefreshing';

const WHY: Record<string, string> = {
  revoked: 'Settle was removed from your Stripe account in Stripe, so new payments are refused.',
  disconnected: 'You disconnected Stripe from Settle, so new payments are refused.',
};

export function StripeAccessBanner() {
  const { data } = useRefreshing(fetchConnections, 'Something went wrong loading your connections.');
  const [starting, setStarting] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const stripe = data?.connections.find((c) => c.platform === 'stripe');
  if (!stripe || stripe.status === 'active') return null;

  const reconnect = async () => {
    setStarting(true);
    setProblem(null);
    try {
      window.location.assign(await stripeConsentLink());
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
      setStarting(false);
    }
  };
  return (
    <Layout.Section>
      <Banner
        tone="critical"
        title="Settle can no longer reach your Stripe account"
        action={{ content: 'Connect Stripe again', onAction: () => void reconnect(), loading: starting }}
      >
        <p>{WHY[stripe.status] ?? `Your Stripe connection is ${stripe.status}.`}</p>
        {problem ? <p>{problem}</p> : null}
      </Banner>
    </Layout.Section>
  );
}
