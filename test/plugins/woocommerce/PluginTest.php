<?php

use Automattic\WooCommerce\Utilities\FeaturesUtil;
use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/woocommerce-classes.php';

final class PluginTest extends TestCase {
	private static function run_hook( $hook, ...$args ) {
		$result = $args[0] ?? null;
		foreach ( Settle_Harness::$hooks[ $hook ] ?? array() as $callback ) {
			$out = call_user_func_array( $callback, $args );
			if ( null !== $out ) {
				$result = $out;
			}
		}
		return $result;
	}

	public function test_with_woocommerce_the_gateway_blocks_method_and_compatibility_are_registered(): void {
		Settle_Harness::reset();
		Settle_Harness::$options['woocommerce_settle_settings'] = array( 'enabled' => 'yes', 'title' => 'Card' );
		require_once dirname( __DIR__, 3 ) . '/plugins/woocommerce/settle-payments/settle-payments.php';
		// require_once runs the file once per process; the hooks it added are in a fresh harness only the first time.
		if ( empty( Settle_Harness::$hooks['plugins_loaded'] ) ) {
			add_action( 'before_woocommerce_init', 'settle_payments_declare_compatibility' );
			add_action( 'plugins_loaded', 'settle_payments_init' );
		}

		self::run_hook( 'before_woocommerce_init' );
		$features = array_column( FeaturesUtil::$declared, 0 );
		$this->assertContains( 'custom_order_tables', $features );
		$this->assertContains( 'cart_checkout_blocks', $features );

		self::run_hook( 'plugins_loaded' );
		$this->assertArrayNotHasKey( 'admin_notices', Settle_Harness::$hooks );
		$this->assertSame( array( 'WC_Cash', 'Settle_Gateway' ), self::run_hook( 'woocommerce_payment_gateways', array( 'WC_Cash' ) ) );

		$registry = new class() {
			public $methods = array();
			public function register( $method ) {
				$this->methods[] = $method;
			}
		};
		self::run_hook( 'woocommerce_blocks_payment_method_type_registration', $registry );
		$this->assertCount( 1, $registry->methods );
		$method = $registry->methods[0];
		$this->assertSame( 'settle', $method->get_name() );
		$method->initialize();
		$this->assertTrue( $method->is_active() );
		$data = $method->get_payment_method_data();
		$this->assertSame( 'Card', $data['title'] );
		// The block checkout says what the classic one says: the card comes on the next step, in Settle's form.
		$this->assertSame( Settle_Gateway::next_step_text(), $data['nextStep'] );
		$this->assertStringContainsString( 'secure payment form from Settle', $data['nextStep'] );
	}

	public function test_uninstall_removes_the_plugins_options_and_nothing_else(): void {
		Settle_Harness::reset();
		Settle_Harness::$options = array(
			'woocommerce_settle_settings' => array( 'api_key' => 'sk' ),
			'settle_payments_connection'  => array( 'store' => 'x' ),
			'woocommerce_currency'        => 'USD',
		);
		if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
			define( 'WP_UNINSTALL_PLUGIN', 'settle-payments/settle-payments.php' );
		}
		include dirname( __DIR__, 3 ) . '/plugins/woocommerce/settle-payments/uninstall.php';
		$this->assertSame( array( 'woocommerce_currency' => 'USD' ), Settle_Harness::$options );
	}
}
