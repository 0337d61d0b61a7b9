// The admin as Shopify admin shows it: its screens in Shopify's app navigation and title bar
// (App Bridge React), the same Polaris screens inside. Links keep the shop and host Shopify gave.
import { NavMenu, TitleBar, useAppBridge } from '@shopify/app-bridge-react';
import { AdminApp } from '../AdminApp';

const SCREENS = [
  { hash: '', label: 'Payments' },
  { hash: '#payouts', label: 'Payouts' },
  { hash: '#exceptions', label: 'Exceptions' },
  { hash: '#disputes', label: 'Disputes' },
  { hash: '#reports', label: 'Reports' },
];

export function EmbeddedAdmin() {
  const shopify = useAppBridge();
  const query = new URLSearchParams({ shop: shopify.config.shop ?? '', host: shopify.config.host ?? '', embedded: '1' });
  return (
    <>
      <NavMenu>
        {SCREENS.map((s) => (
          <a key={s.label} href={`/admin?${query.toString()}${s.hash}`} rel={s.hash ? undefined : 'home'}>
            {s.label}
          </a>
        ))}
      </NavMenu>
      <TitleBar title="Payments and books" />
      <AdminApp />
    </>
  );
}
