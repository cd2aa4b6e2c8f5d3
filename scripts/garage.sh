#!/usr/bin/env bash
# Garage (https://garagehq.deuxfleurs.fr), the S3-compatible distributed
# object store the suite keeps files in on PostgreSQL, and that a deployment
# on several machines may use (docs/deploy.md).
#
#   scripts/garage.sh install      build the pinned version from crates.io into
#                                  $EGOV_GARAGE_ROOT (default ~/.cache/egov/garage), once
#   scripts/garage.sh start DIR    a one-node cluster with its metadata and data in DIR,
#                                  on free local ports, with a bucket and a key; prints
#                                  the environment that points egov at the bucket
#   scripts/garage.sh stop DIR     stops it
#
# Durability: metadata_fsync and data_fsync are on, so that a PUT Garage
# acknowledged is on its disk, as egov's folder store is before it answers.
set -Eeuo pipefail

GARAGE_VERSION=2.5.0
ROOT="${EGOV_GARAGE_ROOT:-$HOME/.cache/egov/garage}"
GARAGE="$ROOT/bin/garage"

log() { printf '== %s\n' "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
hex() { python3 -c "import secrets; print(secrets.token_hex($1))"; }

install() {
  if "$GARAGE" --version 2>/dev/null | grep -q "$GARAGE_VERSION"; then return; fi
  log "building Garage $GARAGE_VERSION from crates.io into $ROOT (once; about 15 minutes on 2 cores)"
  # its own target folder, removed afterwards: only the binary is kept
  local target; target="$(mktemp -d "${TMPDIR:-/tmp}/garage-build.XXXXXX")"
  CARGO_TARGET_DIR="$target" cargo install garage --version "$GARAGE_VERSION" --locked --quiet \
    --no-default-features --features bundled-libs,sqlite --root "$ROOT"
  rm -rf "$target"
}

start() {
  local dir="$1"
  mkdir -p "$dir/meta" "$dir/data"
  local s3 rpc admin
  s3="$(free_port)"; rpc="$(free_port)"; admin="$(free_port)"
  cat > "$dir/garage.toml" <<TOML
metadata_dir = "$dir/meta"
data_dir = "$dir/data"
db_engine = "sqlite"
metadata_fsync = true
data_fsync = true
replication_factor = 1
rpc_bind_addr = "127.0.0.1:$rpc"
rpc_public_addr = "127.0.0.1:$rpc"
rpc_secret = "$(hex 32)"

[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:$s3"
root_domain = ".s3.garage.localhost"

[admin]
api_bind_addr = "127.0.0.1:$admin"
admin_token = "$(hex 32)"
TOML
  local g=("$GARAGE" -c "$dir/garage.toml")
  # whatever step fails, say what the server said
  trap 'log "Garage: a step of the start failed; its log:"; cat "$dir/log" >&2 || true' ERR
  "${g[@]}" server > "$dir/log" 2>&1 &
  echo $! > "$dir/pid"
  local node=""
  # up to a minute: a first start on a cold disk syncs its new databases
  for _ in $(seq 1 300); do
    node="$("${g[@]}" node id -q 2>/dev/null | cut -d@ -f1)" && [ -n "$node" ] && break
    sleep 0.2
  done
  [ -n "$node" ] || { cat "$dir/log" >&2; log "Garage did not start"; return 1; }
  "${g[@]}" layout assign -z local -c 1G "$node" >/dev/null
  "${g[@]}" layout apply --version 1 >/dev/null
  local key="GK$(hex 12)" secret; secret="$(hex 32)"
  "${g[@]}" key import --yes -n egov "$key" "$secret" >/dev/null
  "${g[@]}" bucket create egov >/dev/null
  "${g[@]}" bucket allow --read --write --owner egov --key egov >/dev/null
  echo "export EGOV_TEST_S3_URL='s3://egov?endpoint=http://127.0.0.1:$s3&region=garage'"
  echo "export AWS_ACCESS_KEY_ID='$key'"
  echo "export AWS_SECRET_ACCESS_KEY='$secret'"
}

stop() {
  local dir="$1"
  if [ -f "$dir/pid" ]; then kill "$(cat "$dir/pid")" 2>/dev/null || true; fi
}

case "${1:-}" in
  install) install ;;
  start) install; start "${2:?a folder}" ;;
  stop) stop "${2:?a folder}" ;;
  *) echo "usage: $0 install | start DIR | stop DIR" >&2; exit 2 ;;
esac
