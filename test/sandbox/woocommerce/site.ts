// What route modules share: the site's state, its URL and its webhook dispatcher.
import type { WebhookDispatcher } from "./webhooks";
import type { Store } from "./state";

export interface Site {
  store: Store;
  /** Home URL with trailing slash, e.g. http://127.0.0.1:5123/ */
  url: () => string;
  hooks: WebhookDispatcher;
}
