<?php
/**
 * A tiny stand-in for the WordPress and WooCommerce functions the plugin uses, so its logic runs under
 * PHPUnit without WordPress. HTTP calls are captured in Settle_Harness::$requests and answered from
 * Settle_Harness::$responses. wordpress-cli.php defines real HTTP and a WC_Order kept in the store
 * before loading this file, so those stand-ins are only declared when not already there.
 */

if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}

class Settle_Harness {
	/** @var array<int,array{url:string,args:array}> */
	public static $requests = array();
	/** @var array Queue of answers: array('status'=>int,'body'=>string) or a WP_Error. */
	public static $responses = array();
	/** @var array<int,array{0:string,1:string}> */
	public static $notices = array();
	/** @var array<string,array> */
	public static $hooks = array();
	/** @var array<string,mixed> */
	public static $options = array();
	/** @var array<int,WC_Order> */
	public static $orders = array();
	/** @var int */
	public static $decimals = 2;
	/** @var array<string,array{src:string,inline:array<int,string>}> Scripts enqueued by handle. */
	public static $scripts = array();

	public static function reset() {
		self::$requests  = array();
		self::$responses = array();
		self::$notices   = array();
		self::$hooks     = array();
		self::$options   = array();
		self::$orders    = array();
		self::$decimals  = 2;
		self::$scripts   = array();
	}
}

class WP_Error {
	private $code;
	private $message;
	public function __construct( $code = '', $message = '' ) {
		$this->code    = $code;
		$this->message = $message;
	}
	public function get_error_code() {
		return $this->code;
	}
	public function get_error_message() {
		return $this->message;
	}
}

function add_action( $hook, $callback, $priority = 10, $args = 1 ) {
	Settle_Harness::$hooks[ $hook ][] = $callback;
	return true;
}
function add_filter( $hook, $callback, $priority = 10, $args = 1 ) {
	return add_action( $hook, $callback, $priority, $args );
}
function apply_filters( $hook, $value ) {
	foreach ( isset( Settle_Harness::$hooks[ $hook ] ) ? Settle_Harness::$hooks[ $hook ] : array() as $callback ) {
		$value = call_user_func( $callback, $value );
	}
	return $value;
}
function do_action( $hook ) {
	foreach ( isset( Settle_Harness::$hooks[ $hook ] ) ? Settle_Harness::$hooks[ $hook ] : array() as $callback ) {
		call_user_func( $callback );
	}
}
function __( $text, $domain = 'default' ) {
	return $text;
}
function esc_html__( $text, $domain = 'default' ) {
	return htmlspecialchars( $text, ENT_QUOTES );
}
function esc_html( $text ) {
	return htmlspecialchars( (string) $text, ENT_QUOTES );
}
/** As WordPress's: only http(s) URLs survive, and the result is safe in an attribute. */
function esc_url_raw( $url ) {
	return preg_match( '#^https?://#i', (string) $url ) ? (string) $url : '';
}
function esc_url( $url ) {
	return htmlspecialchars( esc_url_raw( $url ), ENT_QUOTES );
}
function esc_attr( $text ) {
	return htmlspecialchars( (string) $text, ENT_QUOTES );
}
function wp_enqueue_script( $handle, $src = '', $deps = array(), $ver = false, $footer = false ) {
	Settle_Harness::$scripts[ $handle ] = array( 'src' => $src, 'inline' => array() );
}
function wp_add_inline_script( $handle, $data, $position = 'after' ) {
	Settle_Harness::$scripts[ $handle ]['inline'][] = $data;
	return true;
}
function get_option( $name, $default = false ) {
	return array_key_exists( $name, Settle_Harness::$options ) ? Settle_Harness::$options[ $name ] : $default;
}
function delete_option( $name ) {
	unset( Settle_Harness::$options[ $name ] );
	return true;
}
function wp_json_encode( $data, $options = 0 ) {
	return json_encode( $data, $options );
}
function is_wp_error( $thing ) {
	return $thing instanceof WP_Error;
}
if ( ! function_exists( 'wp_remote_post' ) ) {
	function wp_remote_post( $url, $args = array() ) {
		Settle_Harness::$requests[] = array( 'url' => $url, 'args' => $args );
		$next = array_shift( Settle_Harness::$responses );
		return null === $next ? new WP_Error( 'http_request_failed', 'no answer queued' ) : $next;
	}
	function wp_remote_retrieve_response_code( $response ) {
		return $response['status'];
	}
	function wp_remote_retrieve_body( $response ) {
		return $response['body'];
	}
}
function wc_add_notice( $message, $type = 'success' ) {
	Settle_Harness::$notices[] = array( $type, $message );
}
if ( ! function_exists( 'wc_get_order' ) ) {
	function wc_get_order( $id ) {
		return isset( Settle_Harness::$orders[ (int) $id ] ) ? Settle_Harness::$orders[ (int) $id ] : false;
	}
}
function wc_get_price_decimals() {
	return Settle_Harness::$decimals;
}
/** As WooCommerce's: a string with a dot, no float formatting surprises for strings. */
function wc_format_decimal( $number ) {
	return is_string( $number ) ? trim( $number ) : rtrim( rtrim( sprintf( '%.8F', $number ), '0' ), '.' );
}

