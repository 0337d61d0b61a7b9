/* The Settle payment method in WooCommerce's block checkout; the card is entered on the next step (the order-pay page), in Settle's frame. */
( function () {
	var registry = window.wc && window.wc.wcBlocksRegistry;
	var settings = ( window.wc && window.wc.wcSettings && window.wc.wcSettings.getSetting( 'settle_data', {} ) ) || {};
	var el = window.wp.element.createElement;
	var decode = window.wp.htmlEntities.decodeEntities;
	var title = decode( settings.title || 'Card' );
	var Content = function () {
		var description = decode( settings.description || '' );
		return el(
			'div',
			null,
			description ? el( 'p', null, description ) : null,
			el( 'p', { className: 'settle-next-step' }, decode( settings.nextStep || '' ) )
		);
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
