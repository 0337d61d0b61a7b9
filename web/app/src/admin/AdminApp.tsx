// The admin's screens, Payments, Payouts, Exceptions, Disputes, Reports, Payment links, Books review, Status and Setup, as tabs.
// The choice is kept in the URL's hash (#payouts, #exceptions, #books-review, #status, #setup…) so a reload or a shared link opens the same screen.
import { lazy, Suspense, useState } from 'react';
import { Card, Page, SkeletonBodyText, Tabs } from '@shopify/polaris';
import { PaymentsPage } from './PaymentsPage';
import { PayoutsPage } from './PayoutsPage';
import { DisputesPage } from './DisputesPage';
import { ExceptionsPage } from './ExceptionsPage';
import { StoreConnectionPage } from './StoreConnectionPage';
import { AlertsBanner } from './alerts/AlertsBanner';
import { useSetupNeeded } from './setup/useSetupNeeded';
// The charts library is most of the admin's weight: loaded only when Reports is opened.
const ReportsPage = lazy(() => import('./ReportsPage').then((m) => ({ default: m.ReportsPage })));
// Opened by few merchants and seldom: kept out of the first load too.
const PaymentLinksPage = lazy(() => import('./PaymentLinksPage').then((m) => ({ default: m.PaymentLinksPage })));
const StatusPage = lazy(() => import('./status/StatusPage').then((m) => ({ default: m.StatusPage })));
// The bookkeeper's review queue (#books-review): approvals, refusals, rules, sync log and undo.
const ReviewQueuePage = lazy(() => import('./books/ReviewQueuePage').then((m) => ({ default: m.ReviewQueuePage })));
// Guided setup: the whole admin until setup is done (unless the merchant leaves it), then a tab to come back to it.
const SetupWizard = lazy(() => import('./setup/SetupWizard').then((m) => ({ default: m.SetupWizard })));
const SetupPage = () => <SetupWizard />;

const TABS = [
  { id: 'payments', content: 'Payments', panelID: 'payments-panel' },
  { id: 'payouts', content: 'Payouts', panelID: 'payouts-panel' },
  { id: 'exceptions', content: 'Exceptions', panelID: 'exceptions-panel' },
  { id: 'disputes', content: 'Disputes', panelID: 'disputes-panel' },
  { id: 'reports', content: 'Reports', panelID: 'reports-panel' },
  { id: 'payment-links', content: 'Payment links', panelID: 'payment-links-panel' },
  { id: 'woocommerce', content: 'WooCommerce', panelID: 'woocommerce-panel' },
  { id: 'books-review', content: 'Books review', panelID: 'books-review-panel' },
  { id: 'status', content: 'Status', panelID: 'status-panel' },
  { id: 'setup', content: 'Setup', panelID: 'setup-panel' },
];
const PAGES = [PaymentsPage, PayoutsPage, ExceptionsPage, DisputesPage, ReportsPage, PaymentLinksPage, StoreConnectionPage, ReviewQueuePage, StatusPage, SetupPage];

export function AdminApp() {
  const [selected, setSelected] = useState(() => Math.max(0, TABS.findIndex((t) => `#${t.id}` === window.location.hash)));
  const select = (index: number) => {
    setSelected(index);
    const { pathname, search } = window.location;
    window.history.replaceState(null, '', index === 0 ? `${pathname}${search}` : `#${TABS[index]!.id}`);
  };
  const tab = TABS[selected]!;
  const Screen = PAGES[selected]!;
  const setupNeeded = useSetupNeeded();
  const [leftSetup, setLeftSetup] = useState(false);
  if (setupNeeded && !leftSetup && tab.id !== 'setup') {
    return (
      <Suspense fallback={<Page title="Set up Settle"><Card><SkeletonBodyText lines={6} /></Card></Page>}>
        <SetupWizard onLeave={() => setLeftSetup(true)} />
      </Suspense>
    );
  }

  return (
    <>
      <AlertsBanner />
      {/* Lined up with the Page below it (Polaris' default page width and padding). */}
      <div style={{ maxWidth: '62.375rem', margin: '0 auto', padding: 'var(--p-space-400) var(--p-space-400) 0' }}>
        <Tabs tabs={TABS} selected={selected} onSelect={select} />
      </div>
      <div id={tab.panelID} role="tabpanel" aria-labelledby={tab.id}>
        <Suspense
          fallback={
            <Page title={tab.content}>
              <Card>
                <SkeletonBodyText lines={6} />
              </Card>
            </Page>
          }
        >
          <Screen />
        </Suspense>
      </div>
    </>
  );
}
