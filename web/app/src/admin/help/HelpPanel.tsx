// A short help panel, closed until asked for: a plain button opens it where the question comes up
// (refunds, disputes, exceptions). The words are in help-text.ts.
import { useId, useState } from 'react';
import { BlockStack, Box, Button, Collapsible, Text } from '@shopify/polaris';
import type { HelpTopic } from './help-text';

export function HelpPanel({ topic }: { topic: HelpTopic }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <BlockStack gap="200">
      <div>
        <Button variant="plain" onClick={() => setOpen((o) => !o)} ariaExpanded={open} ariaControls={id} disclosure={open ? 'up' : 'down'}>
          {topic.toggle}
        </Button>
      </div>
      <Collapsible open={open} id={id} transition={{ duration: '150ms', timingFunction: 'ease-in-out' }}>
        <Box background="bg-surface-secondary" padding="400" borderRadius="200">
          <section aria-label={topic.title}>
            <BlockStack gap="200">
              <Text as="h3" variant="headingSm">{topic.title}</Text>
              {topic.paragraphs.map((p) => <Text as="p" key={p}>{p}</Text>)}
              {topic.points ? (
                <dl style={{ margin: 0 }}>
                  {topic.points.map((point) => (
                    <div key={point.term} style={{ marginBottom: 'var(--p-space-200)' }}>
                      <dt><Text as="span" fontWeight="semibold">{point.term}</Text></dt>
                      <dd style={{ margin: 0 }}><Text as="span">{point.text}</Text></dd>
                    </div>
                  ))}
                </dl>
              ) : null}
            </BlockStack>
          </section>
        </Box>
      </Collapsible>
    </BlockStack>
  );
}
