#!/usr/bin/env bash
# The IT plan's year-end report at scale (issue 23): a province with N
# dossiers, 5,000 machines (a day of coverage each day), 3,000 probes (with
# their outages) and 100 radio stations over 2026, then the report (PDF,
# ODT, XLSX) and the progress API timed against a release server: the
# first request, then the median of five warm ones.
#   scripts/bench-plan.sh N [postgres-url]
# MEASURE_ONLY=<dir> measures a province generated before (KEEP=1 keeps it).
set -euo pipefail
n=${1:?number of dossiers}
pg=${2:-}
bin=${EGOV_BIN:-./target/release/egov}
data=${MEASURE_ONLY:-$(mktemp -d /tmp/egov-bp.XXXXXX)}
port=$((19000 + RANDOM % 1000))
db=()
if [ -n "$pg" ]; then db=(--database-url "$pg"); fi
echo "== $n dossiers, ${MACHINES:-5000} machines, ${PROBES:-3000} probes, ${STATIONS:-100} stations; ${pg:+PostgreSQL}${pg:-SQLite}; data in $data"
if [ -z "${MEASURE_ONLY:-}" ]; then
  /usr/bin/time -f "generation: %e s, %M KB at most" "$bin" bench-data --data "$data" "${db[@]}" --dossiers "$n" --seed 1 --year 2026 --demo \
    --now 2026-12-31T17:00 --machines "${MACHINES:-5000}" --probes "${PROBES:-3000}" --stations "${STATIONS:-100}"
fi
if [ -z "$pg" ]; then
  du -b "$data/egov.db" | awk '{printf "database size: %.0f MB\n", $1/1e6}'
else
  psql "$pg" -Atc "select 'database size: ' || round(pg_database_size(current_database())/1e6) || ' MB'"
fi
token=$("$bin" admin issue-token --data "$data" "${db[@]}" --username demo.admin --expires-in 1h | awk '{print $2}')
"$bin" serve --data "$data" "${db[@]}" --listen "127.0.0.1:$port" >"$data/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$data"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
time_of() { # path: first, then the median of 5 warm requests, in ms; the answer's size
  local first all size
  first=$(curl -s -o /dev/null -w '%{time_total}' -H "authorization: Bearer $token" "http://127.0.0.1:$port$1")
  all=$(for _ in 1 2 3 4 5; do curl -s -o /dev/null -w '%{time_total}\n' -H "authorization: Bearer $token" "http://127.0.0.1:$port$1"; done | sort -n | sed -n 3p)
  size=$(curl -s -w '%{http_code} %{size_download}' -o /dev/null -H "authorization: Bearer $token" "http://127.0.0.1:$port$1")
  awk -v f="$first" -v m="$all" -v p="$1" -v s="$size" 'BEGIN { printf "%-62s first %8.1f ms, median %8.1f ms  (%s B)\n", p, f*1000, m*1000, s }'
}
time_of "/healthz"
time_of "/api/v1/plans/2026/progress?on=2026-12-31"
time_of "/api/v1/plans/2026/progress?on=2026-12-31&detail=true"
time_of "/api/v1/plans/2026/report/pdf?on=2026-12-31"
time_of "/api/v1/plans/2026/report/odt?on=2026-12-31"
time_of "/api/v1/plans/2026/report/xlsx?on=2026-12-31"
time_of "/quan-tri/ke-hoach?nam=2026&ngay=2026-12-31"
