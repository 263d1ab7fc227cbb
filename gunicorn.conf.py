"""gunicorn settings for `gunicorn -c gunicorn.conf.py run:app` (the image's command and the Procfile's web).

HOST, PORT and WEB_CONCURRENCY pick the address and the number of worker
processes. Logs use the app's format (LOG_FORMAT); gunicorn's access log is off
because the app writes one line per request itself, naming the route pattern
rather than the raw path (which may carry a token) and the request id.
Metrics: each worker process writes its samples under PROMETHEUS_MULTIPROC_DIR
(a fresh temporary folder unless set), emptied at start; a dead worker's live
gauges are dropped.
"""

import os
import shutil
import tempfile

bind = f"{os.environ.get('HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '8000'}"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2)
accesslog = None
graceful_timeout = 20

if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="ats-metrics-")

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "app": {
            "()": "app.core.logging.make_formatter",
            "log_format": (os.environ.get("LOG_FORMAT") or "text").strip().lower(),
        }
    },
    "filters": {"context": {"()": "app.core.logging.ContextFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "app",
            "filters": ["context"],
            "stream": "ext://sys.stderr",
        }
    },
    # The app installs its own root handler in each worker (app/core/logging.py); gunicorn's
    # default would add a second one and every line would be written twice.
    "root": {"level": "INFO", "handlers": []},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
    },
}


def on_starting(server) -> None:
    """Start from an empty metrics folder: files left by an earlier run would be counted again."""
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, exist_ok=True)


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
