#!/usr/bin/env bash
# make bench: measure the speed targets and print the figures with the core count. Benchmarks report, they never
# fail on a figure (no timed tests). Arguments pick the benchmarks, all by default:
#   restart    bench/restart.sh: a second `make run` serves within 15 s
#   deadlines  bench/deadlines.py: the sweep of 10,000 due among BENCH_DEADLINES (default 1,000,000) open
#              deadlines next to a hand-written SQL sweep, the idle sweep, add_working_days calls per second
#   documents  bench/documents.py: a one-page receipt rendered by the portal next to plain WeasyPrint
#   audit      bench/audit.py: what audit_record adds to a transaction (BENCH_AUDIT_TRANSACTIONS, default 2,000,
#              with and without it) and verify_audit's time per 1,000,000 events (BENCH_AUDIT_EVENTS chained
#              events, default 1,000,000)
#   cases      bench/cases.py: with BENCH_REFERRALS (default 1,000,000) referrals, the case list and a lead's page
#              next to a bare Django view: requests per second, ratio to the bare view, p50 and p95
#              (BENCH_REQUESTS a page, default 300)
#   board      bench/board.py: with BENCH_REFERRALS referrals and their clocks, the supervisors' board (p95 and
#              queries) and a download of BENCH_EXPORT_ROWS (default 100,000) clocks as XLSX and CSV (time, memory)
# e.g. a quick run: make bench ARGS=deadlines BENCH_DEADLINES=100000
set -euo pipefail

# Runtime packages (see run.sh) and PostgreSQL for the throwaway cluster.
. "$(dirname "$0")/bootstrap.sh" libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext postgresql

restart=false deadlines=false documents=false audit=false cases=false board=false
[ $# -gt 0 ] || set -- restart documents deadlines audit cases board
for benchmark in "$@"; do
    case "$benchmark" in
        restart) restart=true ;;
        deadlines) deadlines=true ;;
        documents) documents=true ;;
        audit) audit=true ;;
        cases) cases=true ;;
        board) board=true ;;
        *) die "Unknown benchmark '$benchmark' (choose from: restart documents deadlines audit cases board)." ;;
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

if $deadlines || $audit || $cases || $board; then
    # Always a cluster of its own: the benchmarks load a million rows, never into the caller's DATABASE_URL.
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
    # Each benchmark fills a freshly migrated database of its own, the one DATABASE_URL names.
    fresh_database() {
        as_postgres env PGOPTIONS="-c client_min_messages=warning" \
            "$PG_BIN/dropdb" --if-exists -h "$WORK/pg/socket" portal
        as_postgres "$PG_BIN/createdb" -h "$WORK/pg/socket" portal
        python manage.py migrate --noinput -v 0
    }
fi

if $deadlines; then
    fresh_database
    say "Benchmark: deadlines"
    python -m bench.deadlines
fi

if $audit; then
    fresh_database
    say "Benchmark: audit"
    python -m bench.audit
fi

if $cases; then
    fresh_database
    # The pages are served as in production (DEBUG off): from collected static files, with the broker's folders
    # for the renders the workflows queue (no worker takes them: the letters stay 生成中).
    python manage.py collectstatic --noinput -v 0
    mkdir -p "$DATA_DIR/broker/queue" "$DATA_DIR/broker/control" "$DATA_DIR/broker/processed"
    say "Benchmark: cases"
    python -m bench.cases
fi

if $board; then
    fresh_database
    python manage.py collectstatic --noinput -v 0
    mkdir -p "$DATA_DIR/broker/queue" "$DATA_DIR/broker/control" "$DATA_DIR/broker/processed"
    say "Benchmark: board"
    python -m bench.board
fi
