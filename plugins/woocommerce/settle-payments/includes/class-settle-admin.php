<?php
/**
 * The "Settle" menu in the WordPress admin: opens Settle's admin for this store through a signed,
 * short-lived single-sign-on link (no second password). The link is made when the button is pressed,
 * not when the page is shown, because it is valid for 60 seconds and once.
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

class Settle_Admin {
	public static function register() {
		add_action( 'admin_menu', array( __CLASS__, 'add_menu' ) );
		add_action( 'admin_post_settle_open', array( __CLASS__, 'open' ) );
	}

	public static function add_menu() {
		add_menu_page( __( 'Settle', 'settle-payments' ), __( 'Settle', 'settle-payments' ), 'manage_woocommerce', 'settle-payments', array( __CLASS__, 'render' ), 'dashicons-money-alt', 56 );
	}

	/** @return array<string,string> The gateway's saved settings. */
	private static function settings() {
		$settings = get_option( 'woocommerce_settle_settings', array() );
		return is_array( $settings ) ? $settings : array();
	}

	/**
	 * The single-sign-on link to Settle's admin, or '' when the store id or connection secret is missing.
	 *
	 * @param int $time Unix time of signing.
	 * @return string
	 */
	public static function sso_link( $time ) {
		$settings = self::settings();
		foreach ( array( 'settle_url', 'store_id', 'connection_secret' ) as $key ) {
			if ( empty( $settings[ $key ] ) ) {
				return '';
			}
		}
		return Settle_Api::sso_url( $settings['settle_url'], $settings['store_id'], $settings['connection_secret'], $time );
	}

	/**
	 * "Connect to Settle": Settle's start URL, which sends the merchant (signed in to Settle) through
	 * WooCommerce's app authorization so Settle receives REST API keys for this store. '' without a Settle URL.
	 *
	 * @param string $site_url This store's address (home_url('/')).
	 * @return string
	 */
	public static function connect_link( $site_url ) {
		$settings = self::settings();
		if ( empty( $settings['settle_url'] ) ) {
			return '';
		}
		return rtrim( $settings['settle_url'], '/' ) . '/connect/woocommerce?' . http_build_query( array( 'site' => (string) $site_url ) );
	}

	/** The button's target (admin-post.php?action=settle_open): a fresh link, then off to Settle. */
	public static function open() {
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			wp_die( esc_html__( 'You are not allowed to open Settle for this store.', 'settle-payments' ), 403 );
		}
		$link = self::sso_link( time() );
		if ( '' === $link ) {
			wp_die( esc_html__( 'Enter the Settle URL, store id and connection secret in WooCommerce > Settings > Payments > Settle first.', 'settle-payments' ), 400 );
		}
		wp_redirect( $link ); // phpcs:ignore WordPress.Security.SafeRedirect -- Settle's own address, set by the merchant.
		exit;
	}

	public static function render() {
		echo '<div class="wrap"><h1>' . esc_html__( 'Settle', 'settle-payments' ) . '</h1>';
		$connect = self::connect_link( home_url( '/' ) );
		if ( '' !== $connect ) {
			echo '<p><a class="button" target="_blank" rel="noopener" href="' . esc_url( $connect ) . '">' . esc_html__( 'Connect to Settle', 'settle-payments' ) . '</a></p>';
		}
		if ( '' === self::sso_link( time() ) ) {
			echo '<p>' . esc_html__( 'Enter your Settle URL, store id and connection secret in WooCommerce > Settings > Payments > Settle first.', 'settle-payments' ) . '</p></div>';
			return;
		}
		echo '<p><a class="button button-primary" target="_blank" rel="noopener" href="' . esc_url( admin_url( 'admin-post.php?action=settle_open' ) ) . '">'
			. esc_html__( 'Open Settle (payments, payouts, review queue)', 'settle-payments' ) . '</a></p></div>';
	}
}
