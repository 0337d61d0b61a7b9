<?php
/**
 * Removes what the plugin stored: its settings and connection details. Orders keep their notes.
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

delete_option( 'woocommerce_settle_settings' );
delete_option( 'settle_payments_connection' );
