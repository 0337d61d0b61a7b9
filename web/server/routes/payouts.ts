import { Router, type RequestHandler } from 'express';
import type { Services } from '../services';
import { toDecimal, type Money } from '../../../core/money';
import { SettleError } from '../../../core/errors';
import { listPayouts, payoutReport, type Payout, type PayoutListing, type PayoutReport } from '../../../core/reconciliation/payouts';
import { PAYOUT_GROUPS, type GroupTotals, type PayoutLine, type PayoutProof } from '../../../core/reconciliation/proof';
import { route } from '../http';
import { formatMoney } from '../format';
import { spreadsheetText, toCsv } from '../csv';

function payoutView(p: Payout) {
  return {
    id: p.id, amount: p.amount, amountFormatted: formatMoney(p.amount), status: p.status, arrivalDate: p.arrivalDate,
    failureCode: p.failureCode, failureMessage: p.failureMessage, reconciliationStatus: p.reconciliationStatus,
    createdAt: p.createdAt.toISOString(), updatedAt: p.updatedAt.toISOString(),
  };
}

const formatted = (m: Money | null) => (m === null ? null : formatMoney(m));

function proofView(proof: PayoutProof) {
  return {
    reconciliation: proof.reconciliation,
    proof: {
      payoutAmount: proof.payoutAmount, payoutAmountFormatted: formatted(proof.payoutAmount),
      payoutMovement: proof.payoutMovement, payoutMovementFormatted: formatted(proof.payoutMovement),
      linesNet: proof.linesNet, linesNetFormatted: formatted(proof.linesNet),
      remainder: proof.remainder, remainderFormatted: formatted(proof.remainder),
    },
    exceptions: proof.exceptions.map((e) => ({ ...e, amountFormatted: formatted(e.amount) })),
  };
}

const totalsView = (t: GroupTotals) => ({
  count: t.count, gross: t.gross, grossFormatted: formatMoney(t.gross), fee: t.fee, feeFormatted: formatMoney(t.fee), net: t.net, netFormatted: formatMoney(t.net),
});

function lineView(l: PayoutLine) {
  return {
    id: l.movementId, category: l.category, group: l.group, sourceId: l.sourceId, paymentId: l.paymentId, orderNumber: l.orderNumber,
    gross: l.gross, grossFormatted: formatMoney(l.gross), fee: l.fee, feeFormatted: formatMoney(l.fee), net: l.net, netFormatted: formatMoney(l.net),
    exchangeRate: l.exchangeRate, occurredAt: l.occurredAt.toISOString(), availableOn: l.availableOn.toISOString(),
  };
}

const listingView = (p: PayoutListing) => ({ ...payoutView(p), lineCount: p.lineCount, ...proofView(p.proof) });

// Column names follow Stripe's itemized payout reconciliation report where it has one, so a
// bookkeeper who knows that report can lay the two side by side.
const CSV_HEADER = [
  'payout_id', 'balance_transaction_id', 'created_utc', 'available_on_utc', 'reporting_category', 'source_id', 'settle_payment_id', 'order_number',
  'currency', 'gross', 'fee', 'net', 'exchange_rate',
];
const utc = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');

export function payoutLinesCsv(report: PayoutReport): string {
  const rows = report.lines.map((l) => [
    report.payout.id, l.movementId, utc(l.occurredAt), utc(l.availableOn), l.category, spreadsheetText(l.sourceId), l.paymentId ?? '',
    spreadsheetText(l.orderNumber), l.net.currency, toDecimal(l.gross), toDecimal(l.fee), toDecimal(l.net), l.exchangeRate ?? '',
  ]);
  return toCsv([CSV_HEADER, ...rows]);
}

/** The payout report: each payout, its lines and the proof that they explain it to the cent. */
export function payoutRoutes(services: Services, auth: RequestHandler): Router {
  const router = Router();

  const reportFor = async (merchantId: string, payoutId: string) => {
    const report = await payoutReport(services.db, merchantId, payoutId);
    // Another merchant's payout reads exactly like one that does not exist.
    if (!report) throw new SettleError('payout_not_found', `There is no payout ${payoutId} in this account.`, 404);
    return report;
  };

  router.get('/api/payouts', auth, route(async (req, res) => {
    const payouts = await listPayouts(services.db, req.merchant!.id);
    res.json({ payouts: payouts.map(listingView) });
  }));

  router.get('/api/payouts/:payoutId', auth, route(async (req, res) => {
    const report = await reportFor(req.merchant!.id, String(req.params.payoutId));
    const { summary } = report;
    res.json({
      payout: { ...payoutView(report.payout), lineCount: report.lines.length },
      ...proofView(report.proof),
      summary: { groups: PAYOUT_GROUPS.map((group) => ({ group, ...totalsView(summary.groups[group]) })), total: totalsView(summary.total) },
      lines: report.lines.map(lineView),
      csvUrl: `/api/payouts/${encodeURIComponent(report.payout.id)}/lines.csv`,
    });
  }));

  router.get('/api/payouts/:payoutId/lines.csv', auth, route(async (req, res) => {
    const report = await reportFor(req.merchant!.id, String(req.params.payoutId));
    const filename = `payout-${report.payout.id.replace(/[^\w-]/g, '_')}-lines.csv`;
    res.setHeader('Content-Type', 'text/csv; charset=utf-8; header=present');
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.send(payoutLinesCsv(report));
  }));
  return router;
}
