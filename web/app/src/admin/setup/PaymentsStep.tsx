// Step 4: how shoppers may pay and in which currencies. The preflight checks both against the
// Stripe account and the store.
import { useState } from 'react';
import { BlockStack, ChoiceList } from '@shopify/polaris';
import type { SetupChoices } from './setup-api';
import { StepActions } from './StepActions';

const METHODS = [
  { label: 'Cards', value: 'card' },
  { label: 'Apple Pay', value: 'apple_pay' },
  { label: 'Google Pay', value: 'google_pay' },
  { label: 'SEPA Direct Debit (euro bank accounts)', value: 'sepa_debit' },
];
const CURRENCIES = ['USD', 'EUR', 'GBP', 'CAD', 'JPY', 'KWD', 'CHF', 'AUD'].map((c) => ({ label: c, value: c }));

export function PaymentsStep({ choices, onBack, onSave }: { choices: SetupChoices; onBack: () => void; onSave: (choices: SetupChoices) => Promise<void> }) {
  const [methods, setMethods] = useState(choices.paymentMethods);
  const [currencies, setCurrencies] = useState(choices.currencies);
  return (
    <BlockStack gap="400">
      <ChoiceList title="Payment methods" allowMultiple choices={METHODS} selected={methods} onChange={setMethods} />
      <ChoiceList title="Currencies shoppers pay in" allowMultiple choices={CURRENCIES} selected={currencies} onChange={setCurrencies} />
      <StepActions onBack={onBack} onNext={() => onSave({ ...choices, paymentMethods: methods, currencies })} nextDisabled={methods.length === 0 || currencies.length === 0} />
    </BlockStack>
  );
}
