"""gunicorn settings shared by the app and the ceiling during `make bench`.

As in production: no reload, no debug, access log off (the bench measures the
app, not log writes). BENCH_WORKERS / BENCH_WORKER_CLASS / BENCH_THREADS pick
the process model; the default is one sync worker per core (bench/README.md).
"""

import multiprocessing
import os

bind = os.environ.get("BENCH_BIND", "127.0.0.1:8800")
workers = int(os.environ.get("BENCH_WORKERS") or multiprocessing.cpu_count())
worker_class = os.environ.get("BENCH_WORKER_CLASS", "sync")
threads = int(os.environ.get("BENCH_THREADS", "1"))
backlog = 2048
keepalive = 5
timeout = 60
graceful_timeout = 5
accesslog = None
errorlog = "-"
loglevel = "warning"
