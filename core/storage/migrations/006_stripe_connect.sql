-- Stripe Connect. A connected account belongs to one merchant while its connection is active: the
-- platform's Connect webhooks are routed by the event's account through this index.
CREATE UNIQUE INDEX connections_active_account ON connections (platform, (settings->>'accountId'))
  WHERE settings->>'accountId' IS NOT NULL AND settings->>'status' = 'active';
CREATE INDEX connections_account ON connections (platform, (settings->>'accountId'))
  WHERE settings->>'accountId' IS NOT NULL;

-- OAuth `state` values handed out when a merchant starts connecting a platform: each may come back
-- once, before it expires, for the merchant it was made for.
CREATE TABLE oauth_states (
  nonce        text PRIMARY KEY,
  merchant_id  text NOT NULL REFERENCES merchants(id),
  platform     text NOT NULL,
  expires_at   timestamptz NOT NULL,
  used_at      timestamptz
);
