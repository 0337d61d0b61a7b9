/**
 * What the ledger benchmark posts and how it checks the result: realistic sale movements (with the
 * tally of what each should add to the books), a query-counting transaction, CPU readings, and the
 * checks run on the database once the posters have stopped.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { Database, Queryable } from '../../core/storage/database';
import type { AccountRole } from '../../core/ledger/accounts';
import type { MovementContext } from '../../core/ledger/entries';
import { insertPayment, type Payment } from '../../core/payments/payments';
import type { BalanceMovement } from '../../core/payments/processor';
import type { StoreOrder } from '../../core/stores/store';
import { money, type Money } from '../../core/money';

export interface Sale {
  movement: BalanceMovement;
  context: MovementContext;
  /** What the entry adds to each account (signed, debit positive), by currency then role. */
  postings: { role: AccountRole; amount: Money }[];
}

/** A small deterministic generator (mulberry32), so every run posts the same mix. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Settle payments the sales taken through Settle point at (ledger_entries.payment_id references them). */
export async function createPayments(db: Database, merchantId: string, tag: string, count: number): Promise<Payment[]> {
  const payments: Payment[] = [];
  for (let i = 0; i < count; i++) {
    const currency = i % 10 === 9 ? 'EUR' : 'USD';
    payments.push(
      await db.transaction((tx) =>
        insertPayment(tx, {
          id: `pay_bench_${tag}_${i}`, merchantId, storePlatform: 'woocommerce', orderId: String(10_000 + i), orderNumber: String(10_000 + i),
          amount: money(1000, currency), processorRef: `pi_bench_${tag}_${i}`,
        }),
      ),
    );
  }
  return payments;
}

/**
 * Sales as Stripe reports their balance transactions: gross, Stripe's fee (2.9 % + 30, 1.5 % + 25
 * in EUR) and net. Six in ten were taken through Settle: they carry the payment and the store's
 * order, and those with shipping or tax split the gross three ways (5 postings); the rest were taken
 * in Stripe itself and credit income alone (3 postings). One in ten settles in EUR.
 */
export function saleSource(tag: string, payments: Payment[]): () => Sale {
  const next = random(0x5e771e);
  let i = 0;
  return () => {
    i += 1;
    const viaSettle = next() < 0.6;
    const payment = viaSettle ? payments[i % payments.length]! : undefined;
    const currency = payment?.amount.currency ?? (next() < 0.1 ? 'EUR' : 'USD');
    const gross = 500 + Math.floor(next() * 49_500);
    const fee = currency === 'EUR' ? Math.round(gross * 0.015) + 25 : Math.round(gross * 0.029) + 30;
    const shipping = viaSettle && next() < 0.7 ? Math.min(995, Math.floor(gross / 10)) : 0;
    const tax = viaSettle && next() < 0.8 ? Math.round(((gross - shipping) * 8) / 108) : 0;
    const occurredAt = new Date(Date.UTC(2026, 0, 1) + i * 1000);
    const id = `txn_bench_${tag}_${i}`;
    const movement: BalanceMovement = {
      id, category: 'charge', amount: money(gross, currency), fee: money(fee, currency), net: money(gross - fee, currency),
      feeDetails: [{ type: 'stripe_fee', description: 'Stripe processing fees', amount: money(fee, currency) }],
      exchangeRate: null, sourceId: `ch_bench_${tag}_${i}`, paymentRef: payment?.processorRef ?? null,
      occurredAt, availableOn: new Date(occurredAt.getTime() + 2 * 86_400_000), description: payment ? `Order #${payment.orderNumber}` : null,
    };
    const order: StoreOrder | undefined = payment && {
      id: payment.orderId, number: payment.orderNumber, status: 'processing', needsPayment: false,
      total: money(gross, currency), itemsTotal: money(gross - shipping - tax, currency), shippingTotal: money(shipping, currency), taxTotal: money(tax, currency),
      lines: [{ name: 'Trail shoe', sku: 'TS-1', quantity: 1, total: money(gross - shipping - tax, currency) }],
      customer: { email: 'shopper@example.com', name: 'A Shopper' },
    };
    const postings = [
      { role: 'stripe_clearing' as const, amount: money(gross - fee, currency) },
      { role: 'processing_fees' as const, amount: money(fee, currency) },
      { role: 'income' as const, amount: money(-(gross - shipping - tax), currency) },
      { role: 'shipping_income' as const, amount: money(-shipping, currency) },
      { role: 'sales_tax_payable' as const, amount: money(-tax, currency) },
    ].filter((p) => p.amount.amount !== 0);
    return { movement, context: { payment, order }, postings };
  };
}

/** What the posters got committed: the checks compare the database with it. */
export class Tally {
  entries = 0;
  postings = 0;
  readonly byAccount = new Map<string, number>(); // "USD income" → signed sum

  add(sale: Sale): void {
    this.entries += 1;
    this.postings += sale.postings.length;
    for (const p of sale.postings) {
      const key = `${p.amount.currency} ${p.role}`;
      this.byAccount.set(key, (this.byAccount.get(key) ?? 0) + p.amount.amount);
    }
  }
}

