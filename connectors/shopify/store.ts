import type { ProductForSale, SaleMadeElsewhere, Store, StoreOrder } from '../../core/stores/store';
import { toDecimal } from '../../core/money';
import { NotFoundError, SettleError } from '../../core/errors';
import type { ShopifyGraphql } from './graphql/client';
import { ORDER_BY_ID, ORDERS_MATCHING, updatedSinceQuery, type OrderByIdResult, type OrderByIdVariables, type OrdersMatchingResult, type OrdersMatchingVariables } from './graphql/documents/orders';
import { ORDER_MARK_AS_PAID, ORDER_NOTE_UPDATE, type OrderMarkAsPaidResult, type OrderMarkAsPaidVariables, type OrderNoteUpdateResult, type OrderNoteUpdateVariables } from './graphql/documents/order-payment';
import { ORDER_REFUNDS, REFUND_CREATE, type OrderRefundsResult, type OrderRefundsVariables, type RefundCreateResult, type RefundCreateVariables } from './graphql/documents/refunds';
import type { OrderTransaction, ShopifyOrder } from './graphql/documents/order-fields';
import { moneyOf, orderGid, SETTLE_GATEWAY, storeOrderFrom } from './graphql/order-mapping';
import { recordSaleAsOrder } from './graphql/sale-orders';
import { variantForSale, variantsForSale } from './graphql/products-for-sale';

type Payload<R> = NonNullable<R[keyof R]>;

/** The payment on an order that a refund is recorded against: its successful sale or capture. */
const paymentOf = (order: ShopifyOrder): OrderTransaction | undefined =>
  order.transactions.find((t) => (t.kind === 'SALE' || t.kind === 'CAPTURE') && t.status === 'SUCCESS');

/**
 * Whether recording a refund against this payment only writes it down. A manual payment ("mark as
 * paid") and Settle's own external transactions move no money through Shopify; a payment through a
 * processing gateway (Shopify Payments, a payments app — Settle's included) would be refunded again.
 */
const recordOnly = (payment: OrderTransaction): boolean => payment.manualPaymentGateway || payment.gateway === SETTLE_GATEWAY;

/** One merchant's Shopify shop as core's Store port, through the Admin GraphQL API. */
export class ShopifyStore implements Store {
  readonly platform = 'shopify' as const;

  constructor(private readonly client: ShopifyGraphql) {}

  async getOrder(orderId: string): Promise<StoreOrder> {
    return storeOrderFrom(await this.readOrder(orderId));
  }

  async markOrderPaid(input: { orderId: string; transactionId: string; paymentTitle: string; note: string }): Promise<void> {
    const order = await this.readOrder(input.orderId);
    if (order.cancelledAt) throw new SettleError('order_cancelled', `Order ${order.name} was cancelled in Shopify; it cannot be marked paid.`, 409);
    const outstanding = moneyOf(order.totalOutstandingSet.shopMoney).amount > 0;
    if (outstanding) {
      // Shopify records a manual payment for what is owed and marks the order Paid; it lowers no
      // stock here (Shopify already reserved it when the order was placed).
      await this.client.mutate<Payload<OrderMarkAsPaidResult>, OrderMarkAsPaidVariables>(ORDER_MARK_AS_PAID, { input: { id: order.id } }, 'orderMarkAsPaid');
    } else if (!(order.note ?? '').includes(input.transactionId) && !order.transactions.some((t) => t.gateway === SETTLE_GATEWAY)) {
      throw new SettleError('order_paid_elsewhere', `Order ${order.name} was already paid by ${order.transactions.find((t) => t.status === 'SUCCESS')?.gateway ?? 'another method'}.`, 409);
    }
    // The note names the transaction: a retry after a crash finds the order paid by it and adds nothing.
    await this.addOrderNote({ orderId: order.id, note: input.note });
  }

