<?php

use PHPUnit\Framework\TestCase;

final class GatewayTest extends TestCase {
	protected function setUp(): void {
		Settle_Harness::reset();
		Settle_Harness::$options['woocommerce_settle_settings'] = array(
			'enabled'    => 'yes',
			'settle_url' => 'https://settle.test/',
			'api_key'    => 'sk_live_merchant',
		);
	}

	private function answer( $status, array $body ) {
		Settle_Harness::$responses[] = array( 'status' => $status, 'body' => json_encode( $body ) );
	}

	private function paid_order( $id, $payment_id = 'pay_123' ) {
		$order = new WC_Order( $id );
		$order->meta[ Settle_Gateway::PAYMENT_META ] = $payment_id;
		Settle_Harness::$orders[ $id ] = $order;
		return $order;
	}

	public function test_payment_asks_settle_for_the_order_and_sends_the_shopper_to_the_order_pay_page(): void {
		$order = new WC_Order( 42 );
		Settle_Harness::$orders[42] = $order;
		$this->answer( 201, array( 'payment' => array( 'id' => 'pay_9' ), 'payUrl' => 'https://settle.test/pay/pay_9' ) );

		$result = ( new Settle_Gateway() )->process_payment( 42 );

		// Settle's form is shown inside the store, on WooCommerce's order-pay page, not on Settle's site.
		$this->assertSame( array( 'result' => 'success', 'redirect' => 'https://shop.test/checkout/order-pay/42/?key=wc_order_test' ), $result );
		$this->assertCount( 1, Settle_Harness::$requests );
		$request = Settle_Harness::$requests[0];
		$this->assertSame( 'https://settle.test/api/checkouts', $request['url'] );
		$this->assertSame( 'Bearer sk_live_merchant', $request['args']['headers']['Authorization'] );
		$this->assertSame( 'application/json', $request['args']['headers']['Content-Type'] );
		// Settle's endpoint is strict: it takes the order id (and reads amounts from WooCommerce itself) and where the shopper returns.
		$this->assertSame(
			array( 'storePlatform' => 'woocommerce', 'orderId' => '42', 'returnUrl' => 'https://shop.test/checkout/order-received/42/?key=wc_order_test' ),
			json_decode( $request['args']['body'], true )
		);
		$this->assertSame( 'pending', $order->status );
		$this->assertSame( 'pay_9', $order->meta[ Settle_Gateway::PAYMENT_META ] );
		$this->assertSame( 1, $order->saved );
		$this->assertSame( array(), Settle_Harness::$notices );
	}

	/** @return array{html:string,script:string} */
	private function receipt( $order_id ) {
		ob_start();
		( new Settle_Gateway() )->receipt_page( $order_id );
		$html = (string) ob_get_clean();
		$inline = isset( Settle_Harness::$scripts['settle-embed'] ) ? Settle_Harness::$scripts['settle-embed']['inline'] : array();
		return array( 'html' => $html, 'script' => implode( "\n", $inline ) );
	}

	public function test_the_order_pay_page_mounts_settles_form_for_the_orders_payment(): void {
		$this->paid_order( 60, 'pay_AbCdEfGhIjKlMnOpQrStUv' );

		$page = $this->receipt( 60 );

		$this->assertSame( 'https://settle.test/embed.js', Settle_Harness::$scripts['settle-embed']['src'] );
		$this->assertStringContainsString( '<div id="settle-payment-form" data-payment="pay_AbCdEfGhIjKlMnOpQrStUv"></div>', $page['html'] );
		$this->assertStringContainsString( 'window.Settle.mount(document.getElementById("settle-payment-form")', $page['script'] );
		$this->assertSame( 1, preg_match( '/\}\)\((\{.*\})\);$/', $page['script'], $m ) );
		$data = json_decode( $m[1], true );
		$this->assertSame( 'pay_AbCdEfGhIjKlMnOpQrStUv', $data['payment'] );
		$this->assertSame( 'https://shop.test/checkout/order-received/60/?key=wc_order_test', $data['receivedUrl'] );
		// Paid goes to the order-received page; a failure shows its message and leaves the frame to retry in.
		$this->assertStringContainsString( 'outcome.status === "paid"', $page['script'] );
		$this->assertStringContainsString( 'window.location.assign(settle.receivedUrl)', $page['script'] );
		$this->assertStringContainsString( 'message.hidden = false', $page['script'] );
		$this->assertStringContainsString( 'href="https://settle.test/pay/pay_AbCdEfGhIjKlMnOpQrStUv"', $page['html'] );
	}

