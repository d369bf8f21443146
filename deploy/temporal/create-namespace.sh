#!/bin/sh
# Waits for the Temporal cluster to be healthy, creates the namespace if it is missing and
# registers afas-sync's custom search attributes on it. Run by the one-shot
# `temporal-create-namespace` compose service; the worker starts only after it succeeds.
# Safe to rerun: existing namespaces and attributes (with the same type) are left alone.
set -eu

: "${TEMPORAL_ADDRESS:=temporal:7233}"
: "${NAMESPACE:=default}"
: "${NAMESPACE_RETENTION:=720h}"
# Space-separated `Name=Type` pairs, the format of SEARCH_ATTRIBUTE_DEFINITIONS in
# src/temporal/search-attributes.ts (test/deploy/compose.test.ts keeps the two in step).
: "${SEARCH_ATTRIBUTES:?SEARCH_ATTRIBUTES must list Name=Type pairs}"
: "${MAX_ATTEMPTS:=60}"
: "${SLEEP_SECONDS:=5}"

# Runs "$@" until it succeeds, at most MAX_ATTEMPTS times; says what failed when it gives up.
retry() {
  what="$1"
  shift
  attempt=1
  until "$@"; do
    if [ "${attempt}" -ge "${MAX_ATTEMPTS}" ]; then
      echo "Giving up: ${what} failed after ${MAX_ATTEMPTS} attempts" >&2
      exit 1
    fi
    echo "${what}: not yet (attempt ${attempt}/${MAX_ATTEMPTS}); retrying in ${SLEEP_SECONDS}s"
    attempt=$((attempt + 1))
    sleep "${SLEEP_SECONDS}"
  done
}

cluster_serving() {
  # Prints SERVING when healthy; NOT_SERVING must not count as healthy.
  temporal operator cluster health --address "${TEMPORAL_ADDRESS}" 2>/dev/null | grep -q '^SERVING'
}

namespace_exists() {
  temporal operator namespace describe --namespace "${NAMESPACE}" --address "${TEMPORAL_ADDRESS}" >/dev/null 2>&1
}

ensure_namespace() {
  namespace_exists && return 0
  echo "Creating namespace '${NAMESPACE}' (retention ${NAMESPACE_RETENTION})"
  # A concurrent creator may win the race; the describe below is what decides.
  temporal operator namespace create --namespace "${NAMESPACE}" --retention "${NAMESPACE_RETENTION}" \
    --address "${TEMPORAL_ADDRESS}" || true
  namespace_exists
}

# Prints the registered type of search attribute $1 on the namespace (empty when missing).
attribute_type() {
  listing=$(temporal operator search-attribute list --namespace "${NAMESPACE}" --address "${TEMPORAL_ADDRESS}") ||
    return 1
  printf '%s\n' "${listing}" | awk -v name="$1" '$1 == name { print $2 }'
}

ensure_search_attribute() {
  name="$1"
  type="$2"
  current=$(attribute_type "${name}") || return 1
  if [ "${current}" = "${type}" ]; then
    echo "Search attribute ${name} (${type}) already registered"
    return 0
  fi
  if [ -n "${current}" ]; then
    echo "Search attribute ${name} exists as ${current}, expected ${type}; fix it by hand" >&2
    exit 1
  fi
  echo "Registering search attribute ${name} (${type})"
  temporal operator search-attribute create --namespace "${NAMESPACE}" --name "${name}" --type "${type}" \
    --address "${TEMPORAL_ADDRESS}" || return 1
  [ "$(attribute_type "${name}")" = "${type}" ]
}

echo "Waiting for Temporal at ${TEMPORAL_ADDRESS} to be healthy..."
retry "cluster health at ${TEMPORAL_ADDRESS}" cluster_serving

retry "namespace '${NAMESPACE}'" ensure_namespace
echo "Namespace '${NAMESPACE}' is ready"

for pair in ${SEARCH_ATTRIBUTES}; do
  name="${pair%%=*}"
  type="${pair#*=}"
  if [ -z "${name}" ] || [ "${name}" = "${pair}" ] || [ -z "${type}" ]; then
    echo "Bad SEARCH_ATTRIBUTES entry '${pair}': expected Name=Type" >&2
    exit 1
  fi
  # A namespace created a moment ago may not be in every frontend's cache yet: retry.
  retry "search attribute ${name}" ensure_search_attribute "${name}" "${type}"
done

echo "Namespace '${NAMESPACE}' and search attributes (${SEARCH_ATTRIBUTES}) are in place"
