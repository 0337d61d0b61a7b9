// Polaris' Badge doesn't forward data-* attributes, so the test id sits on a
// wrapping span. Badge also renders visually-hidden tone/progress words
// ("Success Complete") for screen readers, so the span's textContent is not just
// the visible label: data-label carries exactly what the merchant sees and
// data-status the raw server state, for tests that want an exact match.
// A null spec renders an em dash ("not applicable").
import { Badge, Text } from '@shopify/polaris';
import type { BadgeSpec } from './status';

interface Props {
  spec: BadgeSpec | null;
  status: string;
  testId: string;
}

export function StatusBadge({ spec, status, testId }: Props) {
  return (
    <span data-testid={testId} data-status={status} data-label={spec ? spec.label : '—'}>
      {spec ? (
        <Badge tone={spec.tone} progress={spec.progress}>
          {spec.label}
        </Badge>
      ) : (
        <Text as="span" tone="subdued">
          <span aria-hidden="true">—</span>
          <Text as="span" visuallyHidden>
            Not applicable
          </Text>
        </Text>
      )}
    </span>
  );
}
