<?php
/**
 * Plugin Name:          Settle Payments
 * Plugin URI:           https://settle.example/woocommerce
 * Description:          Take card payments in WooCommerce through Settle, with refunds, payouts and books kept in step.
 * Version:              0.1.0
 * Requires at least:    6.0
 * Requires PHP:         7.4
 * WC requires at least: 8.0
 * WC tested up to:      9.4
 * Author:               Settle
 * License:              GPL-2.0-or-later
 * License URI:          https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:          settle-payments
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

define( 'SETTLE_PAYMENTS_VERSION', '0.1.0' );
define( 'SETTLE_PAYMENTS_FILE', __FILE__ );
define( 'SETTLE_PAYMENTS_DIR', __DIR__ );

require_once SETTLE_PAYMENTS_DIR . '/includes/class-settle-money.php';
require_once SETTLE_PAYMENTS_DIR . '/includes/class-settle-api.php';

// HPOS and the Cart/Checkout blocks: the gateway reads orders only through WC_Order, so both are safe.
add_action( 'before_woocommerce_init', 'settle_payments_declare_compatibility' );

function settle_payments_declare_compatibility() {
	if ( class_exists( '\Automattic\WooCommerce\Utilities\FeaturesUtil' ) ) {
		\Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility( 'custom_order_tables', SETTLE_PAYMENTS_FILE, true );
		\Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility( 'cart_checkout_blocks', SETTLE_PAYMENTS_FILE, true );
	}
}

add_action( 'plugins_loaded', 'settle_payments_init', 11 );

/**
 * Loads the gateway once WooCommerce is there; without it, only an admin notice (no fatal error).
 */
function settle_payments_init() {
	if ( ! class_exists( 'WC_Payment_Gateway' ) ) {
		add_action( 'admin_notices', 'settle_payments_missing_wc_notice' );
		return;
	}
	require_once SETTLE_PAYMENTS_DIR . '/includes/class-settle-gateway.php';
	require_once SETTLE_PAYMENTS_DIR . '/includes/class-settle-admin.php';

	add_filter( 'woocommerce_payment_gateways', 'settle_payments_add_gateway' );
	add_action( 'woocommerce_blocks_payment_method_type_registration', 'settle_payments_register_block_method' );
	Settle_Admin::register();
}

/**
 * @param array $gateways Gateway class names.
 * @return array
 */
function settle_payments_add_gateway( $gateways ) {
	$gateways[] = 'Settle_Gateway';
	return $gateways;
}

/**
 * @param object $registry Automattic\WooCommerce\Blocks\Payments\PaymentMethodRegistry.
 */
function settle_payments_register_block_method( $registry ) {
	if ( ! class_exists( '\Automattic\WooCommerce\Blocks\Payments\Integrations\AbstractPaymentMethodType' ) ) {
		return;
	}
	require_once SETTLE_PAYMENTS_DIR . '/includes/class-settle-blocks.php';
	$registry->register( new Settle_Blocks_Method() );
}

function settle_payments_missing_wc_notice() {
	echo '<div class="notice notice-error"><p>'
		. esc_html__( 'Settle Payments needs WooCommerce to be installed and active.', 'settle-payments' )
		. '</p></div>';
}
