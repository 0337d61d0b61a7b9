// GraphQL views of the store's records: plain objects named by `__typename`, with function-valued
// fields where Shopify's take arguments (connections, quantities). Money is shown as MoneyV2/MoneyBag
// in the order's currency; ids as gids.
import { connection, type PageArgs } from "./connection";
import { moneyBag, moneyV2, toDecimal } from "../money";
import { financialStatus, orderTotals } from "../payloads";
import { gid, type Customer, type LineItem, type Order, type Product, type Quantities, type Refund, type Shop, type Transaction, type Variant } from "../store";

const iso = (ms: number) => new Date(ms).toISOString();

export function shopView(shop: Shop, baseUrl: string) {
  return {
    __typename: "Shop", id: gid("Shop", shop.id), name: shop.name, email: shop.email, contactEmail: shop.email,
    myshopifyDomain: shop.domain, currencyCode: shop.currency, enabledPresentmentCurrencies: [shop.currency],
    ianaTimezone: "UTC", timezoneAbbreviation: "UTC", timezoneOffset: "+0000", timezoneOffsetMinutes: 0, taxesIncluded: false,
    taxShipping: false, setupRequired: false, checkoutApiSupported: true, createdAt: iso(shop.createdAt), updatedAt: iso(shop.createdAt),
    url: `${baseUrl}/shops/${shop.domain}`, weightUnit: "KILOGRAMS", unitSystem: "METRIC_SYSTEM", shopOwnerName: "Shop Owner",
    plan: { __typename: "ShopPlan", partnerDevelopment: false, shopifyPlus: shop.plan === "Plus", publicDisplayName: shop.plan },
    primaryDomain: { __typename: "Domain", id: gid("Domain", shop.id), host: shop.domain, url: `https://${shop.domain}`, sslEnabled: true },
    billingAddress: { __typename: "ShopAddress", countryCodeV2: "US" },
  };
}

export function locationView(shop: Shop) {
  return {
    __typename: "Location", id: gid("Location", shop.locationId), legacyResourceId: shop.locationId, name: shop.locationName,
    isActive: true, fulfillsOnlineOrders: true, hasActiveInventory: true, shipsInventory: true, activatable: false,
    deactivatable: false, deletable: false, addressVerified: true, isFulfillmentService: false, hasUnfulfilledOrders: false,
    createdAt: iso(shop.createdAt), updatedAt: iso(shop.createdAt),
  };
}

export function quantitiesOf(shop: Shop, inventoryItemId: string): Quantities | undefined {
  return shop.inventory.get(inventoryItemId)?.get(shop.locationId);
}

export function inventoryLevelView(shop: Shop, v: Variant) {
  return {
    __typename: "InventoryLevel", id: gid("InventoryLevel", `${v.inventoryItemId}?inventory_item_id=${v.inventoryItemId}`),
    isActive: true, canDeactivate: false, createdAt: iso(v.createdAt), updatedAt: iso(v.createdAt),
    location: () => locationView(shop),
    item: () => inventoryItemView(shop, v),
    quantities: ({ names }: { names: string[] }) => names.map((name) => ({
      __typename: "InventoryQuantity", id: gid("InventoryQuantity", `${v.inventoryItemId}?name=${name}`), name,
      quantity: quantitiesOf(shop, v.inventoryItemId)?.[name as keyof Quantities] ?? 0, updatedAt: iso(v.createdAt),
    })),
  };
}

export function inventoryItemView(shop: Shop, v: Variant) {
  return {
    __typename: "InventoryItem", id: gid("InventoryItem", v.inventoryItemId), legacyResourceId: v.inventoryItemId, sku: v.sku,
    tracked: v.tracked, requiresShipping: true, duplicateSkuCount: 0, createdAt: iso(v.createdAt), updatedAt: iso(v.createdAt),
    inventoryLevels: (a: PageArgs) => connection([v], a, (x) => inventoryLevelView(shop, x)),
    inventoryLevel: ({ locationId }: { locationId: string }) => (locationId === gid("Location", shop.locationId) ? inventoryLevelView(shop, v) : null),
    variant: () => variantView(shop, v),
  };
}

export function variantView(shop: Shop, v: Variant) {
  const p = shop.products.get(v.productId);
  const qty = quantitiesOf(shop, v.inventoryItemId)?.available ?? 0;
  return {
    __typename: "ProductVariant", id: gid("ProductVariant", v.id), legacyResourceId: v.id, title: v.title, sku: v.sku,
    displayName: `${p?.title ?? ""} - ${v.title}`, price: toDecimal(v.price, shop.currency), compareAtPrice: null,
    inventoryQuantity: qty, sellableOnlineQuantity: qty, inventoryPolicy: v.inventoryPolicy, taxable: true, position: (p?.variantIds.indexOf(v.id) ?? 0) + 1,
    availableForSale: v.inventoryPolicy === "CONTINUE" || !v.tracked || qty > 0, barcode: null, requiresComponents: false, showUnitPrice: false,
    selectedOptions: [{ __typename: "SelectedOption", name: "Title", value: v.title }],
    createdAt: iso(v.createdAt), updatedAt: iso(v.createdAt),
    inventoryItem: () => inventoryItemView(shop, v),
    product: () => (p ? productView(shop, p) : null),
  };
}

