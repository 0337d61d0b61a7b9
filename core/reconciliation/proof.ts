import { money, toDecimal, type Money } from '../money';

/** How a bookkeeper reads a payout: Stripe's reporting categories gathered into a few groups. */
export type PayoutGroup = 'charges' | 'refunds' | 'disputes' | 'other_adjustments';
export const PAYOUT_GROUPS: readonly PayoutGroup[] = ['charges', 'refunds', 'disputes', 'other_adjustments'];

const GROUP_OF: Record<string, PayoutGroup> = {
  charge: 'charges',
  refund: 'refunds',
  refund_failure: 'refunds',
  dispute: 'disputes',
  dispute_reversal: 'disputes',
};
/** A category Settle has no group for (fees, adjustments, a new one) is still shown, as an adjustment. */
export const groupOf = (category: string): PayoutGroup => GROUP_OF[category] ?? 'other_adjustments';

/** One balance transaction a payout carried: a line of the payout report. */
export interface PayoutLine {
  /** The processor's balance transaction id. */
  movementId: string;
  /** Stripe's reporting category (charge, refund, dispute, …). */
  category: string;
  group: PayoutGroup;
  /** The charge, refund or dispute that caused it. */
  sourceId: string | null;
  /** The Settle payment and its store order, when the line belongs to one. */
  paymentId: string | null;
  orderNumber: string | null;
  gross: Money;
  /** What the processor kept (positive) or gave back (negative). */
  fee: Money;
  /** gross − fee: what the line added to the payout. */
  net: Money;
  exchangeRate: string | null;
  occurredAt: Date;
  availableOn: Date;
}

export interface GroupTotals {
  count: number;
  gross: Money;
  fee: Money;
  net: Money;
}

/** Each group's gross, fee and net, and the totals: total.net is what the lines explain. */
export interface PayoutSummary {
  groups: Record<PayoutGroup, GroupTotals>;
  total: GroupTotals;
}

export function summarise(lines: readonly PayoutLine[], currency: string): PayoutSummary {
  const zero = (): GroupTotals => ({ count: 0, gross: money(0, currency), fee: money(0, currency), net: money(0, currency) });
  const groups = Object.fromEntries(PAYOUT_GROUPS.map((g) => [g, zero()])) as Record<PayoutGroup, GroupTotals>;
  const total = zero();
  // Only lines in the payout's currency can add up to it; any other is named by the proof.
  for (const line of lines.filter((l) => l.net.currency === currency)) {
    for (const totals of [groups[line.group], total]) {
      totals.count += 1;
      totals.gross = money(totals.gross.amount + line.gross.amount, currency);
      totals.fee = money(totals.fee.amount + line.fee.amount, currency);
      totals.net = money(totals.net.amount + line.net.amount, currency);
    }
  }
  return { groups, total };
}

/** Why a payout is not explained to the cent. */
export interface PayoutException {
  code: 'unexplained_remainder' | 'payout_movement_missing' | 'payout_movement_differs' | 'line_in_other_currency';
  message: string;
  amount: Money | null;
}

/**
 * The proof a bookkeeper relies on: payout amount = −(the payout's own balance transaction)
 * = Σ net of the lines it carried. Every figure is whole minor units, so any difference is real
 * money and is named, never rounded away.
 */
export interface PayoutProof {
  payoutAmount: Money;
  /** −(the payout's own balance transaction), or null when Settle does not hold it. */
  payoutMovement: Money | null;
  /** Σ net of the lines in the payout's currency. */
  linesNet: Money;
  /** payoutAmount − linesNet: zero when explained. */
  remainder: Money;
  exceptions: PayoutException[];
  reconciliation: 'explained' | 'unexplained';
}

const show = (m: Money) => `${toDecimal(m)} ${m.currency}`;

/**
 * `ownNets`: net of the payout's own balance transaction(s) (normally one, negative).
 * `lineNets`: net of each line, or of each currency's lines (the sums are what matter).
 */
export function prove(payoutAmount: Money, ownNets: readonly Money[], lineNets: readonly Money[]): PayoutProof {
  const currency = payoutAmount.currency;
  const exceptions: PayoutException[] = [];
  const sum = (values: readonly Money[]) => money(values.reduce((s, v) => s + v.amount, 0), currency);

  const same = lineNets.filter((n) => n.currency === currency);
  const linesNet = sum(same);
  const remainder = money(payoutAmount.amount - linesNet.amount, currency);
  if (remainder.amount !== 0) {
    exceptions.push({
      code: 'unexplained_remainder', amount: remainder,
      message: `Unexplained remainder of ${show(remainder)}: the payout is ${show(payoutAmount)} but the lines it carried net to ${show(linesNet)}.`,
    });
  }

  const ownInCurrency = ownNets.filter((n) => n.currency === currency);
  const payoutMovement = ownInCurrency.length > 0 ? money(-sum(ownInCurrency).amount, currency) : null;
  if (payoutMovement === null) {
    exceptions.push({
      code: 'payout_movement_missing', amount: null,
      message: `Settle does not hold the payout's own balance transaction in ${currency}, so the amount Stripe took from the balance is unproven.`,
    });
  } else if (payoutMovement.amount !== payoutAmount.amount) {
    exceptions.push({
      code: 'payout_movement_differs', amount: money(payoutAmount.amount - payoutMovement.amount, currency),
      message: `The payout is ${show(payoutAmount)} but its own balance transaction took ${show(payoutMovement)} from the balance.`,
    });
  }

  const others = new Map<string, number>();
  for (const n of lineNets.filter((m) => m.currency !== currency)) others.set(n.currency, (others.get(n.currency) ?? 0) + n.amount);
  for (const [other, amount] of others) {
    exceptions.push({
      code: 'line_in_other_currency', amount: money(amount, other),
      message: `Lines worth ${show(money(amount, other))} are in ${other}, so they cannot explain a ${currency} payout.`,
    });
  }

  return { payoutAmount, payoutMovement, linesNet, remainder, exceptions, reconciliation: exceptions.length === 0 ? 'explained' : 'unexplained' };
}
