"""One log format for the web, the worker and the clock.

`LOG_FORMAT=text` (the default) writes readable lines, `LOG_FORMAT=json` one JSON
object per line (python-json-logger). Every record carries `request_id` while a
request is served and `job_id` while an RQ job runs, so a line can be traced to
what caused it.

What is logged is chosen so that secrets never are: the per-request line names the
route's *pattern* (`/reset-password/<token>`), never the raw path or query string,
and no header is ever logged. A last filter masks anything shaped like a bearer
token or a JWT in case a message or an exception text carries one.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar
from typing import IO

from flask import Flask, Response, g, request

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d] req=%(request_id)s job=%(job_id)s: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(process)d %(request_id)s %(job_id)s %(message)s"

# Bearer credentials, JWTs (three base64url parts, the first starting like a JSON object) and
# `password=...`/`token=...` pairs.
_SECRET_PATTERNS = (
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"), r"\1[redacted]"),
    (re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), "[redacted-jwt]"),
    (re.compile(r"(?i)\b(password|passwd|secret|token)=([^\s&]+)"), r"\1=[redacted]"),
)


def current_request_id() -> str | None:
    return _request_id.get()


def redact(text: str) -> str:
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class ContextFilter(logging.Filter):
    """Adds `request_id` and `job_id` to every record and masks token-shaped text."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get() or "-"
        record.job_id = _current_job_id() or "-"
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def _current_job_id() -> str | None:
    from rq.job import get_current_job

    job = get_current_job()
    return job.id if job is not None else None


def make_formatter(log_format: str = "text") -> logging.Formatter:
    """The formatter for `LOG_FORMAT` (also used by gunicorn's own loggers, see gunicorn.conf.py)."""
    if log_format == "json":
        from pythonjsonlogger.json import JsonFormatter

        class _Json(JsonFormatter):
            def formatException(self, ei) -> str:
                return redact(super().formatException(ei))

        return _Json(
            JSON_FIELDS,
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            timestamp=False,
        )
    if log_format != "text":
        raise RuntimeError(f"LOG_FORMAT must be text or json, not {log_format!r}")

    class _Text(logging.Formatter):
        def formatException(self, ei) -> str:
            return redact(super().formatException(ei))

    return _Text(TEXT_FORMAT)


def make_handler(log_format: str = "text", stream: IO[str] | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(make_formatter(log_format))
    handler.addFilter(ContextFilter())
    handler.set_name("ats")
    return handler


def configure(log_format: str = "text", level: str = "INFO", stream: IO[str] | None = None) -> logging.Handler:
    """Install the one root handler (replacing a previous one of ours); returns it."""
    root = logging.getLogger()
    for existing in list(root.handlers):
        if existing.get_name() == "ats":
            root.removeHandler(existing)
    handler = make_handler(log_format, stream)
    root.addHandler(handler)
    root.setLevel(level.upper())
    return handler


def init_app(app: Flask) -> None:
    """Configure logging for the process (not under tests: pytest owns the handlers) and tag requests."""
    if not app.testing:
        configure(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    for noisy in ("transitions", "alembic.runtime.plugins"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    log = logging.getLogger("app.request")

    @app.before_request
    def _start_request() -> None:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        g.request_id = request_id
        g.request_started = time.perf_counter()
        g.request_id_token = _request_id.set(request_id)

    @app.after_request
    def _finish_request(response: Response) -> Response:
        request_id = g.get("request_id")
        if request_id is None:
            return response
        response.headers[REQUEST_ID_HEADER] = request_id
        if app.config["LOG_REQUESTS"]:
            rule = request.url_rule.rule if request.url_rule is not None else "-"
            elapsed_ms = (time.perf_counter() - g.request_started) * 1000
            log.info(
                "%s %s %s %.1fms",
                request.method,
                rule,
                response.status_code,
                elapsed_ms,
                extra={
                    "method": request.method,
                    "route": rule,
                    "endpoint": request.endpoint or "-",
                    "status": response.status_code,
                    "duration_ms": round(elapsed_ms, 2),
                },
            )
        return response

    @app.teardown_request
    def _forget_request(_exc: BaseException | None) -> None:
        token = g.pop("request_id_token", None)
        if token is not None:
            try:
                _request_id.reset(token)
            except ValueError:  # torn down in another context (a streamed response)
                _request_id.set(None)
