# syntax=docker/dockerfile:1
# One image for every process: web (the default command), worker and clock (see compose.yaml).

# Build stage: wheels into a virtualenv, so the runtime image carries no compiler or pip cache.
FROM python:3.11.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install -r /tmp/requirements.txt

FROM python:3.11.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/venv/bin:$PATH \
    APP_ENV=production FLASK_APP=run.py INSTANCE_PATH=/data HOST=0.0.0.0 PORT=8000 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/ats-metrics
# pg_dump/pg_restore for `flask backup` (Debian bookworm's client is PostgreSQL 15, like the db service).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 ats \
    && mkdir -p /data && chown ats:ats /data
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# The code belongs to root and is read-only to the app's user; only /data (and /tmp) are writable.
COPY --chown=root:root . .
RUN python -m compileall -q app config.py run.py worker.py && chmod -R go-w /app
USER ats
EXPOSE 8000
VOLUME ["/data"]

HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz\", timeout=4)"]

# Migrations are a separate step (`flask deploy`, the compose `migrate` service); this serves.
# worker: `python worker.py`; clock: `flask tick --loop`.
CMD ["gunicorn", "-c", "gunicorn.conf.py", "run:app"]
