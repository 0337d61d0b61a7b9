import { Router, json, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import { listDisputes, submitDisputeEvidence, type Dispute } from '../../../core/payments/disputes';
import { parseBody, route } from '../http';
import { formatMoney } from '../format';

const text = (max: number) => z.string().trim().max(max).optional();

/** The evidence form's fields; Stripe allows 20,000 characters of free text in all. */
const evidenceBody = z
  .object({
    customerName: text(200),
    customerEmailAddress: z.string().trim().email('an email address').max(200).optional().or(z.literal('')),
    productDescription: text(5000),
    shippingCarrier: text(200),
    shippingTrackingNumber: text(200),
    shippingDate: text(100),
    explanation: text(10_000).describe('the merchant’s account of the sale, in their words'),
  })
  .strict();

export function disputeView(d: Dispute) {
  return {
    id: d.id, paymentId: d.paymentId, orderNumber: d.orderNumber, amount: d.amount, amountFormatted: formatMoney(d.amount), reason: d.reason,
    status: d.status, evidenceDueBy: d.evidenceDueBy?.toISOString() ?? null, evidence: d.evidence,
    evidenceSubmittedAt: d.evidenceSubmittedAt?.toISOString() ?? null, createdAt: d.createdAt.toISOString(),
  };
}

/** The merchant's disputes and the evidence they send to contest one. */
export function disputeRoutes(services: Services, auth: RequestHandler): Router {
  const router = Router();

  router.get('/api/disputes', auth, route(async (req, res) => {
    res.json({ disputes: (await listDisputes(services.db, req.merchant!.id)).map(disputeView) });
  }));

  // Sends the evidence to Stripe and submits it: the dispute goes under review; the bank's decision
  // (won or lost) arrives later by webhook.
  router.post('/api/payments/:paymentId/dispute/evidence', auth, json({ limit: services.config.API_BODY_LIMIT }), route(async (req, res) => {
    const evidence = parseBody(evidenceBody, req);
    const dispute = await submitDisputeEvidence(services, req.merchant!.id, String(req.params.paymentId), evidence);
    res.json({ dispute: disputeView(dispute) });
  }));
  return router;
}
