<?php
/**
 * The Settle payment method in the Cart and Checkout blocks. Placing the order runs the gateway's
 * process_payment, whose redirect brings the shopper to the order-pay page with Settle's payment form.
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

use Automattic\WooCommerce\Blocks\Payments\Integrations\AbstractPaymentMethodType;

final class Settle_Blocks_Method extends AbstractPaymentMethodType {
	/** @var string */
	protected $name = 'settle';

	public function initialize() {
		$this->settings = get_option( 'woocommerce_settle_settings', array() );
	}

	public function is_active() {
		return is_array( $this->settings ) && isset( $this->settings['enabled'] ) && 'yes' === $this->settings['enabled'];
	}

	public function get_payment_method_script_handles() {
		wp_register_script(
			'settle-payments-blocks',
			plugins_url( 'assets/settle-blocks.js', SETTLE_PAYMENTS_FILE ),
			array( 'wc-blocks-registry', 'wp-element', 'wp-html-entities' ),
			SETTLE_PAYMENTS_VERSION,
			true
		);
		return array( 'settle-payments-blocks' );
	}

	public function get_payment_method_data() {
		return array(
			'title'       => isset( $this->settings['title'] ) ? $this->settings['title'] : __( 'Card', 'settle-payments' ),
			'description' => isset( $this->settings['description'] ) ? $this->settings['description'] : '',
			// As in the classic checkout: the card is taken on the order-pay page, in Settle's frame.
			'nextStep'    => Settle_Gateway::next_step_text(),
			'supports'    => array( 'products', 'refunds' ),
		);
	}
}
