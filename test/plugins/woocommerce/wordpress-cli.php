<?php
/**
 * Runs the real Settle plugin against the real Settle stack, one gateway action per invocation, as
 * WordPress would run it: the request arrives as JSON on stdin, the answer leaves as JSON on stdout.
 *
 *   {"action": "process_payment" | "receipt_page" | "process_refund",
 *    "settings": {...the gateway's settings...},
 *    "site": {"url": "...", "consumerKey": "...", "consumerSecret": "..."},
 *    "orderId": 12, "amount": "40.00", "reason": "..."}
 *
 * What stands in for WordPress: harness.php's hooks, escaping and settings, plus real HTTP here
 * (PHP streams, since php-curl may be absent) and a WC_Order that reads and writes the order in the
 * WooCommerce store over its REST API (OAuth 1.0a, as WooCommerce wants over plain http), so the
 * order's meta, status, key and refunds are the store's own between runs.
 */

define( 'ABSPATH', __DIR__ . '/' );

/** @return array|WP_Error As WordPress's HTTP API answers. */
function settle_cli_http( $method, $url, $args ) {
	$headers = array();
	foreach ( isset( $args['headers'] ) ? $args['headers'] : array() as $name => $value ) {
		$headers[] = $name . ': ' . $value;
	}
	$context = stream_context_create(
		array(
			'http' => array(
				'method'        => $method,
				'header'        => implode( "\r\n", $headers ),
				'content'       => isset( $args['body'] ) ? (string) $args['body'] : '',
				'timeout'       => isset( $args['timeout'] ) ? (float) $args['timeout'] : 30,
				'ignore_errors' => true,
			),
		)
	);
	$body = @file_get_contents( $url, false, $context ); // phpcs:ignore -- the failure is returned as a WP_Error.
	if ( false === $body || empty( $http_response_header ) ) {
		return new WP_Error( 'http_request_failed', 'Could not reach ' . $url );
	}
	preg_match( '#^HTTP/\S+ (\d{3})#', $http_response_header[0], $status );
	return array( 'body' => $body, 'response' => array( 'code' => (int) $status[1] ) );
}
function wp_remote_post( $url, $args = array() ) {
	return settle_cli_http( 'POST', $url, $args );
}
function wp_remote_get( $url, $args = array() ) {
	return settle_cli_http( 'GET', $url, $args );
}
function wp_remote_retrieve_response_code( $response ) {
	return $response['response']['code'];
}
function wp_remote_retrieve_body( $response ) {
	return $response['body'];
}

/** The WooCommerce store's REST API (wc/v3), signed with OAuth 1.0a one-legged. */
final class Settle_Cli_Store {
	/** @var array{url:string,consumerKey:string,consumerSecret:string} */
	public static $site;

	public static function home() {
		return rtrim( self::$site['url'], '/' );
	}

	public static function call( $method, $path, $body = null ) {
		$url    = self::home() . '/wp-json/wc/v3/' . $path;
		$params = array(
			'oauth_consumer_key'     => self::$site['consumerKey'],
			'oauth_nonce'            => bin2hex( random_bytes( 16 ) ),
			'oauth_signature_method' => 'HMAC-SHA256',
			'oauth_timestamp'        => (string) time(),
		);
		ksort( $params );
		$query = array();
		foreach ( $params as $key => $value ) {
			$query[] = rawurlencode( $key ) . '=' . rawurlencode( $value );
		}
		$query = implode( '&', $query );
		$base  = $method . '&' . rawurlencode( $url ) . '&' . rawurlencode( $query );
		$sig   = base64_encode( hash_hmac( 'sha256', $base, self::$site['consumerSecret'] . '&', true ) );
		$args  = array( 'headers' => array( 'Content-Type' => 'application/json', 'Accept' => 'application/json' ) );
		if ( null !== $body ) {
			$args['body'] = json_encode( $body );
		}
		$response = settle_cli_http( $method, $url . '?' . $query . '&oauth_signature=' . rawurlencode( $sig ), $args );
		$answer   = is_wp_error( $response ) ? null : json_decode( $response['body'], true );
		if ( is_wp_error( $response ) || $response['response']['code'] >= 300 ) {
			throw new RuntimeException( $method . ' ' . $path . ' failed: ' . ( is_wp_error( $response ) ? $response->get_error_message() : $response['body'] ) );
		}
		return $answer;
	}
}

