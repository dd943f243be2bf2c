#!/usr/bin/env bash
# make bench: measure the speed targets and print the figures with the core count. Benchmarks report, they never
# fail on a figure (no timed tests). Arguments pick the benchmarks, all by default:
#   restart    bench/restart.sh: a second `make run` serves within 15 s
#   deadlines  bench/deadlines.py: the sweep of 10,000 due among BENCH_DEADLINES (default 1,000,000) open
#              deadlines next to a hand-written SQL sweep, the idle sweep, add_working_days calls per second
#   documents  bench/documents.py: a one-page receipt rendered by the portal next to plain WeasyPrint
# e.g. a quick run: make bench ARGS=deadlines BENCH_DEADLINES=100000
set -euo pipefail

# Runtime packages (see run.sh) and PostgreSQL for the throwaway cluster.
. "$(dirname "$0")/bootstrap.sh" libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext postgresql

restart=false deadlines=false documents=false
[ $# -gt 0 ] || set -- restart documents deadlines
for benchmark in "$@"; do
    case "$benchmark" in
        restart) restart=true ;;
        deadlines) deadlines=true ;;
        documents) documents=true ;;
        *) die "Unknown benchmark '$benchmark' (choose from: restart documents deadlines)." ;;
    esac
done

if $restart; then
    say "Benchmark: second start of make run"
    bench/restart.sh
fi

if $documents; then
    say "Benchmark: documents"
    DEBUG=true python -m bench.documents  # no database needed: the document is built in memory
fi

if $deadlines; then
    # Always a cluster of its own: the benchmark loads a million rows, never into the caller's DATABASE_URL.
    unset DATABASE_URL
    WORK=$(mktemp -d /tmp/portal-bench.XXXXXX)
    . "$ROOT/scripts/postgres.sh"
    cleanup() {
        status=$?
        stop_postgres
        rm -rf "$WORK"
        exit $status
    }
    trap cleanup EXIT INT TERM

    export SECRET_KEY="bench-$(python -c 'import secrets; print(secrets.token_urlsafe(50))')"
    export DATA_DIR="$WORK/data"
    export DEBUG=false # as in production; DEBUG would also keep every query in memory
    mkdir -p "$DATA_DIR"
    start_postgres
    as_postgres "$PG_BIN/createdb" -h "$WORK/pg/socket" portal # the database DATABASE_URL names
    python manage.py migrate --noinput -v 0
    say "Benchmark: deadlines"
    python -m bench.deadlines
fi