	public function test_nothing_from_the_order_can_break_out_of_the_page_or_the_script(): void {
		$order      = $this->paid_order( 61, 'pay_"><script>alert(1)</script>' );
		$order->key = 'k</script><script>alert(2)</script>&x=\'1\'';

		$page = $this->receipt( 61 );

		$this->assertStringNotContainsString( '<script>', $page['html'] );
		$this->assertStringContainsString( 'data-payment="pay_&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"', $page['html'] );
		$this->assertStringNotContainsString( '</script>', $page['script'] );
		$this->assertStringNotContainsString( "'", $page['script'] );
		$this->assertSame( 1, preg_match( '/\}\)\((\{.*\})\);$/', $page['script'], $m ) );
		$this->assertSame( 'pay_"><script>alert(1)</script>', json_decode( $m[1], true )['payment'] );
	}

	public function test_an_order_without_a_payment_gets_a_message_and_no_script(): void {
		Settle_Harness::$orders[62] = new WC_Order( 62 );

		$page = $this->receipt( 62 );

		$this->assertStringContainsString( 'This order has no card payment started yet.', $page['html'] );
		$this->assertSame( array(), Settle_Harness::$scripts );
	}

	public function test_checkout_tells_the_shopper_the_card_comes_next_securely(): void {
		Settle_Harness::$options['woocommerce_settle_settings']['description'] = 'Visa & Mastercard <b>accepted</b>';
		ob_start();
		( new Settle_Gateway() )->payment_fields();
		$html = (string) ob_get_clean();

		$this->assertStringContainsString( '<p>Visa &amp; Mastercard &lt;b&gt;accepted&lt;/b&gt;</p>', $html );
		$this->assertStringContainsString( 'You will enter your card on the next step, in a secure payment form from Settle.', $html );
	}

	public function test_the_order_pay_page_is_where_the_gateway_shows_its_form(): void {
		new Settle_Gateway();
		$this->assertCount( 1, Settle_Harness::$hooks['woocommerce_receipt_settle'] );
		$this->assertSame( 'receipt_page', Settle_Harness::$hooks['woocommerce_receipt_settle'][0][1] );
	}

	public function test_a_refused_payment_becomes_a_checkout_notice(): void {
		$order = new WC_Order( 43 );
		Settle_Harness::$orders[43] = $order;
		$this->answer( 404, array( 'error' => array( 'code' => 'not_found', 'message' => 'No such order in the store' ) ) );

		$result = ( new Settle_Gateway() )->process_payment( 43 );

		$this->assertSame( array( 'result' => 'failure' ), $result );
		$this->assertSame( 'error', Settle_Harness::$notices[0][0] );
		$this->assertStringContainsString( 'No such order in the store', Settle_Harness::$notices[0][1] );
		$this->assertSame( 'checkout-draft', $order->status );
	}

	public function test_an_unreachable_settle_becomes_a_checkout_notice(): void {
		Settle_Harness::$orders[44] = new WC_Order( 44 );
		Settle_Harness::$responses[] = new WP_Error( 'http_request_failed', 'cURL error 7' );

		$result = ( new Settle_Gateway() )->process_payment( 44 );

		$this->assertSame( 'failure', $result['result'] );
		$this->assertSame( array( array( 'error', 'Settle could not be reached. Please try again.' ) ), Settle_Harness::$notices );
	}

	public function test_without_settings_no_request_is_sent(): void {
		Settle_Harness::$options['woocommerce_settle_settings'] = array( 'enabled' => 'yes' );
		Settle_Harness::$orders[45] = new WC_Order( 45 );

		$result = ( new Settle_Gateway() )->process_payment( 45 );

		$this->assertSame( 'failure', $result['result'] );
		$this->assertSame( array(), Settle_Harness::$requests );
		$this->assertStringContainsString( 'not connected', Settle_Harness::$notices[0][1] );
	}

