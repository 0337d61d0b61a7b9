<?php
/**
 * The "Settle" menu in the WordPress admin: a link to Settle's admin for this store.
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

class Settle_Admin {
	public static function register() {
		add_action( 'admin_menu', array( __CLASS__, 'add_menu' ) );
	}

	public static function add_menu() {
		add_menu_page( __( 'Settle', 'settle-payments' ), __( 'Settle', 'settle-payments' ), 'manage_woocommerce', 'settle-payments', array( __CLASS__, 'render' ), 'dashicons-money-alt', 56 );
	}

	public static function render() {
		$settings = get_option( 'woocommerce_settle_settings', array() );
		$url      = is_array( $settings ) && ! empty( $settings['settle_url'] ) ? rtrim( (string) $settings['settle_url'], '/' ) : '';
		echo '<div class="wrap"><h1>' . esc_html__( 'Settle', 'settle-payments' ) . '</h1>';
		if ( '' === $url ) {
			echo '<p>' . esc_html__( 'Enter your Settle URL in WooCommerce > Settings > Payments > Settle first.', 'settle-payments' ) . '</p></div>';
			return;
		}
		echo '<p><a class="button button-primary" target="_blank" rel="noopener" href="' . esc_url( $url . '/' ) . '">'
			. esc_html__( 'Open Settle (payments, payouts, review queue)', 'settle-payments' ) . '</a></p></div>';
	}
}
