// The admin's screens, Payments, Payouts and Disputes, as tabs. The choice is kept in the URL's
// hash (#payouts, #disputes) so a reload or a shared link opens the same screen.
import { useState } from 'react';
import { Tabs } from '@shopify/polaris';
import { PaymentsPage } from './PaymentsPage';
import { PayoutsPage } from './PayoutsPage';
import { DisputesPage } from './DisputesPage';

const TABS = [
  { id: 'payments', content: 'Payments', panelID: 'payments-panel' },
  { id: 'payouts', content: 'Payouts', panelID: 'payouts-panel' },
  { id: 'disputes', content: 'Disputes', panelID: 'disputes-panel' },
];
const HASHES = ['', '#payouts', '#disputes'];
const PAGES = [PaymentsPage, PayoutsPage, DisputesPage];

export function AdminApp() {
  const [selected, setSelected] = useState(() => Math.max(0, HASHES.indexOf(window.location.hash)));
  const select = (index: number) => {
    setSelected(index);
    const { pathname, search } = window.location;
    window.history.replaceState(null, '', HASHES[index] || `${pathname}${search}`);
  };
  const tab = TABS[selected]!;
  const Screen = PAGES[selected]!;

  return (
    <>
      {/* Lined up with the Page below it (Polaris' default page width and padding). */}
      <div style={{ maxWidth: '62.375rem', margin: '0 auto', padding: 'var(--p-space-400) var(--p-space-400) 0' }}>
        <Tabs tabs={TABS} selected={selected} onSelect={select} />
      </div>
      <div id={tab.panelID} role="tabpanel" aria-labelledby={tab.id}>
        <Screen />
      </div>
    </>
  );
}