export function productView(shop: Shop, p: Product) {
  const variants = p.variantIds.map((id) => shop.variants.get(id)!).filter(Boolean);
  const prices = variants.map((v) => v.price);
  return {
    __typename: "Product", id: gid("Product", p.id), legacyResourceId: p.id, title: p.title, handle: p.handle, status: p.status,
    vendor: p.vendor, productType: p.productType, tags: [], description: "", descriptionHtml: "", isGiftCard: false,
    hasOnlyDefaultVariant: variants.length === 1, hasOutOfStockVariants: variants.some((v) => (quantitiesOf(shop, v.inventoryItemId)?.available ?? 0) <= 0),
    tracksInventory: variants.some((v) => v.tracked), requiresSellingPlan: false, hasVariantsThatRequiresComponents: false,
    totalInventory: variants.reduce((s, v) => s + (quantitiesOf(shop, v.inventoryItemId)?.available ?? 0), 0),
    createdAt: iso(p.createdAt), updatedAt: iso(p.updatedAt), publishedAt: iso(p.createdAt),
    variantsCount: { __typename: "Count", count: variants.length, precision: "EXACT" },
    priceRangeV2: {
      __typename: "ProductPriceRangeV2",
      minVariantPrice: moneyV2(Math.min(...prices, 0), shop.currency), maxVariantPrice: moneyV2(Math.max(...prices, 0), shop.currency),
    },
    variants: (a: PageArgs) => connection(variants, a, (v) => variantView(shop, v)),
  };
}

export function customerView(shop: Shop, c: Customer) {
  const orders = [...shop.orders.values()].filter((o) => o.customerId === c.id);
  const spent = orders.reduce((s, o) => s + orderTotals(o).received - orderTotals(o).refunded, 0);
  return {
    __typename: "Customer", id: gid("Customer", c.id), legacyResourceId: c.id, firstName: c.firstName, lastName: c.lastName,
    email: c.email, phone: c.phone, // deprecated in favour of defaultEmailAddress / defaultPhoneNumber, still served
    displayName: [c.firstName, c.lastName].filter(Boolean).join(" ") || c.email || "", note: null, tags: [], locale: "en",
    defaultEmailAddress: c.email ? { __typename: "CustomerEmailAddress", emailAddress: c.email } : null,
    defaultPhoneNumber: c.phone ? { __typename: "CustomerPhoneNumber", phoneNumber: c.phone } : null,
    numberOfOrders: String(orders.length), amountSpent: moneyV2(spent, shop.currency), state: "ENABLED", taxExempt: false,
    verifiedEmail: true, canDelete: orders.length === 0, dataSaleOptOut: false, lifetimeDuration: "now",
    createdAt: iso(c.createdAt), updatedAt: iso(c.createdAt),
    orders: (a: PageArgs) => connection(orders, a, (o) => orderView(shop, o)),
  };
}

function lineItemView(shop: Shop, o: Order, l: LineItem) {
  const c = o.currency;
  const v = l.variantId ? shop.variants.get(l.variantId) : undefined;
  return {
    __typename: "LineItem", id: gid("LineItem", l.id), title: l.title, name: l.title, sku: l.sku, quantity: l.quantity,
    currentQuantity: l.quantity, refundableQuantity: l.quantity, unfulfilledQuantity: l.quantity, nonFulfillableQuantity: 0,
    requiresShipping: true, taxable: true, isGiftCard: false, merchantEditable: true, restockable: true, variantTitle: v?.title ?? null, vendor: null,
    originalUnitPriceSet: moneyBag(l.unitPrice, c), discountedUnitPriceSet: moneyBag(l.unitPrice, c),
    discountedUnitPriceAfterAllDiscountsSet: moneyBag(l.unitPrice, c),
    originalTotalSet: moneyBag(l.unitPrice * l.quantity, c), discountedTotalSet: () => moneyBag(l.unitPrice * l.quantity, c),
    totalDiscountSet: moneyBag(0, c), customAttributes: [], discountAllocations: [], duties: [], taxLines: () => [],
    variant: () => (v ? variantView(shop, v) : null),
    product: () => { const p = l.productId ? shop.products.get(l.productId) : undefined; return p ? productView(shop, p) : null; },
  };
}

