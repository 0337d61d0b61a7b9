/* The Settle payment method in WooCommerce's block checkout; the payment itself happens on Settle's page. */
( function () {
	var registry = window.wc && window.wc.wcBlocksRegistry;
	var settings = ( window.wc && window.wc.wcSettings && window.wc.wcSettings.getSetting( 'settle_data', {} ) ) || {};
	var el = window.wp.element.createElement;
	var decode = window.wp.htmlEntities.decodeEntities;
	var title = decode( settings.title || 'Card' );
	var Content = function () {
		return el( 'p', null, decode( settings.description || '' ) );
	};
	registry.registerPaymentMethod( {
		name: 'settle',
		label: title,
		ariaLabel: title,
		content: el( Content ),
		edit: el( Content ),
		canMakePayment: function () {
			return true;
		},
		supports: { features: settings.supports || [ 'products' ] },
	} );
} )();
