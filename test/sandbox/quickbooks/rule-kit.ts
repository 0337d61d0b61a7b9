// Helpers every per-entity rule uses: references that must exist (2500), required fields
// (2020), amounts as integer cents with at most 2 decimals (2040), unique names (6240),
// transaction defaults and line numbering.
import { faults } from './faults';
import { centsToNumber, parseCents } from './money';
import type { Company, Entity, SandboxStore } from './store';

export type Obj = Record<string, unknown>;
/** A debit (positive) or credit (negative) of cents to an account. */
export interface Posting {
  accountId: string;
  debit: number;
}

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

export class RuleKit {
  constructor(readonly store: SandboxStore) {}

  /** The Id `entity[field]` refers to, after checking that `target` has it. */
  refId(company: Company, entity: Obj, field: string, target: string, required: boolean, path = field): string | undefined {
    const ref = entity[field];
    if (!present(ref)) {
      if (required) throw faults.required(path);
      return undefined;
    }
    const id = isObj(ref) ? ref.value : undefined;
    if (typeof id !== 'string' && typeof id !== 'number') throw faults.invalidRef(path, JSON.stringify(ref));
    const referenced = this.store.table(company, target).get(String(id));
    if (!referenced) throw faults.invalidRef(path, id);
    if (referenced.Active === false) throw faults.inactiveRef(path);
    return String(id);
  }

  cents(entity: Obj, field: string, path = field, required = true): number {
    const v = entity[field];
    if (!present(v)) {
      if (required) throw faults.required(path);
      return 0;
    }
    // QuickBooks would round a third decimal; Settle must never send one, so refuse it.
    const c = parseCents(v);
    if (c === undefined) throw faults.amount(path, v);
    return c;
  }

  uniqueName(company: Company, entityName: string, field: string, value: string, selfId?: string): void {
    const lower = value.trim().toLowerCase();
    for (const e of this.store.table(company, entityName).values()) {
      if (e.Id !== selfId && String(e[field] ?? '').trim().toLowerCase() === lower) throw faults.duplicateName(value, e.Id);
    }
  }

  account(company: Company, id: string): Entity | undefined {
    return this.store.table(company, 'Account').get(id);
  }

  txnDefaults(company: Company, e: Obj): void {
    e.TxnDate ??= new Date(this.store.now()).toISOString().slice(0, 10);
    e.CurrencyRef ??= { value: company.homeCurrency };
  }

  /** The request's lines without the subtotal line QuickBooks computes itself. */
  lines(e: Obj): Obj[] {
    const lines = Array.isArray(e.Line) ? e.Line.filter(isObj) : [];
    const real = lines.filter((l) => l.DetailType !== 'SubTotalLineDetail');
    if (real.length === 0) throw faults.required('Line');
    return real;
  }

  /** Numbers the lines as QuickBooks does (sales forms: Id "1".. with LineNum; journal
   * entries: Id "0".. without LineNum), adds the subtotal line if asked, sets TotalAmt. */
  finishLines(e: Obj, lines: Obj[], total: number, opts: { subtotal: boolean; firstId?: number; lineNum?: boolean }): void {
    const first = opts.firstId ?? 1;
    lines.forEach((l, i) => {
      l.Id = String(i + first);
      if (opts.lineNum !== false) l.LineNum = i + 1;
    });
    const out: Obj[] = [...lines];
    if (opts.subtotal) out.push({ Amount: centsToNumber(total), DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} });
    e.Line = out;
    e.TotalAmt = centsToNumber(total);
  }
}
