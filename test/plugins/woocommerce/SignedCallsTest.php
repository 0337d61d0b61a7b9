<?php

use PHPUnit\Framework\TestCase;

/** The plugin signs its calls to Settle and its sign-in link with the site's connection secret. */
final class SignedCallsTest extends TestCase {
	const SECRET = 'sss_0123456789abcdef';

	protected function setUp(): void {
		Settle_Harness::reset();
		Settle_Harness::$options['woocommerce_settle_settings'] = array(
			'enabled'           => 'yes',
			'settle_url'        => 'https://settle.test/',
			'api_key'           => 'sk_live_merchant',
			'store_id'          => 'mer_42',
			'connection_secret' => self::SECRET,
		);
	}

	public function test_the_checkout_call_carries_a_signature_over_the_exact_body(): void {
		Settle_Harness::$orders[42] = new WC_Order( 42 );
		Settle_Harness::$responses[] = array( 'status' => 201, 'body' => json_encode( array( 'payment' => array( 'id' => 'pay_9' ), 'payUrl' => 'https://settle.test/pay/pay_9' ) ) );
		$before = time();

		( new Settle_Gateway() )->process_payment( 42 );

		$args = Settle_Harness::$requests[0]['args'];
		$this->assertMatchesRegularExpression( '/^t=(\d+),v1=([0-9a-f]{64})$/', $args['headers']['X-Settle-Signature'] );
		preg_match( '/^t=(\d+),v1=([0-9a-f]{64})$/', $args['headers']['X-Settle-Signature'], $parts );
		$this->assertGreaterThanOrEqual( $before, (int) $parts[1] );
		$this->assertLessThanOrEqual( time(), (int) $parts[1] );
		// What Settle computes: HMAC-SHA256(secret, "<t>.<raw body>").
		$this->assertSame( hash_hmac( 'sha256', $parts[1] . '.' . $args['body'], self::SECRET ), $parts[2] );
	}

	public function test_the_refund_call_is_signed_too(): void {
		$order = new WC_Order( 7 );
		$order->meta[ Settle_Gateway::PAYMENT_META ] = 'pay_7';
		Settle_Harness::$orders[7] = $order;
		Settle_Harness::$responses[] = array( 'status' => 201, 'body' => json_encode( array( 'refund' => array( 'id' => 're_1', 'status' => 'succeeded' ) ) ) );

		( new Settle_Gateway() )->process_refund( 7, '5.00', 'damaged' );

		$args = Settle_Harness::$requests[0]['args'];
		$this->assertSame( 'https://settle.test/api/payments/pay_7/refunds', Settle_Harness::$requests[0]['url'] );
		$this->assertSame( Settle_Api::signature( self::SECRET, $args['body'], (int) substr( explode( ',', $args['headers']['X-Settle-Signature'] )[0], 2 ) ), $args['headers']['X-Settle-Signature'] );
	}

	public function test_without_a_connection_secret_no_signature_is_sent(): void {
		unset( Settle_Harness::$options['woocommerce_settle_settings']['connection_secret'] );
		Settle_Harness::$orders[42] = new WC_Order( 42 );
		Settle_Harness::$responses[] = array( 'status' => 201, 'body' => json_encode( array( 'payment' => array( 'id' => 'pay_9' ), 'payUrl' => 'https://settle.test/pay/pay_9' ) ) );

		( new Settle_Gateway() )->process_payment( 42 );

		$this->assertArrayNotHasKey( 'X-Settle-Signature', Settle_Harness::$requests[0]['args']['headers'] );
	}

	public function test_the_signature_is_the_documented_hmac(): void {
		$this->assertSame(
			't=1700000000,v1=' . hash_hmac( 'sha256', '1700000000.{"a":1}', 'k' ),
			Settle_Api::signature( 'k', '{"a":1}', 1700000000 )
		);
	}

	public function test_the_sso_link_names_the_store_and_is_signed_with_the_secret(): void {
		$link = Settle_Admin::sso_link( 1700000000 );

		$this->assertSame(
			'https://settle.test/admin/sso?store=mer_42&t=1700000000&sig=' . hash_hmac( 'sha256', 'sso.mer_42.1700000000', self::SECRET ),
			$link
		);
	}

	public function test_no_sso_link_without_the_store_id_or_secret(): void {
		unset( Settle_Harness::$options['woocommerce_settle_settings']['store_id'] );
		$this->assertSame( '', Settle_Admin::sso_link( 1700000000 ) );
	}

	public function test_the_connect_button_links_to_settles_start_url_for_this_store(): void {
		$this->assertSame( 'https://settle.test/connect/woocommerce?site=https%3A%2F%2Fshop.test%2F', Settle_Admin::connect_link( 'https://shop.test/' ) );
		unset( Settle_Harness::$options['woocommerce_settle_settings']['settle_url'] );
		$this->assertSame( '', Settle_Admin::connect_link( 'https://shop.test/' ) );
	}
}
