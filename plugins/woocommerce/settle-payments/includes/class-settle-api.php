<?php
/**
 * Settle's API, called server to server with the merchant's API key as a Bearer token.
 *
 * Not yet signed with the site's connection secret: Settle's server has no such secret nor a signature
 * check today, and a header it cannot verify would only look like security. When it has both, add
 * `X-Settle-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">` here.
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

	public function __construct( $base_url, $api_key ) {
		$this->base_url = rtrim( (string) $base_url, '/' );
		$this->api_key  = (string) $api_key;
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
		$response = wp_remote_post(
			$this->base_url . $path,
			array(
				'timeout' => 30,
				'headers' => array(
					'Authorization' => 'Bearer ' . $this->api_key,
					'Content-Type'  => 'application/json',
					'Accept'        => 'application/json',
				),
				'body'    => wp_json_encode( $body ),
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
