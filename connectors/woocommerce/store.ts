import type { WooCommerceRestApi } from './client';
import type { ProductForSale, SaleMadeElsewhere, Store, StoreOrder } from '../../core/stores/store';
import { toDecimal } from '../../core/money';
import { SettleError } from '../../core/errors';
import { productForSaleFrom, storeOrderFrom, type WooOrder, type WooProduct } from './mapping';
import { wooFailure } from './client';
import { recordSaleAsOrder } from './sale-orders';

/** Order ids are WordPress post ids: positive integers. Anything else never reaches the store. */
function orderPath(orderId: string): string {
  if (!/^[1-9]\d{0,18}$/.test(orderId)) throw new SettleError('invalid_order_id', 'A WooCommerce order id is a positive whole number.');
  return `orders/${orderId}`;
}

/** One merchant's WooCommerce store as core's Store port. */
export class WooStore implements Store {
  readonly platform = 'woocommerce' as const;

  constructor(private readonly api: WooCommerceRestApi) {}

  async getOrder(orderId: string): Promise<StoreOrder> {
    return storeOrderFrom(await this.readOrder(orderId));
  }

  async markOrderPaid(input: { orderId: string; transactionId: string; paymentTitle: string; note: string }): Promise<void> {
    const order = await this.readOrder(input.orderId);
    if (order.date_paid && order.transaction_id !== input.transactionId) {
      throw new SettleError('order_paid_elsewhere', `Order ${order.number} was already paid by ${order.transaction_id || 'another method'}.`, 409);
    }
    if (!order.date_paid) {
      // set_paid makes WooCommerce record the payment date, move the order to processing and reduce
      // stock once (it keeps a flag so a second call cannot reduce it again).
      await this.api
        .put(orderPath(input.orderId), { set_paid: true, transaction_id: input.transactionId, payment_method: 'settle', payment_method_title: input.paymentTitle })
        .catch((e: unknown) => Promise.reject(wooFailure(e, `marking order ${order.number} paid`)));
    }
    // A retry after a crash finds the order paid; the note is added only if it is not there yet.
    await this.addOrderNote({ orderId: input.orderId, note: input.note });
  }

  async addOrderNote(input: { orderId: string; note: string }): Promise<void> {
    const notes = await this.api
      .get(`${orderPath(input.orderId)}/notes`)
      .then((r: { data: { note: string }[] }) => r.data)
      .catch((e: unknown) => Promise.reject(wooFailure(e, `reading the notes of order ${input.orderId}`)));
    if (!notes.some((n) => n.note === input.note)) {
      await this.api
        .post(`${orderPath(input.orderId)}/notes`, { note: input.note, customer_note: false })
        .catch((e: unknown) => Promise.reject(wooFailure(e, `adding a note to order ${input.orderId}`)));
    }
  }

  async syncRefund(input: Parameters<Store['syncRefund']>[0]): Promise<void> {
    // WooCommerce refunds carry no metadata through the REST API; the reason holds Settle's id.
    const marker = `[Settle ${input.refundId}]`;
    const path = `${orderPath(input.orderId)}/refunds`;
    const existing = await this.api
      .get(path, { per_page: 100 })
      .then((r: { data: { id: number; reason: string }[] }) => r.data.find((x) => x.reason.includes(marker)))
      .catch((e: unknown) => Promise.reject(wooFailure(e, `reading the refunds of order ${input.orderId}`)));
    if (input.status === 'succeeded' && !existing) {
      // api_refund false: the money already went back through Stripe; WooCommerce must not refund again.
      await this.api
        .post(path, { amount: toDecimal(input.amount), reason: `${input.reason ?? 'Refund'} ${marker}`, api_refund: false, api_restock: false })
        .catch((e: unknown) => Promise.reject(wooFailure(e, `recording a refund on order ${input.orderId}`)));
    }
    if (input.status === 'failed' && existing) {
      await this.api
        .delete(`${path}/${existing.id}`, { force: true })
        .catch((e: unknown) => Promise.reject(wooFailure(e, `removing a failed refund from order ${input.orderId}`)));
      await this.api
        .post(`${orderPath(input.orderId)}/notes`, { note: `Settle: the refund of ${toDecimal(input.amount)} ${input.amount.currency} failed at the card issuer; the money stayed with the store. ${marker}`, customer_note: false })
        .catch((e: unknown) => Promise.reject(wooFailure(e, `adding a note to order ${input.orderId}`)));
    }
  }

  recordSaleMadeElsewhere(sale: SaleMadeElsewhere): Promise<{ orderId: string; number: string }> {
    return recordSaleAsOrder(this.api, sale);
  }

  async productForSale(productId: string, currency: string): Promise<ProductForSale | undefined> {
    // Product ids are WordPress post ids too; anything else names no product.
    if (!/^[1-9]\d{0,18}$/.test(productId)) return undefined;
    try {
      return productForSaleFrom((await this.api.get(`products/${productId}`)).data as WooProduct, currency);
    } catch (error) {
      const failure = wooFailure(error, `reading product ${productId}`);
      if (failure instanceof SettleError && failure.status === 404) return undefined;
      throw failure;
    }
  }

  async findProducts(search: string, currency: string): Promise<ProductForSale[]> {
    const { data } = await this.api
      .get('products', { search, status: 'publish', per_page: 20, orderby: 'title', order: 'asc' })
      .catch((e: unknown) => Promise.reject(wooFailure(e, 'looking up products')));
    return (data as WooProduct[]).map((p) => productForSaleFrom(p, currency));
  }

  private async readOrder(orderId: string): Promise<WooOrder> {
    try {
      return (await this.api.get(orderPath(orderId))).data as WooOrder;
    } catch (error) {
      throw wooFailure(error, `reading order ${orderId}`);
    }
  }
}
