<?php
/**
 * Settle's API, called server to server with the merchant's API key as a Bearer token, each call
 * signed with the site's connection secret (when one is set):
 * `X-Settle-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. Settle refuses a stale,
 * wrong or replayed signature, and can be told to refuse unsigned calls too.
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

class Settle_Api_Error extends Exception {}

class Settle_Api {
	/** @var string */
	private $base_url;
	/** @var string */
	private $api_key;
	/** @var string */
	private $connection_secret;

	public function __construct( $base_url, $api_key, $connection_secret = '' ) {
		$this->base_url          = rtrim( (string) $base_url, '/' );
		$this->api_key           = (string) $api_key;
		$this->connection_secret = (string) $connection_secret;
	}

	/**
	 * @param string $secret The connection secret.
	 * @param string $body   The request body exactly as sent.
	 * @param int    $time   Unix time of signing.
	 * @return string The X-Settle-Signature value.
	 */
	public static function signature( $secret, $body, $time ) {
		return 't=' . (int) $time . ',v1=' . hash_hmac( 'sha256', (int) $time . '.' . $body, (string) $secret );
	}

	/**
	 * A single-sign-on link to Settle's admin for this store: valid 60 s from $time, and once.
	 *
	 * @param string $base_url Settle's address.
	 * @param string $store_id The store's id at Settle.
	 * @param string $secret   The connection secret.
	 * @param int    $time     Unix time of signing.
	 * @return string
	 */
	public static function sso_url( $base_url, $store_id, $secret, $time ) {
		$sig = hash_hmac( 'sha256', 'sso.' . $store_id . '.' . (int) $time, (string) $secret );
		return rtrim( (string) $base_url, '/' ) . '/admin/sso?' . http_build_query(
			array(
				'store' => (string) $store_id,
				't'     => (int) $time,
				'sig'   => $sig,
			)
		);
	}

	/**
	 * @param string $path Path under the Settle URL, starting with /api/.
	 * @param array  $body Sent as JSON.
	 * @return array The decoded JSON answer.
	 * @throws Settle_Api_Error With a message fit to show the shopper or the merchant.
	 */
	public function post( $path, array $body ) {
		if ( '' === $this->base_url || '' === $this->api_key ) {
			throw new Settle_Api_Error( __( 'Settle is not connected: enter the Settle URL and API key in the payment settings.', 'settle-payments' ) );
		}
		$json    = (string) wp_json_encode( $body );
		$headers = array(
			'Authorization' => 'Bearer ' . $this->api_key,
			'Content-Type'  => 'application/json',
			'Accept'        => 'application/json',
		);
		if ( '' !== $this->connection_secret ) {
			$headers['X-Settle-Signature'] = self::signature( $this->connection_secret, $json, time() );
		}
		$response = wp_remote_post(
			$this->base_url . $path,
			array(
				'timeout' => 30,
				'headers' => $headers,
				'body'    => $json,
			)
		);
		if ( is_wp_error( $response ) ) {
			throw new Settle_Api_Error( __( 'Settle could not be reached. Please try again.', 'settle-payments' ) );
		}
		$status  = (int) wp_remote_retrieve_response_code( $response );
		$decoded = json_decode( (string) wp_remote_retrieve_body( $response ), true );
		if ( $status < 200 || $status >= 300 || ! is_array( $decoded ) ) {
			$message = is_array( $decoded ) && isset( $decoded['error']['message'] ) ? (string) $decoded['error']['message']
				: ( is_array( $decoded ) && isset( $decoded['message'] ) && is_string( $decoded['message'] ) ? $decoded['message'] : '' );
			/* translators: %1$d: HTTP status, %2$s: Settle's message */
			throw new Settle_Api_Error( sprintf( __( 'Settle refused the request (%1$d) %2$s', 'settle-payments' ), $status, $message ) );
		}
		return $decoded;
	}
}
