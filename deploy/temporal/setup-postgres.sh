#!/bin/sh
# Creates and migrates Temporal's two databases (`temporal` and `temporal_visibility`) on the
# `postgresql` service. Run by the one-shot `temporal-admin-tools` compose service before the
# server starts. Safe to rerun on every `docker compose up`:
#   - `create` ignores a database that already exists (postgres12 plugin: duplicate_database),
#   - `setup-schema -v 0.0` skips when the recorded schema version is already above 0.0,
#   - `update-schema` applies only the versioned migrations newer than the recorded version,
# so moving the admin-tools/server image tags forward migrates the schema in place.
set -eu

: "${DB:=postgres12}"
: "${DB_PORT:=5432}"
: "${DBNAME:=temporal}"
: "${VISIBILITY_DBNAME:=temporal_visibility}"
: "${POSTGRES_SEEDS:?POSTGRES_SEEDS must name the PostgreSQL host}"
: "${POSTGRES_USER:?POSTGRES_USER must be set}"
: "${POSTGRES_PWD:?POSTGRES_PWD must be set}"
: "${MAX_ATTEMPTS:=30}"
: "${SLEEP_SECONDS:=2}"

# temporal-sql-tool reads its password from SQL_PASSWORD; keeping it off the command line keeps
# it out of `ps` and of the logs below.
SQL_PASSWORD="${POSTGRES_PWD}"
export SQL_PASSWORD

sql_tool() {
  temporal-sql-tool --plugin "${DB}" --ep "${POSTGRES_SEEDS}" -p "${DB_PORT}" -u "${POSTGRES_USER}" "$@"
}

# `create` is the first call that connects, and it is idempotent: retry it while PostgreSQL
# finishes starting (compose already waits for its healthcheck; this covers restarts).
create_database() {
  database="$1"
  attempt=1
  until sql_tool --db "${database}" create; do
    if [ "${attempt}" -ge "${MAX_ATTEMPTS}" ]; then
      echo "Could not create database ${database} on ${POSTGRES_SEEDS}:${DB_PORT} after ${MAX_ATTEMPTS} attempts" >&2
      exit 1
    fi
    echo "PostgreSQL not ready yet (attempt ${attempt}/${MAX_ATTEMPTS}); retrying in ${SLEEP_SECONDS}s"
    attempt=$((attempt + 1))
    sleep "${SLEEP_SECONDS}"
  done
}

setup_database() {
  database="$1"
  schema_dir="$2"
  echo "Temporal schema: ${database} (create, setup-schema, update-schema from ${schema_dir})"
  create_database "${database}"
  sql_tool --db "${database}" setup-schema -v 0.0
  sql_tool --db "${database}" update-schema -d "${schema_dir}"
}

setup_database "${DBNAME}" /etc/temporal/schema/postgresql/v12/temporal/versioned
setup_database "${VISIBILITY_DBNAME}" /etc/temporal/schema/postgresql/v12/visibility/versioned

echo "Temporal schema setup complete for ${DBNAME} and ${VISIBILITY_DBNAME}"
