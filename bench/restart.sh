#!/usr/bin/env bash
# Target (foundation issue): a second `make run` reuses everything and serves within 15 seconds.
# Starts make run once to warm up (venv, packages, database, demo data), stops it, then times a second start
# from the command to the first 200 on the login page. Prints the figure with the machine's core count.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${BENCH_PORT:-8765}
DATA=$(mktemp -d /tmp/portal-bench.XXXXXX)
trap 'rm -rf "$DATA"' EXIT

start_and_time() {
    local started pid
    started=$(date +%s%N)
    setsid env -u DATABASE_URL -u SECRET_KEY -u DEBUG PORT=$PORT DATA_DIR="$DATA" make run >"$DATA/run.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 1200); do
        python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$PORT/accounts/login/', timeout=2)" \
            2>/dev/null && break
        sleep 0.1
    done
    elapsed_ms=$((($(date +%s%N) - started) / 1000000))
    kill -INT -- "-$pid"
    wait "$pid" 2>/dev/null || true
    printf '%d.%d' $((elapsed_ms / 1000)) $((elapsed_ms % 1000 / 100))
}

first=$(start_and_time)
second=$(start_and_time)
echo "make run, first start on an empty DATA_DIR: $first s"
echo "make run, second start (target < 15 s):     $second s   ($(nproc) cores)"
