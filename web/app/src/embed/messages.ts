/**
 * What the embedded payment page tells the store's page around it, by postMessage. The page sends
 * these only to the store origin embed.js named; embed.js accepts them only from Settle's origin
 * and from its own frame. Nothing in them is secret: never card data, never the client secret.
 */
export type PaymentOutcomeStatus = 'paid' | 'processing' | 'failed' | 'canceled';

export type EmbedMessage =
  | { type: 'settle:resize'; payment: string; height: number }
  | { type: 'settle:ready'; payment: string }
  | { type: 'settle:outcome'; payment: string; status: PaymentOutcomeStatus; message?: string };
