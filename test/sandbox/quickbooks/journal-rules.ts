// JournalEntry rules (Intuit's JournalEntry reference, "Business Rules"): every
// JournalEntryLineDetail line needs a PostingType and an AccountRef; the debit total must
// equal the credit total; an Accounts Receivable line needs a Customer in Entity and an
// Accounts Payable line a Vendor (the sandbox has no Vendor list, so A/P lines are refused).
// Those refusals use fault 6000 with the reference's rule text as Detail; that QuickBooks
// words the Detail exactly so is not confirmed. The unbalanced-entry fault: see faults.ts.
// Lines are numbered "0", "1", ... without LineNum, as Intuit's response samples show.
import { faults } from './faults';
import { centsToNumber } from './money';
import { isObj, present, type Obj, type Posting, type RuleKit } from './rule-kit';
import type { Company } from './store';

export function journalEntry(kit: RuleKit, company: Company, e: Obj): Posting[] {
  const lines = kit.lines(e);
  const postings: Posting[] = [];
  let debits = 0;
  let credits = 0;
  lines.forEach((line, i) => {
    const p = `Line[${i}]`;
    if (line.DetailType === 'DescriptionOnly') return;
    if (line.DetailType !== 'JournalEntryLineDetail') {
      if (!present(line.DetailType)) throw faults.required(`${p}.DetailType`);
      throw faults.invalid(`${p}.DetailType`, `Unsupported DetailType for JournalEntry: ${String(line.DetailType)}`);
    }
    const amount = kit.cents(line, 'Amount', `${p}.Amount`);
    // Sandbox choice (not confirmed against QuickBooks): a negative line would flip its
    // posting side silently, so it is refused like any other invalid amount.
    if (amount < 0) throw faults.amount(`${p}.Amount`, line.Amount);
    line.Amount = centsToNumber(amount);
    const d = line.JournalEntryLineDetail;
    if (!isObj(d)) throw faults.required(`${p}.JournalEntryLineDetail`);
    const dp = `${p}.JournalEntryLineDetail`;
    if (!present(d.PostingType)) throw faults.required(`${dp}.PostingType`);
    const accountId = kit.refId(company, d, 'AccountRef', 'Account', true, `${dp}.AccountRef`) as string;
    checkEntity(kit, company, d, accountId, dp);
    if (d.PostingType === 'Debit') debits += amount;
    else credits += amount; // the XSD check already limited PostingType to Debit | Credit
    postings.push({ accountId, debit: d.PostingType === 'Debit' ? amount : -amount });
  });
  if (debits !== credits) throw faults.unbalanced(centsToNumber(debits), centsToNumber(credits));
  kit.finishLines(e, lines, debits, { subtotal: false, firstId: 0, lineNum: false });
  e.Adjustment ??= false;
  e.TxnTaxDetail ??= {};
  kit.txnDefaults(company, e);
  return postings;
}

function checkEntity(kit: RuleKit, company: Company, d: Obj, accountId: string, dp: string): void {
  const entity = d.Entity;
  let type: string | undefined;
  if (isObj(entity) && present(entity.EntityRef)) {
    // Entity.Type is output only; the sandbox's only name list with people is Customer.
    kit.refId(company, entity, 'EntityRef', 'Customer', true, `${dp}.Entity.EntityRef`);
    type = 'Customer';
    entity.Type = type;
  }
  const accountType = kit.account(company, accountId)?.AccountType;
  if (accountType === 'Accounts Receivable' && type !== 'Customer') {
    throw faults.business('When you use Accounts Receivable, you must choose a customer in the Name field.');
  }
  if (accountType === 'Accounts Payable') {
    throw faults.business('When you use Accounts Payable, you must choose a supplier/vendor in the Name field.');
  }
}