export function transactionView(shop: Shop, o: Order, t: Transaction) {
  const c = o.currency;
  return {
    __typename: "OrderTransaction", id: gid("OrderTransaction", t.id), kind: t.kind, status: t.status, gateway: t.gateway,
    formattedGateway: t.gateway, test: t.test, amountSet: moneyBag(t.amount, c), createdAt: iso(t.createdAt), processedAt: iso(t.createdAt),
    paymentId: t.paymentId, manualPaymentGateway: t.gateway === "manual", manuallyCapturable: false, multiCapturable: false,
    errorCode: null, fees: [], authorizationExpiresAt: null, receiptJson: "{}",
    parentTransaction: () => { const p = o.transactions.find((x) => x.id === t.parentId); return p ? transactionView(shop, o, p) : null; },
    order: () => orderView(shop, o),
  };
}

export function refundView(shop: Shop, o: Order, r: Refund) {
  const txs = o.transactions.filter((t) => r.transactionIds.includes(t.id));
  return {
    __typename: "Refund", id: gid("Refund", r.id), legacyResourceId: r.id, note: r.note, createdAt: iso(r.createdAt),
    processedAt: iso(r.createdAt), updatedAt: iso(r.createdAt), totalRefundedSet: moneyBag(r.amount, o.currency), duties: [],
    order: () => orderView(shop, o),
    transactions: (a: PageArgs) => connection(txs, a, (t) => transactionView(shop, o, t)),
    refundLineItems: (a: PageArgs) => connection([], a, (x) => x),
  };
}

export function orderView(shop: Shop, o: Order) {
  const c = o.currency;
  const t = orderTotals(o);
  const status = financialStatus(o);
  const cust = o.customerId ? shop.customers.get(o.customerId) : undefined;
  const bag = (n: number) => moneyBag(n, c);
  return {
    __typename: "Order", id: gid("Order", o.id), legacyResourceId: o.id, name: o.name, number: o.number - 1000, email: o.email,
    phone: null, note: o.note, tags: o.tags, test: o.test, sourceName: o.sourceName, sourceIdentifier: o.sourceIdentifier,
    createdAt: iso(o.createdAt), updatedAt: iso(o.updatedAt), processedAt: iso(o.processedAt),
    cancelledAt: o.cancelledAt ? iso(o.cancelledAt) : null, cancelReason: o.cancelledAt ? "OTHER" : null, closed: false, closedAt: null,
    confirmed: true, currencyCode: c, presentmentCurrencyCode: c, displayFinancialStatus: status, displayFulfillmentStatus: "UNFULFILLED",
    fullyPaid: t.received >= t.total, unpaid: t.received === 0, canMarkAsPaid: t.received < t.total && !o.cancelledAt,
    capturable: t.authorized > 0 && t.received === 0, refundable: t.received - t.refunded > 0, restockable: true,
    paymentGatewayNames: [...new Set(o.transactions.map((x) => x.gateway))],
    subtotalPriceSet: bag(t.subtotal), currentSubtotalPriceSet: bag(t.subtotal), totalPriceSet: bag(t.total),
    currentTotalPriceSet: bag(t.total - t.refunded), originalTotalPriceSet: bag(t.total), totalTaxSet: bag(o.tax), currentTotalTaxSet: bag(o.tax),
    totalShippingPriceSet: bag(o.shipping), currentShippingPriceSet: bag(o.shipping), totalDiscountsSet: bag(0), currentTotalDiscountsSet: bag(0),
    totalReceivedSet: bag(t.received), totalRefundedSet: bag(t.refunded), netPaymentSet: bag(t.received - t.refunded),
    totalOutstandingSet: bag(t.outstanding), totalCapturableSet: bag(t.received === 0 ? t.authorized : 0), totalTipReceivedSet: bag(0),
    totalRefundedShippingSet: bag(0), refundDiscrepancySet: bag(0), currentCartDiscountAmountSet: bag(0),
    subtotalLineItemsQuantity: o.lineItems.reduce((s, l) => s + l.quantity, 0), currentSubtotalLineItemsQuantity: o.lineItems.reduce((s, l) => s + l.quantity, 0),
    taxesIncluded: false, taxExempt: false, taxLines: [], currentTaxLines: [], discountCodes: [], discountCode: null,
    requiresShipping: true, customerAcceptsMarketing: false, edited: false, estimatedTaxes: false, dutiesIncluded: false, merchantEditable: true,
    customer: () => (cust ? customerView(shop, cust) : null),
    lineItems: (a: PageArgs) => connection(o.lineItems, a, (l) => lineItemView(shop, o, l)),
    transactions: ({ first }: { first?: number | null }) => o.transactions.slice(0, first ?? undefined).map((x) => transactionView(shop, o, x)),
    refunds: ({ first }: { first?: number | null }) => o.refunds.slice(0, first ?? undefined).map((r) => refundView(shop, o, r)),
    statusPageUrl: () => `https://${shop.domain}/${shop.id}/orders/${o.id}/authenticate`,
  };
}
