#!/usr/bin/env bash
# Starts `mentorat serve` from CHECKOUT on a fresh data directory and its own ports, runs bench/load.py against it
# (100 binômes, 16 clients), prints the figures, stops the service. Run it for two checkouts back to back to
# compare them on the same machine:  bench/serve_and_load.sh . sqlite 8301 7301 8351
# usage: serve_and_load.sh CHECKOUT sqlite|postgres API_PORT TEMPORAL_PORT UI_PORT
set -u
HERE=$(cd "$(dirname "$0")/.." && pwd)
cd "$1"
DATA=$(mktemp -d)
export MENTORAT_DATA_DIR=$DATA MENTORAT_API_PORT=$3 MENTORAT_TEMPORAL_DEV_PORT=$4 MENTORAT_TEMPORAL_UI_PORT=$5
export MENTORAT_LOG_LEVEL=WARNING MENTORAT_LOG_FORMAT=json
if [ "$2" = postgres ]; then
  export MENTORAT_EVENT_STORE=postgres MENTORAT_POSTGRES_USER=postgres MENTORAT_POSTGRES_DB="bench_$(date +%s)"
fi
.venv/bin/mentorat serve > "$DATA/serve.log" 2>&1 &
SERVICE=$!
for _ in $(seq 120); do curl -sf "http://127.0.0.1:$3/health" >/dev/null && break; sleep 1; done
"$HERE/.venv/bin/python" bench/load.py --url "http://127.0.0.1:$3" --binomes 100 --clients 16 --no-progress
kill -INT $SERVICE; wait $SERVICE
