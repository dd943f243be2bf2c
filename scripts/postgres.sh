# Sourced by test.sh and bench.sh: start a throwaway PostgreSQL cluster under $WORK/pg unless DATABASE_URL is
# set, export DATABASE_URL, and register its stop in `stop_postgres` (call it from the caller's EXIT trap).
# Debian's binaries; initdb and pg_ctl refuse to run as root, so they run as the postgres user.

PG_DATA="$WORK/pg/data"
PG_BIN=""

as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- env PATH="$PG_BIN:$PATH" "$@"; else "$@"; fi
}

stop_postgres() {
    if [ -f "$PG_DATA/postmaster.pid" ]; then
        as_postgres pg_ctl -D "$PG_DATA" -m immediate stop >/dev/null 2>&1 || true
    fi
}

start_postgres() {
    [ -n "${DATABASE_URL:-}" ] && return 0
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    say "Starting a throwaway PostgreSQL ($PG_BIN)"
    mkdir -p "$PG_DATA" "$WORK/pg/socket"
    chmod 755 "$WORK"
    if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$WORK/pg"; fi
    as_postgres initdb -D "$PG_DATA" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
    as_postgres pg_ctl -D "$PG_DATA" -w -l "$WORK/pg/postgres.log" start \
        -o "-k $WORK/pg/socket -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off $*" >/dev/null \
        || { cat "$WORK/pg/postgres.log" >&2; die "PostgreSQL did not start."; }
    export DATABASE_URL="postgres://postgres@${WORK//\//%2F}%2Fpg%2Fsocket/portal"
}
