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
		// No card fields here: payment_fields() says the card is taken on the next step, in Settle's frame.
		$this->has_fields         = true;
		$this->supports           = array( 'products', 'refunds' );

		$this->init_form_fields();
		$this->init_settings();
		$this->title       = $this->get_option( 'title', __( 'Card', 'settle-payments' ) );
		$this->description = $this->get_option( 'description', '' );

		add_action( 'woocommerce_update_options_payment_gateways_' . $this->id, array( $this, 'process_admin_options' ) );
		add_action( 'woocommerce_receipt_' . $this->id, array( $this, 'receipt_page' ) );
	}

	/** What the shopper reads under the payment method at checkout (the blocks method says the same). */
	public static function next_step_text() {
		return __( 'You will enter your card on the next step, in a secure payment form from Settle. Your card details go straight to the card processor, never to this store.', 'settle-payments' );
	}

	public function payment_fields() {
		if ( '' !== trim( (string) $this->description ) ) {
			echo '<p>' . esc_html( $this->description ) . '</p>';
		}
		echo '<p class="settle-next-step">' . esc_html( self::next_step_text() ) . '</p>';
	}

	/**
	 * The order-pay page (WooCommerce's receipt step): Settle's payment form, framed by /embed.js.
	 * Paid: the shopper goes to the order-received page. Failed: the message shows and the frame
	 * stays, so the shopper can try again there.
	 *
	 * @param int $order_id WooCommerce order id.
	 */
	public function receipt_page( $order_id ) {
		$order      = wc_get_order( $order_id );
		$payment_id = $order ? (string) $order->get_meta( self::PAYMENT_META, true ) : '';
		if ( '' === $payment_id ) {
			echo '<p class="woocommerce-error">' . esc_html__( 'This order has no card payment started yet. Return to the checkout to pay.', 'settle-payments' ) . '</p>';
			return;
		}
		$settle_url = rtrim( (string) $this->get_option( 'settle_url', '' ), '/' );
		wp_enqueue_script( 'settle-embed', $settle_url . '/embed.js', array(), null, true );
		wp_add_inline_script( 'settle-embed', self::mount_script( $payment_id, $order->get_checkout_order_received_url() ) );

		echo '<div class="settle-payment">';
		echo '<p>' . esc_html__( 'Enter your card below to pay for your order.', 'settle-payments' ) . '</p>';
		echo '<p id="settle-payment-message" class="woocommerce-error" role="alert" hidden></p>';
		echo '<div id="settle-payment-form" data-payment="' . esc_attr( $payment_id ) . '"></div>';
		// Without JavaScript the frame cannot load: Settle's own payment page does the same job.
		echo '<noscript><a class="button" href="' . esc_url( $settle_url . '/pay/' . rawurlencode( $payment_id ) ) . '">'
			. esc_html__( 'Pay on Settle\'s secure page', 'settle-payments' ) . '</a></noscript>';
		echo '</div>';
	}

	/**
	 * The inline script that mounts the payment and follows its outcome. Values are JSON with <, >, &
	 * and quotes escaped, so nothing in them can end the script element.
	 *
	 * @param string $payment_id    Settle's payment id.
	 * @param string $received_url  The order-received page.
	 * @return string
	 */
	public static function mount_script( $payment_id, $received_url ) {
		$flags = JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT;
		$data  = wp_json_encode(
			array(
				'payment'     => (string) $payment_id,
				'receivedUrl' => esc_url_raw( $received_url ),
				'failed'      => __( 'The payment did not go through. Check your card details and try again.', 'settle-payments' ),
			),
			$flags
		);
		return '(function (settle) {'
			. 'var message = document.getElementById("settle-payment-message");'
			. 'window.Settle.mount(document.getElementById("settle-payment-form"), { payment: settle.payment, onOutcome: function (outcome) {'
			// Processing: a bank debit on its way; the order-received page says the store will confirm it.
			. 'if (outcome.status === "paid" || outcome.status === "processing") { window.location.assign(settle.receivedUrl); return; }'
			. 'message.textContent = outcome.message || settle.failed; message.hidden = false;'
			. '} });'
			. '})(' . $data . ');';
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
	 * names the order (and where the shopper returns once paid); the shopper then goes to the order-pay
	 * page, where receipt_page() shows Settle's payment form.
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
					'returnUrl'     => esc_url_raw( $order->get_checkout_order_received_url() ),
				)
			);
		} catch ( Settle_Api_Error $error ) {
			wc_add_notice( $error->getMessage(), 'error' );
			return array( 'result' => 'failure' );
		}
		if ( empty( $answer['payment']['id'] ) ) {
			wc_add_notice( __( 'Settle did not start the payment. Please try again.', 'settle-payments' ), 'error' );
			return array( 'result' => 'failure' );
		}
		$order->update_meta_data( self::PAYMENT_META, (string) $answer['payment']['id'] );
		$order->update_status( 'pending', __( 'Waiting for the card payment through Settle.', 'settle-payments' ) );
		$order->save();
		return array(
			'result'   => 'success',
			'redirect' => $order->get_checkout_payment_url( true ),
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
