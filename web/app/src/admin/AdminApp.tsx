// The admin's screens, Payments, Payouts and Exceptions, as tabs. The choice is kept in the URL's
// hash (#payouts, #exceptions) so a reload or a shared link opens the same screen.
import { useState } from 'react';
import { Tabs } from '@shopify/polaris';
import { PaymentsPage } from './PaymentsPage';
import { PayoutsPage } from './PayoutsPage';
import { ExceptionsPage } from './ExceptionsPage';

const TABS = [
  { id: 'payments', content: 'Payments', panelID: 'payments-panel' },
  { id: 'payouts', content: 'Payouts', panelID: 'payouts-panel' },
  { id: 'exceptions', content: 'Exceptions', panelID: 'exceptions-panel' },
];
const PAYOUTS = 1;
const EXCEPTIONS = 2;
const HASHES: Record<number, string> = { [PAYOUTS]: '#payouts', [EXCEPTIONS]: '#exceptions' };

export function AdminApp() {
  const [selected, setSelected] = useState(() => {
    const found = Object.entries(HASHES).find(([, hash]) => hash === window.location.hash);
    return found ? Number(found[0]) : 0;
  });
  const select = (index: number) => {
    setSelected(index);
    const { pathname, search } = window.location;
    window.history.replaceState(null, '', HASHES[index] ?? `${pathname}${search}`);
  };
  const tab = TABS[selected]!;

  return (
    <>
      {/* Lined up with the Page below it (Polaris' default page width and padding). */}
      <div style={{ maxWidth: '62.375rem', margin: '0 auto', padding: 'var(--p-space-400) var(--p-space-400) 0' }}>
        <Tabs tabs={TABS} selected={selected} onSelect={select} />
      </div>
      <div id={tab.panelID} role="tabpanel" aria-labelledby={tab.id}>
        {selected === PAYOUTS ? <PayoutsPage /> : selected === EXCEPTIONS ? <ExceptionsPage /> : <PaymentsPage />}
      </div>
    </>
  );
}
