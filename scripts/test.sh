#!/usr/bin/env bash
# The test command: checks format and lints, then runs the whole suite on
# SQLite with files in a folder, then on PostgreSQL with files in a real
# S3-compatible object store (Garage), with the browser tests in headless
# Chromium and the API contract fuzzed by schemathesis; the several-instance
# tests (haproxy in front of egov processes) run in the second pass. Installs
# what is missing (Debian packages, schemathesis from PyPI, Garage from
# crates.io) and starts a throw-away PostgreSQL server and Garage on free
# local ports.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '== %s\n' "$*" >&2; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
{ [ -n "$(pg_bin)" ] && [ -x "$(pg_bin)/postgres" ]; } || missing+=(postgresql)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v zbarimg >/dev/null 2>&1 || missing+=(zbar-tools)
# the several-instance tests' balancer, and the deployment guide's checks
[ -x /usr/sbin/haproxy ] || missing+=(haproxy)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# upload scanning and the anti-malware agent: a throw-away clamd per test,
# with a signature database the test makes (nothing downloaded)
[ -x /usr/sbin/clamd ] || missing+=(clamav-daemon)
# the network module's link counters: a throw-away snmpd per test
[ -x /usr/sbin/snmpd ] || missing+=(snmpd)
# commune radio: a real MP3 made by an encoder, read back by egov's decoder
command -v lame >/dev/null 2>&1 || missing+=(lame)
# the news portal's sitemap, checked against the sitemaps.org schema
command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)
# the mail tests' SMTP server: aiosmtpd under Debian's own Python
/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || missing+=(python3-aiosmtpd)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# a real OpenID Connect provider for the sign-in tests: oidc-provider from
# npm (pinned in its package-lock.json), run by Node
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || {
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  log "installing nodejs and npm"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
}
for TOOLS_DIR in crates/egov/tests/browser-tools; do
  TOOLS_STAMP="$(sha256sum "$TOOLS_DIR/package-lock.json" | cut -d' ' -f1)"
  if [ "$(cat "$TOOLS_DIR/node_modules/.egov-installed" 2>/dev/null)" != "$TOOLS_STAMP" ]; then
    log "installing the browser test tools (npm ci in $TOOLS_DIR)"
    (cd "$TOOLS_DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$TOOLS_STAMP" > "$TOOLS_DIR/node_modules/.egov-installed"
  fi
done
OP_DIR=crates/egov/tests/oidc-provider
OP_STAMP="$(sha256sum "$OP_DIR/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$OP_DIR/node_modules/.egov-installed" 2>/dev/null)" != "$OP_STAMP" ]; then
  log "installing the test identity provider (npm ci in $OP_DIR)"
  (cd "$OP_DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$OP_STAMP" > "$OP_DIR/node_modules/.egov-installed"
fi

# the API contract's fuzzer: schemathesis from PyPI, in a virtual environment
# of its own (pinned, so that a run can be repeated)
ST_VERSION=4.32.5
ST_VENV="${EGOV_SCHEMATHESIS_VENV:-$HOME/.cache/egov/schemathesis}"
if ! "$ST_VENV/bin/st" --version 2>/dev/null | grep -q "$ST_VERSION"; then
  log "installing schemathesis $ST_VERSION (PyPI) into $ST_VENV"
  rm -rf "$ST_VENV"
  if ! python3 -m venv "$ST_VENV" >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
    python3 -m venv "$ST_VENV"
  fi
  "$ST_VENV/bin/pip" install -q "schemathesis==$ST_VERSION"
fi
export EGOV_SCHEMATHESIS="$ST_VENV/bin/st"

PGBIN="$(pg_bin)"
PGWORK="$(mktemp -d "${TMPDIR:-/tmp}/egov-pg.XXXXXX")"
PGPORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown -R postgres "$PGWORK"
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}
GARAGE_WORK="$(mktemp -d "${TMPDIR:-/tmp}/egov-garage.XXXXXX")"
stop_pg() {
  as_pg "$PGBIN/pg_ctl" -D "$PGWORK/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PGWORK"
  scripts/garage.sh stop "$GARAGE_WORK"
  rm -rf "$GARAGE_WORK"
}
trap stop_pg EXIT
log "starting PostgreSQL ($PGBIN) on 127.0.0.1:$PGPORT"
as_pg "$PGBIN/initdb" -D "$PGWORK/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PGWORK/data" -l "$PGWORK/log" -w -o "-p $PGPORT -k $PGWORK -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null

export EGOV_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PGPORT/postgres"

# the object store of the second pass: Garage, built once from crates.io
scripts/garage.sh install
log "starting Garage (S3-compatible object store) in $GARAGE_WORK"
# (its environment is kept before it is read, so that a start that failed
# stops the run here, saying why, instead of leaving the variables unset; a
# start is tried three times, on fresh ports)
garage_env=""
for attempt in 1 2 3; do
  if garage_env="$(scripts/garage.sh start "$GARAGE_WORK")"; then break; fi
  garage_env=""
  log "Garage did not start (attempt $attempt of 3)"
  scripts/garage.sh stop "$GARAGE_WORK"
  rm -rf "$GARAGE_WORK" && mkdir -p "$GARAGE_WORK"
done
[ -n "$garage_env" ] || { log "Garage could not be started: the object-store tests cannot run"; exit 1; }
eval "$garage_env"
[ -n "${EGOV_TEST_S3_URL:-}" ] || { log "Garage started but named no bucket"; exit 1; }

log "format and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings

log "suite on SQLite, files in a folder"
EGOV_TEST_BACKEND=sqlite cargo test --workspace --locked "$@" -- --skip cluster::
log "suite on PostgreSQL, files in Garage, and several instances behind haproxy"
EGOV_TEST_BACKEND=postgres cargo test --workspace --locked "$@"
log "all tests passed on SQLite and PostgreSQL"
