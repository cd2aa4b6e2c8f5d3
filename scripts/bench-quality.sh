#!/usr/bin/env bash
# The service-quality index at scale (issue 5): generate N dossiers, then
# time the index API and the dashboard against a release server, and the
# index counted from the kept sums against a count from scratch.
#   scripts/bench-quality.sh N [postgres-url]
# With a PostgreSQL URL (an empty database) the same runs on PostgreSQL.
set -euo pipefail
n=${1:?number of dossiers}
pg=${2:-}
bin=${EGOV_BIN:-./target/release/egov}
data=${MEASURE_ONLY:-$(mktemp -d /tmp/egov-bq.XXXXXX)}
port=$((18000 + RANDOM % 1000))
db=()
if [ -n "$pg" ]; then db=(--database-url "$pg"); fi
echo "== $n dossiers, ${pg:+PostgreSQL}${pg:-SQLite}, data in $data"
if [ -z "${MEASURE_ONLY:-}" ]; then
  "$bin" bench-data --data "$data" "${db[@]}" --dossiers "$n" --seed 1 --year 2026 --demo --now 2026-11-27T17:00
fi
if [ -z "$pg" ]; then
  du -b "$data/egov.db" | awk '{printf "database size: %.0f MB\n", $1/1e6}'
else
  psql "$pg" -Atc "select 'database size: ' || round(pg_database_size(current_database())/1e6) || ' MB'"
fi
# from scratch holds the whole period in memory: the year only up to 2 million
big=(); if [ "$n" -gt 2000000 ]; then big=(--no-scratch); fi
# NO_SCRATCH=1: no count from scratch at all (to measure again quickly)
quick=(); if [ -n "${NO_SCRATCH:-}" ]; then quick=(--no-scratch); fi
"$bin" quality check --data "$data" "${db[@]}" --from 2026-01-01 --to 2026-12-31 "${big[@]}"
"$bin" quality check --data "$data" "${db[@]}" --from 2026-11-01 --to 2026-11-30 "${quick[@]}"
"$bin" serve --data "$data" "${db[@]}" --listen "127.0.0.1:$port" >"$data/serve.log" 2>&1 &
server=$!
# KEEP=1 keeps the data (to look into it, or to measure again with MEASURE_ONLY=dir)
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$data"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
time_of() { # path: first, then the median of 5 warm requests, in ms
  local first all
  first=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port$1")
  all=$(for _ in 1 2 3 4 5; do curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port$1"; done | sort -n | sed -n 3p)
  awk -v f="$first" -v m="$all" -v p="$1" 'BEGIN { printf "%-75s first %7.1f ms, median %7.1f ms\n", p, f*1000, m*1000 }'
}
y='from=2026-01-01&to=2026-12-31'
time_of "/healthz"
time_of "/api/v1/quality/index?$y"
time_of "/api/v1/quality/index?$y&agency=H72.50.01"
time_of "/api/v1/quality/index?$y&unit=25449"
time_of "/api/v1/quality/index?$y&field=ho-tich"
time_of "/api/v1/quality/index?from=2026-11-01&to=2026-11-30"
time_of "/api/v1/quality/index?from=2026-11-16&to=2026-11-22"
# about three months (each day's most late) and four (the index by lateness)
time_of "/api/v1/quality/index?from=2026-09-01&to=2026-11-27"
time_of "/api/v1/quality/index?from=2026-08-01&to=2026-11-27"
time_of "/api/v1/quality/index?from=2026-11-20&to=2026-11-20"
time_of "/api/v1/quality/index?from=2026-11-22&to=2026-11-22&agency=H72.50.01"
time_of "/api/v1/quality/index?from=2026-11-20&to=2026-11-20&unit=25449"
time_of "/chat-luong?$y"
time_of "/chat-luong?$y&agency=H72.50.01"
time_of "/chat-luong?$y&unit=25449"
time_of "/chat-luong?from=2026-11-20&to=2026-11-20"
time_of "/chat-luong.xlsx?$y"
time_of "/chat-luong.pdf?$y"
