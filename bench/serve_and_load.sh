#!/usr/bin/env bash
# Starts `mentorat serve` from CHECKOUT on a fresh data directory and its own ports, runs bench/load.py against it
# (100 binômes, 16 clients), prints the figures and the CPU the service and its Temporal dev server spent during
# the load, stops the service. Run it for two checkouts back to back to compare them on the same machine:
#   bench/serve_and_load.sh . sqlite 8301 7301 8351
# One client, to see what a command costs when nothing else runs:
#   bench/serve_and_load.sh . sqlite 8301 7301 8351 --binomes 10 --clients 1
# usage: serve_and_load.sh CHECKOUT sqlite|postgres API_PORT TEMPORAL_PORT UI_PORT [load.py options]
set -u
HERE=$(cd "$(dirname "$0")/.." && pwd)
cd "$1"
DATA=$(mktemp -d)
export MENTORAT_DATA_DIR=$DATA MENTORAT_API_PORT=$3 MENTORAT_TEMPORAL_DEV_PORT=$4 MENTORAT_TEMPORAL_UI_PORT=$5
export MENTORAT_LOG_LEVEL=WARNING MENTORAT_LOG_FORMAT=json
# The first administrator, whom bench/load.py logs in as.
export MENTORAT_ADMIN_PASSWORD=bench-administrator-password
if [ "$2" = postgres ]; then
  export MENTORAT_EVENT_STORE=postgres MENTORAT_POSTGRES_USER=postgres MENTORAT_POSTGRES_DB="bench_$(date +%s)"
  # Older checkouts do not create their database: do it for them.
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $MENTORAT_POSTGRES_DB" >/dev/null 2>&1
fi
.venv/bin/mentorat serve > "$DATA/serve.log" 2>&1 &
SERVICE=$!
for _ in $(seq 120); do curl -sf "http://127.0.0.1:$3/health" >/dev/null && break; sleep 1; done
TEMPORAL=$(pgrep -f -- "start-dev.*--port $4" | head -1)

cpu_seconds() {  # user + system CPU of a process, from /proc (clock ticks)
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0
}
service_cpu() {  # serve and its worker processes (its children but the dev server)
  local total pid
  total=$(cpu_seconds $SERVICE)
  for pid in $(pgrep -P $SERVICE); do
    [ "$pid" = "$TEMPORAL" ] || total=$(awk -v a="$total" -v b="$(cpu_seconds "$pid")" 'BEGIN { printf "%.2f", a + b }')
  done
  echo "$total"
}
SERVICE_BEFORE=$(service_cpu) TEMPORAL_BEFORE=$(cpu_seconds "$TEMPORAL")
API_PORT=$3
shift 5
LOAD_OPTIONS=("$@")
[ ${#LOAD_OPTIONS[@]} -eq 0 ] && LOAD_OPTIONS=(--binomes 100 --clients 16)
"$HERE/.venv/bin/python" bench/load.py --url "http://127.0.0.1:$API_PORT" "${LOAD_OPTIONS[@]}" --no-progress \
  | tee "$DATA/load.txt"
COMMANDS=$(awk '/^  commands +:/ { print $3 }' "$DATA/load.txt")
awk -v s0="$SERVICE_BEFORE" -v s1="$(service_cpu)" -v t0="$TEMPORAL_BEFORE" \
    -v t1="$(cpu_seconds "$TEMPORAL")" -v n="${COMMANDS:-0}" 'BEGIN {
  s = s1 - s0; t = t1 - t0
  printf "  CPU during the load  : service %.1f s, Temporal server %.1f s", s, t
  if (n > 0) printf "  (%.1f + %.1f ms per command)", s * 1000 / n, t * 1000 / n
  print "" }'
kill -INT $SERVICE; wait $SERVICE