	public function test_a_store_refund_is_sent_in_minor_units_with_origin_store_and_the_refund_id(): void {
		$order            = $this->paid_order( 50 );
		$order->refunds[] = new WC_Order_Refund( 77 );
		$this->answer( 201, array( 'refund' => array( 'id' => 'ref_1', 'status' => 'succeeded' ) ) );

		$result = ( new Settle_Gateway() )->process_refund( 50, '15.00', 'Late delivery' );

		$this->assertTrue( $result );
		$request = Settle_Harness::$requests[0];
		$this->assertSame( 'https://settle.test/api/payments/pay_123/refunds', $request['url'] );
		$this->assertSame( 'Bearer sk_live_merchant', $request['args']['headers']['Authorization'] );
		$this->assertSame(
			array( 'amount' => 1500, 'origin' => 'store', 'storeRefundId' => '77', 'reason' => 'Late delivery' ),
			json_decode( $request['args']['body'], true )
		);
	}

	/** @return array<string,array{int,string,int}> */
	public function currencies(): array {
		return array(
			'USD cents'            => array( 2, '10.10', 1010 ),
			'JPY no decimals'      => array( 0, '1500', 1500 ),
			'KWD three decimals'   => array( 3, '12.345', 12345 ),
			'KWD short fraction'   => array( 3, '0.5', 500 ),
			'float-unsafe amount'  => array( 2, '0.29', 29 ),
			'large amount'         => array( 2, '1234567.89', 123456789 ),
		);
	}

	/** @dataProvider currencies */
	public function test_refund_amounts_use_the_currency_decimals( int $decimals, string $amount, int $minor ): void {
		Settle_Harness::$decimals = $decimals;
		$this->paid_order( 51 );
		$this->answer( 201, array( 'refund' => array( 'status' => 'succeeded' ) ) );

		$this->assertTrue( ( new Settle_Gateway() )->process_refund( 51, $amount, '' ) );

		$body = json_decode( Settle_Harness::$requests[0]['args']['body'], true );
		$this->assertSame( $minor, $body['amount'] );
		$this->assertArrayNotHasKey( 'reason', $body );
		$this->assertArrayNotHasKey( 'storeRefundId', $body );
	}

	public function test_more_decimals_than_the_currency_has_is_refused_before_asking_settle(): void {
		Settle_Harness::$decimals = 0;
		$this->paid_order( 52 );

		$result = ( new Settle_Gateway() )->process_refund( 52, '10.5', '' );

		$this->assertInstanceOf( WP_Error::class, $result );
		$this->assertSame( array(), Settle_Harness::$requests );
	}

	public function test_a_failed_refund_is_reported_to_the_merchant(): void {
		$this->paid_order( 53 );
		$this->answer( 202, array( 'refund' => array( 'status' => 'failed', 'failureMessage' => 'The refund failed: insufficient balance' ) ) );

		$result = ( new Settle_Gateway() )->process_refund( 53, '5.00', '' );

		$this->assertInstanceOf( WP_Error::class, $result );
		$this->assertSame( 'The refund failed: insufficient balance', $result->get_error_message() );
	}

	public function test_a_refused_refund_is_reported_with_settles_message(): void {
		$this->paid_order( 54 );
		$this->answer( 400, array( 'error' => array( 'code' => 'invalid', 'message' => 'amount: more than what remains' ) ) );

		$result = ( new Settle_Gateway() )->process_refund( 54, '999.00', '' );

		$this->assertInstanceOf( WP_Error::class, $result );
		$this->assertStringContainsString( 'more than what remains', $result->get_error_message() );
	}

	public function test_an_order_not_paid_through_settle_is_not_refunded(): void {
		Settle_Harness::$orders[55] = new WC_Order( 55 );

		$result = ( new Settle_Gateway() )->process_refund( 55, '5.00', '' );

		$this->assertInstanceOf( WP_Error::class, $result );
		$this->assertSame( array(), Settle_Harness::$requests );
	}
}
