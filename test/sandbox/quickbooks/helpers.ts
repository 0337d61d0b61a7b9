// Test helpers: a node-quickbooks client pointed at the sandbox, promisified.
import QuickBooks from 'node-quickbooks';
import type { QuickBooksSandbox, SandboxCompany } from './index';

type Cb = (err: unknown, data?: unknown) => void;

export interface Connected {
  qbo: QuickBooks;
  company: SandboxCompany;
  app: { client_id: string; client_secret: string };
  /** Calls a callback-style node-quickbooks method and resolves with its data. */
  call<T = Record<string, unknown>>(method: keyof QuickBooks, ...args: unknown[]): Promise<T>;
  /** Same, but resolves with the error (a fault body) and fails if the call succeeded. */
  fault(method: keyof QuickBooks, ...args: unknown[]): Promise<FaultBody>;
}

export interface FaultBody {
  Fault: { Error: { Message: string; Detail: string; code: string; element?: string }[]; type: string };
}

export async function connect(sandbox: QuickBooksSandbox): Promise<Connected> {
  // Static configuration, exactly what Settle sets.
  QuickBooks.V3_ENDPOINT_BASE_URL = sandbox.apiBaseUrl;
  QuickBooks.TOKEN_URL = sandbox.tokenUrl;
  const app = await sandbox.createApp();
  const company = await sandbox.createCompany({ client_id: app.client_id, company_name: 'Test shop' });
  const qbo = new QuickBooks(app.client_id, app.client_secret, company.access_token, false, company.realm_id, true, false, '75', '2.0', company.refresh_token);
  const invoke = (method: keyof QuickBooks, args: unknown[]): Promise<{ err: unknown; data: unknown }> =>
    new Promise((resolve) => {
      const fn = qbo[method] as unknown as (...a: unknown[]) => void;
      fn.call(qbo, ...args, ((err, data) => resolve({ err, data })) as Cb);
    });
  return {
    qbo,
    company,
    app,
    async call<T>(method: keyof QuickBooks, ...args: unknown[]) {
      const { err, data } = await invoke(method, args);
      if (err) throw new Error(`${String(method)} failed: ${JSON.stringify((err as { response?: { data?: unknown } }).response?.data ?? err)}`);
      return data as T;
    },
    async fault(method: keyof QuickBooks, ...args: unknown[]) {
      const { err } = await invoke(method, args);
      if (!err) throw new Error(`${String(method)} unexpectedly succeeded`);
      // node-quickbooks passes an axios error for HTTP >= 400; the body is on response.data.
      const body = (err as { response?: { data?: unknown } }).response?.data ?? err;
      return body as FaultBody;
    },
  };
}
