#!/usr/bin/env bash
# make test: every check CI runs. Starts a throwaway PostgreSQL cluster unless DATABASE_URL is given, and stops
# everything it started, also when a check fails. Extra arguments go to pytest.
set -euo pipefail

# Runtime packages (see run.sh), PostgreSQL for the suite, Debian's chromium for the browser tests.
. "$(dirname "$0")/bootstrap.sh" libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext \
    postgresql chromium

WORK=$(mktemp -d /tmp/portal-test.XXXXXX)
PG_DATA="$WORK/pg/data"
PG_BIN=""
cleanup() {
    status=$?
    if [ -f "$PG_DATA/postmaster.pid" ]; then
        as_postgres pg_ctl -D "$PG_DATA" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
    exit $status
}
trap cleanup EXIT INT TERM

# initdb and pg_ctl refuse to run as root.
as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- env PATH="$PG_BIN:$PATH" "$@"; else "$@"; fi
}

say "ruff check"
ruff check .
say "ruff format --check"
ruff format --check .

export SECRET_KEY="test-$(python -c 'import secrets; print(secrets.token_urlsafe(50))')"
export DATA_DIR="$WORK/data"
mkdir -p "$DATA_DIR"

say "makemigrations --check"
DEBUG=true python manage.py makemigrations --check --dry-run -v 1 >/dev/null \
    || die "Models and migrations disagree: run python manage.py makemigrations and commit the result."

say "check --deploy with production settings"
DEBUG=false ALLOWED_HOSTS=portal.example.gov.cn DATABASE_URL="postgres://portal@db/portal" \
    python manage.py check --deploy --fail-level WARNING

if docker compose version >/dev/null 2>&1; then
    say "docker compose config"
    SECRET_KEY=check POSTGRES_PASSWORD=check ALLOWED_HOSTS=portal.example.gov.cn docker compose config --quiet
else
    say "docker compose config: skipped (no docker compose here)"
fi

if [ -z "${DATABASE_URL:-}" ]; then
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    say "Starting a throwaway PostgreSQL ($PG_BIN)"
    mkdir -p "$PG_DATA" "$WORK/pg/socket"
    chmod 755 "$WORK"
    if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$WORK/pg"; fi
    as_postgres initdb -D "$PG_DATA" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
    as_postgres pg_ctl -D "$PG_DATA" -w -l "$WORK/pg/postgres.log" start \
        -o "-k $WORK/pg/socket -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null \
        || { cat "$WORK/pg/postgres.log" >&2; die "PostgreSQL did not start."; }
    export DATABASE_URL="postgres://postgres@${WORK//\//%2F}%2Fpg%2Fsocket/portal"
fi

say "collectstatic"
python manage.py collectstatic --noinput -v 0

say "pytest"
# Tests run with DEBUG off, like production; plain HTTP on the test server.
SECURE_SSL_REDIRECT=false python -m pytest "$@"
