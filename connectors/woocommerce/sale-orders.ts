import type { WooCommerceRestApi } from './client';
import type { SaleMadeElsewhere } from '../../core/stores/store';
import { toDecimal } from '../../core/money';
import { wooFailure } from './client';

/** The order meta that names Settle's payment (no leading underscore: protected meta is hidden from the REST API). */
export const SETTLE_PAYMENT_META = 'settle_payment_id';

type Api = WooCommerceRestApi;
interface WooCustomer { id: number }
interface WooProduct { id: number; name: string; sku: string }
interface FoundOrder { id: number; number: string; meta_data: { key: string; value: unknown }[] }

const fail = (doing: string) => (e: unknown) => Promise.reject(wooFailure(e, doing));

/**
 * Creates the store's paid order for a sale made elsewhere (a counter sale, a payment link): lines
 * are the products they name, or matched to products by SKU, then by exact name, so `set_paid`
 * lowers their stock; a line with no product becomes a fee line, so the order's total is still the sale's. The order carries Settle's payment id,
 * and is looked for before one is created: a retry after a crash finds it instead of making a second.
 */
export async function recordSaleAsOrder(api: Api, sale: SaleMadeElsewhere): Promise<{ orderId: string; number: string }> {
  const customerId = sale.customer ? await customerFor(api, sale.customer) : 0;
  const existing = await findSaleOrder(api, sale, customerId);
  if (existing) return { orderId: String(existing.id), number: existing.number };

  const currency = sale.lines[0]?.total.currency;
  const lineItems: Record<string, unknown>[] = [];
  const feeLines: Record<string, unknown>[] = [];
  for (const line of sale.lines) {
    // A payment link names its product; a custom amount is none; a counter sale's line is matched.
    const product = line.productId ? { id: Number(line.productId) } : line.productId === null ? undefined : await productFor(api, line.name);
    const total = toDecimal(line.total);
    if (product) lineItems.push({ product_id: product.id, quantity: line.quantity, subtotal: total, total });
    else feeLines.push({ name: line.quantity === 1 ? line.name : `${line.name} × ${line.quantity}`, total, tax_status: 'none' });
  }
  const [first, ...rest] = (sale.customer?.name ?? '').split(' ');
  const order = (await api
    .post('orders', {
      ...(currency ? { currency } : {}),
      customer_id: customerId,
      billing: sale.customer ? { email: sale.customer.email, first_name: first ?? '', last_name: rest.join(' ') } : {},
      line_items: lineItems, fee_lines: feeLines,
      // set_paid: WooCommerce stamps the paid date, moves the order to processing and lowers stock once.
      set_paid: true, payment_method: 'settle', payment_method_title: sale.paymentTitle, transaction_id: sale.transactionId,
      meta_data: [{ key: SETTLE_PAYMENT_META, value: sale.paymentId }],
    })
    .catch(fail('recording a sale made outside the store as an order'))).data as FoundOrder;
  await api.post(`orders/${order.id}/notes`, { note: sale.note, customer_note: false }).catch(fail(`adding a note to order ${order.number}`));
  return { orderId: String(order.id), number: order.number };
}

/** The store's customer with this email, created when there is none (WooCommerce keeps one account per email). */
async function customerFor(api: Api, customer: { email: string; name: string }): Promise<number> {
  const find = async () => ((await api.get('customers', { email: customer.email, role: 'all' }).catch(fail('looking up a customer by email'))).data as WooCustomer[])[0];
  const found = await find();
  if (found) return found.id;
  const [first, ...rest] = customer.name.split(' ');
  try {
    const { data } = await api.post('customers', { email: customer.email, first_name: first ?? '', last_name: rest.join(' ') });
    return (data as WooCustomer).id;
  } catch (error) {
    // Created meanwhile (another sale for the same shopper): use that account.
    const again = await find();
    if (again) return again.id;
    throw wooFailure(error, 'creating a customer');
  }
}

/**
 * The order already made for this payment, if any. WooCommerce cannot filter orders by meta, so the
 * listing is narrowed to the customer and to orders created since the sale began, then read for the id.
 */
async function findSaleOrder(api: Api, sale: SaleMadeElsewhere, customerId: number): Promise<FoundOrder | undefined> {
  // "after" is read in the site's timezone (up to 14 hours from UTC): a day's margin never misses the order.
  const after = new Date(sale.startedAt.getTime() - 24 * 3600_000).toISOString().slice(0, 19);
  for (let page = 1; ; page++) {
    const { data } = await api
      .get('orders', { customer: customerId, after, per_page: 100, page, orderby: 'date', order: 'asc' })
      .catch(fail('looking for the order of a sale made outside the store'));
    const orders = data as FoundOrder[];
    const match = orders.find((o) => o.meta_data.some((m) => m.key === SETTLE_PAYMENT_META && m.value === sale.paymentId));
    if (match || orders.length < 100) return match;
  }
}

/** The product a line names: its SKU first, then a product whose name is exactly the line's (any case). */
async function productFor(api: Api, name: string): Promise<WooProduct | undefined> {
  const bySku = (await api.get('products', { sku: name }).catch(fail(`looking up product ${name}`))).data as WooProduct[];
  if (bySku.length === 1) return bySku[0];
  const byName = (await api.get('products', { search: name, per_page: 100 }).catch(fail(`looking up product ${name}`))).data as WooProduct[];
  const exact = byName.filter((p) => p.name.trim().toLowerCase() === name.trim().toLowerCase());
  return exact.length === 1 ? exact[0] : undefined;
}
