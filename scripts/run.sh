#!/usr/bin/env bash
# make run: the embedded default. SQLite (WAL), Celery worker + beat on the filesystem broker, files on disk,
# email to the console. Ctrl-C stops everything this script started.
set -euo pipefail

# WeasyPrint needs Pango, HarfBuzz's subsetter and the Noto CJK fonts (real regular and bold weights, embedded in
# every PDF); msgfmt compiles the translations.
. "$(dirname "$0")/bootstrap.sh" libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext

export DEBUG="${DEBUG:-true}"
export DEMO_PASSWORD="${DEMO_PASSWORD:-Demo@2026pass}"
export DATA_DIR="${DATA_DIR:-$ROOT/var}"
PORT="${PORT:-8000}"
# The address printed in every PDF's verification line and QR code: the one this portal answers on.
export PORTAL_BASE_URL="${PORTAL_BASE_URL:-http://127.0.0.1:$PORT}"

mkdir -p "$DATA_DIR/broker/queue" "$DATA_DIR/broker/control" "$DATA_DIR/broker/processed" "$DATA_DIR/media"
if [ -z "${SECRET_KEY:-}" ]; then
    # One key per installation, kept beside the data so that sessions survive a restart.
    [ -s "$DATA_DIR/secret_key" ] || (umask 077 && python -c 'import secrets; print(secrets.token_urlsafe(50))' >"$DATA_DIR/secret_key")
    SECRET_KEY=$(cat "$DATA_DIR/secret_key")
    export SECRET_KEY
fi

say "Migrating the database"
python manage.py migrate --noinput -v 0
if [ "$DEBUG" = "true" ] || [ "$DEBUG" = "1" ]; then
    say "Loading the demo data"
    python manage.py seed_demo
    python manage.py seed_demo_cases
    python manage.py seed_demo_credit
    python manage.py seed_demo_notices
    python manage.py seed_demo_meetings
else
    python manage.py collectstatic --noinput -v 0
fi

accounts=$(python manage.py seed_demo --list | sed 's/^/    /')
pids=()
stop() {
    trap - INT TERM EXIT
    say "Stopping"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM EXIT

gunicorn config.wsgi --bind "127.0.0.1:$PORT" --workers 2 --threads 4 --access-logfile - --log-level warning &
pids+=($!)
# One worker with an embedded beat: right for exactly one machine (docs/adr/0002-embedded-default.md).
celery -A config worker --beat --concurrency 2 --loglevel WARNING \
    --schedule "$DATA_DIR/celerybeat-schedule" --without-gossip --without-mingle &
pids+=($!)

cat <<BANNER

  公共资源交易联动监督管理平台 is starting at  http://127.0.0.1:$PORT/
  Demo accounts (password: $DEMO_PASSWORD):
$accounts
  Press Ctrl-C to stop.

BANNER
wait -n "${pids[@]}"
