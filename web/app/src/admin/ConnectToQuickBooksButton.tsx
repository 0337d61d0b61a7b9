// Intuit's "Connect to QuickBooks" button, as its guidelines ask: their wording, QuickBooks green,
// shown where the merchant manages the connection and hidden once connected ("Disconnect" takes its
// place). A link, not a fetch: the browser goes to Settle, which signs the state and sends it to Intuit.
import { QUICKBOOKS_CONNECT_URL } from './connections-api';

const GREEN = '#2CA01C'; // QuickBooks brand green

export function ConnectToQuickBooksButton() {
  return (
    <a
      href={QUICKBOOKS_CONNECT_URL}
      style={{
        display: 'inline-flex', alignItems: 'center', gap: '0.5rem', background: GREEN, color: '#fff', fontWeight: 600,
        fontSize: '0.875rem', lineHeight: '1.25rem', padding: '0.5rem 1rem', borderRadius: '0.25rem', textDecoration: 'none',
      }}
    >
      <span aria-hidden="true" style={{ display: 'inline-grid', placeItems: 'center', width: '1.25rem', height: '1.25rem', borderRadius: '50%', background: '#fff', color: GREEN, fontSize: '0.7rem', fontWeight: 700 }}>
        qb
      </span>
      Connect to QuickBooks
    </a>
  );
}
