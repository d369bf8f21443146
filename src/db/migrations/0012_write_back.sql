-- Issue 19, item 7: writing journal entries back to AFAS (the FiEntries UpdateConnector) is opt-in
-- per source. `source add|update --write-back` sets it only after AFAS's metainfo showed FiEntries
-- among the App connector's UpdateConnectors; `--no-write-back` clears it. Every source stored
-- before this only reads (the seed's setup skips UpdateConnectors), so the default is off.
ALTER TABLE sources ADD COLUMN write_back boolean NOT NULL DEFAULT false;
