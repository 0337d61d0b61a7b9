// Admin entry: Polaris needs its CSS and an AppProvider with translations; AdminApp holds the tabs.
import '@shopify/polaris/build/esm/styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppProvider } from '@shopify/polaris';
import en from '@shopify/polaris/locales/en.json';
import { AdminApp } from './AdminApp';
import { EmbeddedAdmin } from './shopify/EmbeddedAdmin';
import { sendSessionTokens, shopifyAppBridge } from './shopify/session-tokens';

const root = document.getElementById('root');
if (!root) throw new Error('admin.html is missing #root');

// Opened by Shopify admin (App Bridge loaded): API calls carry session tokens, not the cookie.
const shopify = shopifyAppBridge();
if (shopify) sendSessionTokens(shopify);

createRoot(root).render(
  <StrictMode>
    <AppProvider i18n={en}>
      {shopify ? <EmbeddedAdmin /> : <AdminApp />}
    </AppProvider>
  </StrictMode>,
);
