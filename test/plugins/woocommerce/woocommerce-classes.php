<?php
/**
 * Stand-ins for the namespaced WooCommerce classes the plugin touches; they record what was declared.
 */

namespace Automattic\WooCommerce\Utilities {
	class FeaturesUtil {
		/** @var array<int,array{0:string,1:string,2:bool}> */
		public static $declared = array();
		public static function declare_compatibility( $feature, $plugin_file, $compatible = true ) {
			self::$declared[] = array( $feature, $plugin_file, $compatible );
			return true;
		}
	}
}

namespace Automattic\WooCommerce\Blocks\Payments\Integrations {
	abstract class AbstractPaymentMethodType {
		/** @var string */
		protected $name = '';
		/** @var array */
		protected $settings = array();
		abstract public function initialize();
		public function get_name() {
			return $this->name;
		}
	}
}
