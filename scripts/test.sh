#!/usr/bin/env bash
# make test: every check CI runs. Starts a throwaway PostgreSQL cluster unless DATABASE_URL is given, and stops
# everything it started, also when a check fails. Extra arguments go to pytest.
set -euo pipefail

# Runtime packages (see run.sh), PostgreSQL for the suite, Debian's chromium for the browser tests, poppler-utils
# (pdftotext, pdffonts) to read the PDFs back, Redis for the tests of the shared cache (each starts its own).
. "$(dirname "$0")/bootstrap.sh" libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext \
    postgresql chromium poppler-utils redis-server

WORK=$(mktemp -d /tmp/portal-test.XXXXXX)
. "$ROOT/scripts/postgres.sh"
cleanup() {
    status=$?
    stop_postgres
    rm -rf "$WORK"
    exit $status
}
trap cleanup EXIT INT TERM

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

start_postgres

say "collectstatic"
python manage.py collectstatic --noinput -v 0

say "pytest"
# Tests run with DEBUG off, like production; plain HTTP on the test server. One process per core
# (pytest-xdist), each with its own test database.
SECURE_SSL_REDIRECT=false python -m pytest -n auto "$@"
