<?php
/**
 * The Settle payment gateway: asks Settle to create the payment for an order, and sends refunds made in
 * the WooCommerce admin to Settle.
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

class Settle_Gateway extends WC_Payment_Gateway {
	/** Order meta holding Settle's payment id, needed to refund later. */
	const PAYMENT_META = '_settle_payment_id';

	public function __construct() {
		$this->id                 = 'settle';
		$this->method_title       = __( 'Settle', 'settle-payments' );
		$this->method_description = __( 'Card payments through Settle.', 'settle-payments' );
		$this->has_fields         = false;
		$this->supports           = array( 'products', 'refunds' );

		$this->init_form_fields();
		$this->init_settings();
		$this->title       = $this->get_option( 'title', __( 'Card', 'settle-payments' ) );
		$this->description = $this->get_option( 'description', '' );

		add_action( 'woocommerce_update_options_payment_gateways_' . $this->id, array( $this, 'process_admin_options' ) );
	}

	public function init_form_fields() {
		$this->form_fields = array(
			'enabled'     => array(
				'title'   => __( 'Enable', 'settle-payments' ),
				'type'    => 'checkbox',
				'label'   => __( 'Take payments through Settle', 'settle-payments' ),
				'default' => 'no',
			),
			'title'       => array(
				'title'   => __( 'Title', 'settle-payments' ),
				'type'    => 'text',
				'default' => __( 'Card', 'settle-payments' ),
			),
			'description' => array(
				'title'   => __( 'Description', 'settle-payments' ),
				'type'    => 'textarea',
				'default' => '',
			),
			'settle_url'  => array(
				'title'       => __( 'Settle URL', 'settle-payments' ),
				'type'        => 'text',
				'description' => __( 'The address of your Settle, e.g. https://settle.example.com', 'settle-payments' ),
				'default'     => '',
			),
			'api_key'     => array(
				'title'   => __( 'API key', 'settle-payments' ),
				'type'    => 'password',
				'default' => '',
			),
			'store_id'          => array(
				'title'       => __( 'Store id', 'settle-payments' ),
				'type'        => 'text',
				'description' => __( 'Shown by Settle with the connection secret when you connect WooCommerce.', 'settle-payments' ),
				'default'     => '',
			),
			'connection_secret' => array(
				'title'       => __( 'Connection secret', 'settle-payments' ),
				'type'        => 'password',
				'description' => __( 'Signs this site\'s calls to Settle and the sign-in link to Settle\'s admin.', 'settle-payments' ),
				'default'     => '',
			),
			'test_mode'   => array(
				'title'   => __( 'Test mode', 'settle-payments' ),
				'type'    => 'checkbox',
				'label'   => __( 'Take test payments only (no real card is charged)', 'settle-payments' ),
				'default' => 'no',
			),
			'connection'  => array(
				'title'       => __( 'Connection', 'settle-payments' ),
				'type'        => 'title',
				'description' => $this->connection_status(),
			),
		);
	}

	/** @return string The connection status shown in the settings. */
	public function connection_status() {
		$connected = '' !== (string) $this->get_option( 'settle_url', '' ) && '' !== (string) $this->get_option( 'api_key', '' );
		return $connected ? __( 'Connected to Settle.', 'settle-payments' ) : __( 'Not connected: enter the Settle URL and API key.', 'settle-payments' );
	}

	/** @return Settle_Api */
	protected function api() {
		return new Settle_Api( $this->get_option( 'settle_url', '' ), $this->get_option( 'api_key', '' ), $this->get_option( 'connection_secret', '' ) );
	}

	/**
	 * Settle reads the amounts and lines from the order through WooCommerce's REST API, so the request
	 * names the order only; the shopper is sent to Settle's payment page.
	 *
	 * @param int $order_id WooCommerce order id.
	 * @return array
	 */
	public function process_payment( $order_id ) {
		$order = wc_get_order( $order_id );
		if ( ! $order ) {
			wc_add_notice( __( 'That order could not be found.', 'settle-payments' ), 'error' );
			return array( 'result' => 'failure' );
		}
		try {
			$answer = $this->api()->post(
				'/api/checkouts',
				array(
					'storePlatform' => 'woocommerce',
					'orderId'       => (string) $order->get_id(),
				)
			);
		} catch ( Settle_Api_Error $error ) {
			wc_add_notice( $error->getMessage(), 'error' );
			return array( 'result' => 'failure' );
		}
		if ( empty( $answer['payUrl'] ) || empty( $answer['payment']['id'] ) ) {
			wc_add_notice( __( 'Settle did not start the payment. Please try again.', 'settle-payments' ), 'error' );
			return array( 'result' => 'failure' );
		}
		$order->update_meta_data( self::PAYMENT_META, (string) $answer['payment']['id'] );
		$order->update_status( 'pending', __( 'Waiting for the card payment through Settle.', 'settle-payments' ) );
		$order->save();
		return array(
			'result'   => 'success',
			'redirect' => (string) $answer['payUrl'],
		);
	}

	/**
	 * Sends a refund made in the WooCommerce admin to Settle with origin "store" (the order already shows
	 * it) and the WooCommerce refund id, so asking twice refunds once.
	 *
	 * @param int        $order_id WooCommerce order id.
	 * @param float|null $amount   Decimal amount; WooCommerce passes it as a string or float.
	 * @param string     $reason   The merchant's reason.
	 * @return bool|WP_Error
	 */
	public function process_refund( $order_id, $amount = null, $reason = '' ) {
		$order = wc_get_order( $order_id );
		if ( ! $order ) {
			return new WP_Error( 'settle_refund', __( 'That order could not be found.', 'settle-payments' ) );
		}
		$payment_id = (string) $order->get_meta( self::PAYMENT_META, true );
		if ( '' === $payment_id ) {
			return new WP_Error( 'settle_refund', __( 'This order was not paid through Settle.', 'settle-payments' ) );
		}
		try {
			$minor = Settle_Money::to_minor( null === $amount ? '' : wc_format_decimal( $amount ), wc_get_price_decimals() );
		} catch ( InvalidArgumentException $error ) {
			return new WP_Error( 'settle_refund', $error->getMessage() );
		}
		if ( $minor <= 0 ) {
			return new WP_Error( 'settle_refund', __( 'Enter an amount to refund.', 'settle-payments' ) );
		}
		$body = array(
			'amount' => $minor,
			'origin' => 'store',
		);
		$refund_id = $this->latest_refund_id( $order );
		if ( '' !== $refund_id ) {
			$body['storeRefundId'] = $refund_id;
		}
		if ( '' !== trim( (string) $reason ) ) {
			$body['reason'] = substr( trim( (string) $reason ), 0, 500 );
		}
		try {
			$answer = $this->api()->post( '/api/payments/' . rawurlencode( $payment_id ) . '/refunds', $body );
		} catch ( Settle_Api_Error $error ) {
			return new WP_Error( 'settle_refund', $error->getMessage() );
		}
		$status = isset( $answer['refund']['status'] ) ? (string) $answer['refund']['status'] : '';
		if ( 'failed' === $status ) {
			$message = isset( $answer['refund']['failureMessage'] ) ? (string) $answer['refund']['failureMessage'] : __( 'The refund failed.', 'settle-payments' );
			return new WP_Error( 'settle_refund', $message );
		}
		/* translators: %s: Settle's refund status */
		$order->add_order_note( sprintf( __( 'Refund sent to Settle (%s).', 'settle-payments' ), $status ) );
		return true;
	}

	/**
	 * WooCommerce creates the refund post before calling process_refund, so the newest refund is this one.
	 *
	 * @param WC_Order $order The order.
	 * @return string
	 */
	private function latest_refund_id( $order ) {
		$refunds = $order->get_refunds();
		if ( empty( $refunds ) ) {
			return '';
		}
		$latest = reset( $refunds );
		return (string) $latest->get_id();
	}
}
