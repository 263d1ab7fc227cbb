FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    APP_ENV=production FLASK_APP=run.py INSTANCE_PATH=/data

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt && useradd --create-home --uid 1000 ats && mkdir -p /data && chown ats /data
COPY --chown=ats . .
USER ats
EXPOSE 8000
VOLUME ["/data"]

# Migrate, then serve. The worker runs from the same image: `python worker.py`.
CMD ["sh", "-c", "flask db upgrade && exec gunicorn --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-2} --access-logfile - run:app"]
