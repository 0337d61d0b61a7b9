-- Signatures a store plugin has already used (signed API calls and single-sign-on links). A signature
-- is accepted once: the primary key turns a replay into a conflict. Rows only matter until they expire.
CREATE TABLE used_store_signatures (
  merchant_id  text NOT NULL REFERENCES merchants(id),
  signature    text NOT NULL,
  expires_at   timestamptz NOT NULL,
  PRIMARY KEY (merchant_id, signature)
);
