-- Issue 15, item 8: the token goes only where the operator sent it.
-- A plain http:// base URL to a host other than loopback is refused unless the operator allowed it
-- (`--allow-insecure-http`); the allowance is stored with the source and is part of the token's
-- binding. Sources stored before this with such a URL are not allowed by default: the worker marks
-- them needs_attention, naming the URL and the flag, until the operator decides.
-- Tokens are now sealed as v2 (src/db/token-crypto.ts), authenticated with the source name,
-- environment id and type, base URL and this allowance. v1 tokens (bound to the name only) can't be
-- resealed here, without the key: the application reseals them when it opens with its key
-- (SourceStore.upgradeSealing), and the worker reseals any left on first use.
ALTER TABLE sources ADD COLUMN allow_insecure_http boolean NOT NULL DEFAULT false;
