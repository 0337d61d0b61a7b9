import { minorUnitExponent, toDecimal, type Money } from '../../core/money';

/** For people: "$100.00", "¥10,000", "KWD 1.250" (en-US); machines get minor units. */
export function formatMoney(value: Money, locale = 'en-US'): string {
  const exponent = minorUnitExponent(value.currency);
  return new Intl.NumberFormat(locale, { style: 'currency', currency: value.currency, minimumFractionDigits: exponent, maximumFractionDigits: exponent })
    .format(Number(toDecimal(value)));
}
