// Intuit's webhook bodies as Intuit's own SDK tests carry them (../shared/contracts/quickbooks/webhooks),
// and the official intuit-signature test vectors.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseQuickBooksWebhook, verifyIntuitSignature } from './webhooks';

const contract = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../shared/contracts/quickbooks/webhooks/${name}`, import.meta.url), 'utf8'));

describe('Intuit webhooks', () => {
  it('verifies the official signature test vectors and refuses a changed body or another token', () => {
    const { vectors } = contract('intuit-signature.test-vectors.json') as { vectors: { verifierToken: string; rawBody: string; intuitSignature: string }[] };
    for (const v of vectors) {
      expect(verifyIntuitSignature(Buffer.from(v.rawBody), v.intuitSignature, v.verifierToken)).toBe(true);
      expect(verifyIntuitSignature(Buffer.from(v.rawBody.replace('Create', 'Delete')), v.intuitSignature, v.verifierToken)).toBe(false);
      expect(verifyIntuitSignature(Buffer.from(v.rawBody), v.intuitSignature, `${v.verifierToken}x`)).toBe(false);
      expect(verifyIntuitSignature(Buffer.from(v.rawBody), undefined, v.verifierToken)).toBe(false);
    }
  });

  it('reads the legacy eventNotifications payload', () => {
    expect(parseQuickBooksWebhook(contract('legacy-eventNotifications.dotnet-sdk-test.json'))).toEqual([
      { eventId: '1269959970.Vendor.40.Update.2016-10-05T03:09:04.000Z', realmId: '1269959970', entity: 'Vendor', id: '40', operation: 'Update', at: '2016-10-05T03:09:04.000Z' },
      { eventId: '1269959970.Customer.43.Create.2016-10-05T03:07:04.000Z', realmId: '1269959970', entity: 'Customer', id: '43', operation: 'Create', at: '2016-10-05T03:07:04.000Z' },
    ]);
  });

  it('reads the CloudEvents payload', () => {
    expect(parseQuickBooksWebhook(contract('cloudevents.dotnet-sdk-test.json'))).toEqual([
      { eventId: 'd1a3aedd-9670-41bf-a4f9-c148a1cc4e03', realmId: '310687', entity: 'Class', id: '1234', operation: 'Create', at: '2025-10-07T19:59:07.034359333Z' },
    ]);
  });

  it('refuses anything else', () => {
    const noRealm = [{ specversion: '1.0', id: 'x', type: 'qbo.invoice.updated.v1', intuitentityid: '1' }];
    for (const body of [{}, noRealm, { eventNotifications: [{ realmId: '1' }] }, 'text', null]) expect(parseQuickBooksWebhook(body)).toBeUndefined();
  });
});
