# The scale-out image: one image for web, worker and beat; only the command differs (docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DATA_DIR=/data

# Pango, HarfBuzz's subsetter and the Noto CJK fonts for WeasyPrint; gettext to compile the translations.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
       fonts-noto-cjk gettext \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir uv==0.13.9

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-dev --no-install-project

COPY . .
RUN for po in locale/*/LC_MESSAGES/*.po; do msgfmt --check-format -o "${po%.po}.mo" "$po"; done \
    && DEBUG=false SECRET_KEY=build-only-not-used-at-run-time STATIC_ROOT=/app/staticfiles \
       python manage.py collectstatic --noinput -v 0 \
    && useradd --system --home /data portal \
    && mkdir -p /data/media /checkpoints \
    && chown -R portal /data /checkpoints

ENV STATIC_ROOT=/app/staticfiles
USER portal
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
