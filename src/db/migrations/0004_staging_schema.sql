-- Stages of replaced scopes (issue 14): a sync pages AFAS into an UNLOGGED table of this schema,
-- each page COPYd in its own short statement, and only then replaces the scope in one short
-- transaction. Nothing here is data: a table is dropped when its scope commits, and tables left
-- by a crashed worker are dropped once they are older than any activity can run.
DO $$ BEGIN
  EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I', current_schema() || '_stage');
END $$;
