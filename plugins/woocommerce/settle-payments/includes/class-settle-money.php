<?php
/**
 * Converts WooCommerce's decimal amounts ("12.50") to integer minor units with string arithmetic,
 * so no float ever rounds money (JPY has 0 decimals, KWD 3).
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

class Settle_Money {
	/**
	 * @param string|int|float $amount   A decimal amount as WooCommerce gives it.
	 * @param int              $decimals The currency's decimals (wc_get_price_decimals()).
	 * @return int Minor units.
	 * @throws InvalidArgumentException When the amount is not a plain decimal or has more decimals than the currency.
	 */
	public static function to_minor( $amount, $decimals ) {
		$text = is_string( $amount ) ? trim( $amount ) : (string) $amount;
		if ( ! preg_match( '/^(\d+)(?:\.(\d*))?$/', $text, $parts ) ) {
			throw new InvalidArgumentException( 'Not an amount: ' . $text );
		}
		$fraction = isset( $parts[2] ) ? rtrim( $parts[2], '0' ) : '';
		if ( strlen( $fraction ) > $decimals ) {
			throw new InvalidArgumentException( 'More decimals than the currency has: ' . $text );
		}
		$digits = ltrim( $parts[1] . str_pad( $fraction, $decimals, '0' ), '0' );
		if ( '' === $digits ) {
			return 0;
		}
		if ( strlen( $digits ) > 15 ) {
			throw new InvalidArgumentException( 'Amount too large: ' . $text );
		}
		return (int) $digits;
	}
}
