-- Issue 16: a source authenticates with a classic App-connector token (retired by AFAS on
-- 31 August 2027) or an OAuth 2 client (client-credentials grant). Existing rows are classic tokens.
-- token_sealed keeps holding the secret part, sealed the same way (src/db/token-crypto.ts): the
-- classic token, or the client secret. The client id is an identifier, stored plain for operators;
-- an oauth row's seal also authenticates it, so a secret can't be moved to another client.
-- secret_expires_on is the date AFAS shows for the client secret (AFAS client secrets expire), when
-- the operator entered it; `source list/show`, `status` and a worker gauge warn before it comes.
ALTER TABLE sources
  ADD COLUMN credential_kind text NOT NULL DEFAULT 'token'
    CONSTRAINT sources_credential_kind CHECK (credential_kind IN ('token', 'oauth')),
  -- What the AFAS client accepts (RFC 6749 VSCHAR): 1 to 256 printable ASCII, no spaces at the ends.
  ADD COLUMN oauth_client_id text
    CONSTRAINT sources_oauth_client_id_shape
      CHECK (char_length(oauth_client_id) <= 256 AND oauth_client_id ~ '^[!-~]([ -~]*[!-~])?$'),
  ADD COLUMN secret_expires_on date,
  ADD CONSTRAINT sources_oauth_has_client_id
    CHECK ((credential_kind = 'oauth') = (oauth_client_id IS NOT NULL)),
  ADD CONSTRAINT sources_secret_expiry_is_oauth
    CHECK (secret_expires_on IS NULL OR credential_kind = 'oauth');
