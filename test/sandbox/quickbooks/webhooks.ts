// Intuit's webhooks: each change to a company's entities is POSTed to the app's webhook URL, signed
// with `intuit-signature` = base64(HMAC-SHA256(verifier token, raw body)) (webhooks/intuit-signature
// .test-vectors.json), in the legacy eventNotifications format or as CloudEvents (an array of
// {specversion, id, source, type "qbo.<entity>.<created|updated|deleted|voided>.v1", time,
// intuitentityid, intuitaccountid, data}; cloudevents.dotnet-sdk-test.json). One attempt per change;
// the sandbox keeps each delivery's answer for tests to read.
import { createHmac, randomUUID } from 'node:crypto';
import type { Operation } from './books';
import type { Company, SandboxStore } from './store';

export interface Delivery {
  url: string;
  body: string;
  status: number;
}

const PAST: Record<Operation, string> = { Create: 'created', Update: 'updated', Delete: 'deleted', Void: 'voided' };

export const intuitSignature = (verifierToken: string, rawBody: string): string =>
  createHmac('sha256', verifierToken).update(rawBody, 'utf8').digest('base64');

export function webhookBody(format: 'legacy' | 'cloudevents', company: Company, entityName: string, id: string, operation: Operation, at: string): string {
  if (format === 'legacy') {
    const entity = { name: entityName, id, operation, lastUpdated: at, ...(operation === 'Delete' ? { deletedId: id } : {}) };
    return JSON.stringify({ eventNotifications: [{ realmId: company.realmId, dataChangeEvent: { entities: [entity] } }] });
  }
  return JSON.stringify([{
    specversion: '1.0',
    id: randomUUID(),
    source: `intuit.${company.clientId}`,
    type: `qbo.${entityName.toLowerCase()}.${PAST[operation]}.v1`,
    datacontenttype: 'application/json',
    time: at,
    intuitentityid: id,
    intuitaccountid: company.realmId,
    data: {},
  }]);
}

export class WebhookSender {
  readonly deliveries: Delivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly store: SandboxStore) {}

  send(company: Company, entityName: string, id: string, operation: Operation, at: string): void {
    const sub = this.store.webhooks.get(company.clientId);
    if (!sub?.enabled) return;
    const body = webhookBody(sub.format, company, entityName, id, operation, at);
    const p = fetch(sub.url, { method: 'POST', headers: { 'content-type': 'application/json', 'intuit-signature': intuitSignature(sub.verifierToken, body) }, body })
      .then((r) => void this.deliveries.push({ url: sub.url, body, status: r.status }))
      .catch(() => void this.deliveries.push({ url: sub.url, body, status: 0 }));
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /** Deliveries once every send started so far has had its answer. */
  async settled(): Promise<Delivery[]> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
    return this.deliveries;
  }
}