/** The order as WooCommerce keeps it: read from the store, changes written back on save(). */
class WC_Order {
	/** @var array */
	private $data;
	/** @var array<int,array{key:string,value:string}> */
	private $meta_changes = array();
	/** @var string|null */
	private $new_status = null;

	public function __construct( array $data ) {
		$this->data = $data;
	}
	public function get_id() {
		return (int) $this->data['id'];
	}
	public function get_meta( $key, $single = true ) {
		foreach ( array_merge( $this->meta_changes, $this->data['meta_data'] ) as $meta ) {
			if ( $meta['key'] === $key ) {
				return $meta['value'];
			}
		}
		return '';
	}
	public function update_meta_data( $key, $value ) {
		array_unshift( $this->meta_changes, array( 'key' => $key, 'value' => (string) $value ) );
	}
	public function update_status( $status, $note = '' ) {
		$this->new_status = $status;
		if ( '' !== $note ) {
			$this->add_order_note( $note );
		}
	}
	public function add_order_note( $note ) {
		Settle_Cli_Store::call( 'POST', 'orders/' . $this->get_id() . '/notes', array( 'note' => $note ) );
	}
	public function save() {
		$changes = array( 'meta_data' => array_reverse( $this->meta_changes ) );
		if ( null !== $this->new_status ) {
			$changes['status'] = $this->new_status;
		}
		$this->data = Settle_Cli_Store::call( 'PUT', 'orders/' . $this->get_id(), $changes );
	}
	/** Newest first, as WooCommerce returns them. */
	public function get_refunds() {
		return array_map(
			function ( $refund ) {
				return new WC_Order_Refund( $refund['id'] );
			},
			$this->data['refunds']
		);
	}
	/** WooCommerce's URLs with pretty permalinks. */
	public function get_checkout_payment_url( $on_checkout = false ) {
		return Settle_Cli_Store::home() . '/checkout/order-pay/' . $this->get_id() . '/?' . ( $on_checkout ? '' : 'pay_for_order=true&' ) . 'key=' . rawurlencode( $this->data['order_key'] );
	}
	public function get_checkout_order_received_url() {
		return Settle_Cli_Store::home() . '/checkout/order-received/' . $this->get_id() . '/?key=' . rawurlencode( $this->data['order_key'] );
	}
}
function wc_get_order( $id ) {
	return new WC_Order( Settle_Cli_Store::call( 'GET', 'orders/' . (int) $id ) );
}

require __DIR__ . '/harness.php';

/**
 * The order-pay page as a WordPress theme prints it: the receipt hook's output in the content, the
 * enqueued scripts (each followed by its inline script) before </body>.
 */
function settle_cli_page( $title, $content ) {
	$footer = '';
	foreach ( Settle_Harness::$scripts as $handle => $script ) {
		$footer .= '<script src="' . esc_url( $script['src'] ) . '" id="' . esc_attr( $handle ) . '-js"></script>' . "\n";
		foreach ( $script['inline'] as $inline ) {
			$footer .= '<script id="' . esc_attr( $handle ) . '-js-after">' . $inline . "</script>\n";
		}
	}
	return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" . esc_html( $title ) . "</title></head>\n"
		. '<body class="woocommerce-order-pay"><main><h1>' . esc_html( $title ) . "</h1>\n" . $content . "</main>\n" . $footer . "</body></html>\n";
}

$input                  = json_decode( (string) stream_get_contents( STDIN ), true );
Settle_Cli_Store::$site = $input['site'];
Settle_Harness::$options['woocommerce_settle_settings'] = $input['settings'];
$gateway = new Settle_Gateway();
$order   = (int) $input['orderId'];

switch ( $input['action'] ) {
	case 'process_payment':
		$out = array( 'result' => $gateway->process_payment( $order ) );
		break;
	case 'receipt_page':
		ob_start();
		foreach ( Settle_Harness::$hooks['woocommerce_receipt_settle'] as $callback ) {
			call_user_func( $callback, $order );
		}
		$out = array( 'html' => settle_cli_page( 'Pay for order', (string) ob_get_clean() ) );
		break;
	case 'process_refund':
		$result = $gateway->process_refund( $order, $input['amount'], isset( $input['reason'] ) ? $input['reason'] : '' );
		$out    = array( 'result' => is_wp_error( $result ) ? array( 'error' => $result->get_error_message() ) : $result );
		break;
	default:
		fwrite( STDERR, 'Unknown action' );
		exit( 2 );
}
$out['notices'] = Settle_Harness::$notices;
echo json_encode( $out );
