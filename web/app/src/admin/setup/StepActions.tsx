// The Back / Continue buttons under every step. Continue saves first, so leaving and coming back
// finds the merchant where they were; a refusal is shown and the step stays.
import { useState } from 'react';
import { Banner, BlockStack, Button, InlineStack } from '@shopify/polaris';

export function StepActions({ onBack, onNext, nextLabel = 'Continue', nextDisabled = false }: {
  onBack?: () => void | Promise<void>; onNext?: () => Promise<void>; nextLabel?: string; nextDisabled?: boolean;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const next = async () => {
    setBusy(true);
    setError(null);
    try {
      await onNext?.();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <BlockStack gap="200">
      {error ? <Banner tone="critical">{error}</Banner> : null}
      <InlineStack gap="200" align="end">
        {onBack ? <Button onClick={() => void onBack()}>Back</Button> : null}
        {onNext ? <Button variant="primary" onClick={() => void next()} loading={busy} disabled={nextDisabled}>{nextLabel}</Button> : null}
      </InlineStack>
    </BlockStack>
  );
}