class WC_Settings_API {
	public $id       = '';
	public $settings = array();
	public $form_fields = array();
	public function init_settings() {
		$saved          = get_option( 'woocommerce_' . $this->id . '_settings', array() );
		$this->settings = is_array( $saved ) ? $saved : array();
	}
	public function get_option( $key, $empty_value = null ) {
		return isset( $this->settings[ $key ] ) ? $this->settings[ $key ] : $empty_value;
	}
	public function process_admin_options() {
		return true;
	}
}

class WC_Payment_Gateway extends WC_Settings_API {
	public $title = '';
	public $description = '';
	public $method_title = '';
	public $method_description = '';
	public $has_fields = false;
	public $supports = array();
}

class WC_Order_Refund {
	private $id;
	public function __construct( $id ) {
		$this->id = $id;
	}
	public function get_id() {
		return $this->id;
	}
}

if ( ! class_exists( 'WC_Order' ) ) {
	class WC_Order {
		public $meta    = array();
		public $status  = 'checkout-draft';
		public $notes   = array();
		public $refunds = array();
		public $saved   = 0;
		public $key     = 'wc_order_test';
		private $id;
		public function __construct( $id ) {
			$this->id = $id;
		}
		/** WooCommerce's URLs with pretty permalinks on the site https://shop.test. */
		public function get_checkout_payment_url( $on_checkout = false ) {
			return 'https://shop.test/checkout/order-pay/' . $this->id . '/?' . ( $on_checkout ? '' : 'pay_for_order=true&' ) . 'key=' . $this->key;
		}
		public function get_checkout_order_received_url() {
			return 'https://shop.test/checkout/order-received/' . $this->id . '/?key=' . $this->key;
		}
		public function get_id() {
			return $this->id;
		}
		public function update_meta_data( $key, $value ) {
			$this->meta[ $key ] = $value;
		}
		public function get_meta( $key, $single = true ) {
			return isset( $this->meta[ $key ] ) ? $this->meta[ $key ] : '';
		}
		public function update_status( $status, $note = '' ) {
			$this->status = $status;
			$this->notes[] = $note;
		}
		public function add_order_note( $note ) {
			$this->notes[] = $note;
		}
		public function save() {
			$this->saved++;
		}
		/** Newest first, as WooCommerce returns them. */
		public function get_refunds() {
			return $this->refunds;
		}
	}
}

$plugin = dirname( __DIR__, 3 ) . '/plugins/woocommerce/settle-payments';
require_once $plugin . '/includes/class-settle-money.php';
require_once $plugin . '/includes/class-settle-api.php';
require_once $plugin . '/includes/class-settle-gateway.php';
require_once $plugin . '/includes/class-settle-admin.php';

function plugins_url( $path, $file ) {
	return 'https://shop.test/wp-content/plugins/settle-payments/' . $path;
}
function wp_register_script( $handle, $src, $deps = array(), $ver = false, $footer = false ) {
	return true;
}
function admin_url( $path = '' ) {
	return 'https://shop.test/wp-admin/' . ltrim( $path, '/' );
}
