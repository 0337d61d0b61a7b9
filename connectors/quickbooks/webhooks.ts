import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** One change Intuit tells Settle about, whichever format carried it. */
export interface QuickBooksChangeNotice {
  /** Unique per change: the CloudEvent's id, or built from the legacy entity's fields. */
  eventId: string;
  realmId: string;
  entity: string;
  id: string;
  operation: 'Create' | 'Update' | 'Delete' | 'Void' | 'Merge' | 'Emailed' | (string & {});
  at: string;
}

/** `intuit-signature`: base64 HMAC-SHA256 of the raw body with the app's verifier token. */
export function verifyIntuitSignature(rawBody: Buffer, signature: string | undefined, verifierToken: string): boolean {
  if (!signature) return false;
  const expected = createHmac('sha256', verifierToken).update(rawBody).digest();
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const legacy = z.object({
  eventNotifications: z.array(z.object({
    realmId: z.string().min(1),
    dataChangeEvent: z.object({
      entities: z.array(z.object({ name: z.string().min(1), id: z.string().min(1), operation: z.string().min(1), lastUpdated: z.string().default(''), deletedId: z.string().optional() })),
    }),
  })),
});
const cloudEvents = z.array(z.object({
  specversion: z.string(),
  id: z.string().min(1),
  type: z.string().regex(/^qbo\.[a-z]+\.[a-z]+\.v\d+$/),
  time: z.string().default(''),
  intuitentityid: z.string().min(1),
  intuitaccountid: z.string().min(1).optional(),
  realmid: z.string().min(1).optional(),
}));

// CloudEvents name entities in lower case ("qbo.salesreceipt.updated.v1"); the API spells them so.
const ENTITY: Record<string, string> = {
  salesreceipt: 'SalesReceipt', refundreceipt: 'RefundReceipt', purchase: 'Purchase', transfer: 'Transfer', journalentry: 'JournalEntry',
  deposit: 'Deposit', invoice: 'Invoice', payment: 'Payment', account: 'Account', customer: 'Customer', item: 'Item', vendor: 'Vendor', bill: 'Bill', class: 'Class',
};
const OPERATION: Record<string, string> = { created: 'Create', updated: 'Update', deleted: 'Delete', voided: 'Void', merged: 'Merge', emailed: 'Emailed' };

/**
 * The changes in a webhook body: the legacy `eventNotifications` or the CloudEvents array. Anything
 * else is undefined (refused with a 400).
 */
export function parseQuickBooksWebhook(body: unknown): QuickBooksChangeNotice[] | undefined {
  const old = legacy.safeParse(body);
  if (old.success) {
    return old.data.eventNotifications.flatMap((n) => n.dataChangeEvent.entities.map((e) => ({
      eventId: `${n.realmId}.${e.name}.${e.id}.${e.operation}.${e.lastUpdated}`, realmId: n.realmId, entity: e.name, id: e.id, operation: e.operation, at: e.lastUpdated,
    })));
  }
  const events = cloudEvents.safeParse(body);
  if (!events.success) return undefined;
  const notices: QuickBooksChangeNotice[] = [];
  for (const e of events.data) {
    const realmId = e.intuitaccountid ?? e.realmid;
    if (!realmId) return undefined;
    const [, entity = '', happened = ''] = e.type.split('.');
    notices.push({ eventId: e.id, realmId, entity: ENTITY[entity] ?? entity, id: e.intuitentityid, operation: OPERATION[happened] ?? happened, at: e.time });
  }
  return notices;
}