  async addOrderNote(input: { orderId: string; note: string }): Promise<void> {
    const order = await this.readOrder(input.orderId);
    const note = order.note ?? '';
    if (note.includes(input.note)) return;
    // Shopify keeps one note per order: Settle's lines are added below what the merchant wrote.
    await this.client.mutate<Payload<OrderNoteUpdateResult>, OrderNoteUpdateVariables>(
      ORDER_NOTE_UPDATE, { input: { id: order.id, note: note ? `${note}\n${input.note}` : input.note } }, 'orderUpdate',
    );
  }

  async syncRefund(input: Parameters<Store['syncRefund']>[0]): Promise<void> {
    const marker = `[Settle ${input.refundId}]`;
    const id = orderGid(input.orderId);
    const { order: withRefunds } = await this.client.request<OrderRefundsResult, OrderRefundsVariables>(ORDER_REFUNDS, { id });
    if (!withRefunds) throw new NotFoundError(`Shopify order ${input.orderId}`);
    const existing = withRefunds.refunds.find((r) => r.note?.includes(marker));
    const amount = `${toDecimal(input.amount)} ${input.amount.currency}`;
    if (input.status === 'succeeded' && !existing) {
      const order = await this.readOrder(id);
      const payment = paymentOf(order);
      if (!payment || !recordOnly(payment)) {
        await this.addOrderNote({ orderId: id, note: `Settle: refunded ${amount} to the shopper (${input.reason ?? 'refund'}). ${marker}` });
        return;
      }
      await this.client.mutate<Payload<RefundCreateResult>, RefundCreateVariables>(REFUND_CREATE, {
        // refundCreate's @idempotent key: the same Settle refund never makes a second Shopify refund.
        idempotencyKey: `settle-refund-${input.refundId}`,
        input: {
          orderId: id, notify: false, currency: input.amount.currency,
          note: `${input.reason ?? 'Refund'} ${marker}`,
          transactions: [{ orderId: id, parentId: payment.id, kind: 'REFUND', gateway: payment.gateway ?? SETTLE_GATEWAY, amount: toDecimal(input.amount) }],
        },
      }, 'refundCreate');
    }
    if (input.status === 'failed' && existing) {
      // Shopify keeps refunds for good; the order says that this one did not reach the shopper.
      await this.addOrderNote({ orderId: id, note: `Settle: the refund of ${amount} failed at the card issuer; the money stayed with the store. ${marker}` });
    }
  }

  /**
   * The orders changed since a moment (paid, refunded, edited in Shopify admin), oldest change
   * first, for the reconciliation's sweep: every page, as Shopify's cursor gives them.
   */
  async changedOrdersSince(since: Date): Promise<StoreOrder[]> {
    const changed: StoreOrder[] = [];
    let after: string | null = null;
    do {
      const variables: OrdersMatchingVariables = { query: updatedSinceQuery(since), first: 100, after };
      const { orders }: OrdersMatchingResult = await this.client.request<OrdersMatchingResult, OrdersMatchingVariables>(ORDERS_MATCHING, variables);
      // One whole order per query keeps each well inside Shopify's cost limit; the client paces them.
      for (const summary of orders.nodes) changed.push(await this.getOrder(summary.id));
      after = orders.pageInfo.hasNextPage ? orders.pageInfo.endCursor : null;
    } while (after);
    return changed;
  }

  recordSaleMadeElsewhere(sale: SaleMadeElsewhere): Promise<{ orderId: string; number: string }> {
    return recordSaleAsOrder(this.client, sale);
  }

  /** A payment link's line: a variant (gid), priced as Shopify sells it now. */
  productForSale(productId: string, currency: string): Promise<ProductForSale | undefined> {
    return variantForSale(this.client, productId, currency);
  }

  findProducts(search: string, currency: string): Promise<ProductForSale[]> {
    return variantsForSale(this.client, search, currency);
  }

  private async readOrder(orderId: string): Promise<ShopifyOrder> {
    const { order } = await this.client.request<OrderByIdResult, OrderByIdVariables>(ORDER_BY_ID, { id: orderGid(orderId) });
    if (!order) throw new NotFoundError(`Shopify order ${orderId}`);
    return order;
  }
}
