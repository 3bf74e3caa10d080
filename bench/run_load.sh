#!/usr/bin/env bash
# Run bench/load.py against gunicorn + a Celery worker, on the embedded defaults (SQLite and the
# filesystem broker) or on PostgreSQL + Redis:
#   bash bench/run_load.sh embedded [learners] [seconds]
#   bash bench/run_load.sh postgres [learners] [seconds]   # needs postgresql and redis-server
#   bash bench/run_load.sh embedded 200 45 60               # paced at 60 requests a second
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-embedded}; learners=${2:-200}; seconds=${3:-60}; rate=${4:-}
work=$(mktemp -d /tmp/load-XXXX)
export DEBUG=0 SECRET_KEY=load-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz \
  ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 VAR_DIR="$work" LOG_LEVEL=WARNING \
  LAB_MESSAGES_PER_HOUR=1000 DJANGO_SETTINGS_MODULE=config.settings
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true;
  [ "$mode" = postgres ] && su postgres -c "/usr/lib/postgresql/*/bin/pg_ctl -D $work/pg stop -m fast" >/dev/null 2>&1 || true; }
trap cleanup EXIT
if [ "$mode" = postgres ]; then
  chown -R postgres "$work"; pgbin=$(ls -d /usr/lib/postgresql/*/bin | tail -1)
  su postgres -c "$pgbin/initdb -D $work/pg -A trust -U postgres" >/dev/null
  su postgres -c "$pgbin/pg_ctl -D $work/pg -o '-p 5544 -k $work -c max_connections=200' -l $work/pg.log start" >/dev/null
  sleep 2; su postgres -c "$pgbin/createdb -h $work -p 5544 course"
  export DATABASE_URL="postgres://postgres@127.0.0.1:5544/course"
  redis-server --port 6390 --save '' --dir "$work" >/dev/null & pids+=($!)
  export REDIS_URL=redis://127.0.0.1:6390/0
fi
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py collectstatic --noinput -v 0
.venv/bin/python manage.py sync_content >/dev/null
.venv/bin/gunicorn config.wsgi --bind 127.0.0.1:8400 --workers 3 --threads 4 --worker-class gthread \
  --log-level warning & pids+=($!)
.venv/bin/celery -A config worker --loglevel WARNING --concurrency 2 >"$work/worker.log" 2>&1 & pids+=($!)
for _ in $(seq 1 50); do curl -fs http://127.0.0.1:8400/healthz >/dev/null && break; sleep 0.2; done
.venv/bin/python bench/load.py --base http://127.0.0.1:8400 --learners "$learners" --seconds "$seconds" \
  ${rate:+--rate "$rate"}
# A lesson page against a trivial view (/healthz) on the same server, in the same run.
echo "--- lesson page vs trivial view, 200 sequential requests each"
.venv/bin/python bench/page_latency.py http://127.0.0.1:8400