/** The transaction handle, counting the statements sent through it (the round trips of one entry). */
export function counting(tx: Queryable, counter: { queries: number }): Queryable {
  return {
    query: (sql, params, options) => {
      counter.queries += 1;
      return tx.query(sql, params, options);
    },
  };
}

/** CPU time (user + system) of processes, from /proc on Linux; 0 for one that is gone or unreadable. */
export function processesCpuMs(pids: number[]): Map<number, number> {
  const result = new Map<number, number>();
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      result.set(pid, (Number(fields[11]) + Number(fields[12])) * 10); // clock ticks of 10 ms (USER_HZ is 100)
    } catch {
      result.set(pid, 0);
    }
  }
  return result;
}

/** CPU time of the whole machine so far, in ms: busy, and busy + idle. */
export function machineCpuMs(): { busy: number; all: number } {
  return cpus().reduce(
    (t, { times }) => ({ busy: t.busy + times.user + times.nice + times.sys + times.irq, all: t.all + times.user + times.nice + times.sys + times.irq + times.idle }),
    { busy: 0, all: 0 },
  );
}

/** How busy the CPUs are with other work, in percent, sampled while the benchmark itself is idle. */
export async function otherCpuBusyPercent(sampleMs = 1000): Promise<number> {
  const before = machineCpuMs();
  await new Promise((r) => setTimeout(r, sampleMs));
  const after = machineCpuMs();
  return Math.round((100 * (after.busy - before.busy)) / Math.max(1, after.all - before.all));
}

export interface Verification {
  passed: boolean;
  lines: string[];
}

/**
 * Reads the books back and compares them with what the posters got committed: as many entries,
 * movements and postings; no entry whose postings do not sum to zero per currency; a trial balance
 * that sums to zero per currency; each account's balance as the tally has it.
 */
export async function verifyBooks(db: Queryable, merchantId: string, tally: Tally): Promise<Verification> {
  const [counts] = await db.query<{ entries: number; postings: number; movements: number; unbalanced: number; empty: number; unmatched: number }>(
    `SELECT (SELECT count(*) FROM ledger_entries WHERE merchant_id = $1)::int AS entries,
            (SELECT count(*) FROM ledger_postings p JOIN ledger_entries e ON e.id = p.entry_id WHERE e.merchant_id = $1)::int AS postings,
            (SELECT count(*) FROM balance_movements WHERE merchant_id = $1)::int AS movements,
            (SELECT count(*) FROM (SELECT p.entry_id FROM ledger_postings p GROUP BY p.entry_id, p.currency HAVING sum(p.amount) <> 0) u)::int AS unbalanced,
            (SELECT count(*) FROM ledger_entries e WHERE e.merchant_id = $1 AND NOT EXISTS (SELECT 1 FROM ledger_postings p WHERE p.entry_id = e.id))::int AS empty,
            (SELECT count(*) FROM balance_movements m LEFT JOIN ledger_entries e ON e.id = m.entry_id AND e.source_ref = 'stripe:' || m.id
              WHERE m.merchant_id = $1 AND e.id IS NULL)::int AS unmatched`,
    [merchantId],
  );
  const trial = await db.query<{ currency: string; total: number }>(
    'SELECT p.currency, sum(p.amount)::bigint AS total FROM ledger_postings p GROUP BY p.currency ORDER BY p.currency',
  );
  const accounts = await db.query<{ currency: string; account_role: string; total: number }>(
    `SELECT p.currency, p.account_role, sum(p.amount)::bigint AS total FROM ledger_postings p JOIN ledger_entries e ON e.id = p.entry_id
      WHERE e.merchant_id = $1 GROUP BY p.currency, p.account_role`,
    [merchantId],
  );
  const c = counts!;
  const mismatched = [...new Set([...tally.byAccount.keys(), ...accounts.map((a) => `${a.currency} ${a.account_role}`)])].filter(
    (key) => (tally.byAccount.get(key) ?? 0) !== (accounts.find((a) => `${a.currency} ${a.account_role}` === key)?.total ?? 0),
  );
  const checks: [boolean, string][] = [
    [c.entries === tally.entries, `${c.entries} entries (${tally.entries} committed)`],
    [c.movements === tally.entries && c.unmatched === 0, `${c.movements} balance movements, each beside its entry`],
    [c.postings === tally.postings, `${c.postings} postings (${tally.postings} expected, ${(c.postings / Math.max(1, c.entries)).toFixed(2)} per entry)`],
    [c.unbalanced === 0 && c.empty === 0, `${c.unbalanced} entries whose postings do not sum to zero, ${c.empty} without postings`],
    [trial.every((t) => t.total === 0), `trial balance ${trial.map((t) => `${t.currency} ${t.total}`).join(', ')}`],
    [mismatched.length === 0, mismatched.length === 0 ? 'every account balance as committed' : `accounts differing: ${mismatched.join(', ')}`],
  ];
  return { passed: checks.every(([ok]) => ok), lines: checks.map(([ok, text]) => `${ok ? 'ok' : 'FAILED'}: ${text}`) };
}
