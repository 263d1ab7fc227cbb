"""Where a built email goes: an SMTP server, a folder of .eml files, or a list in memory."""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
import threading
import time
from email.message import EmailMessage

from flask import Flask

log = logging.getLogger(__name__)

BACKENDS = ("smtp", "file", "memory")


def send(app: Flask, message: EmailMessage, outbox_id: int) -> None:
    backend = app.config["MAIL_BACKEND"]
    if backend == "smtp":
        send_smtp(app, message)
    elif backend == "file":
        write_file(app, message, outbox_id)
    elif backend == "memory":
        sent_messages(app).append(message)
    else:
        raise RuntimeError(f"MAIL_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")


def send_smtp(app: Flask, message: EmailMessage) -> None:
    """Send, over a connection kept between messages when the worker asked for it.

    Opening a connection (TCP, EHLO, maybe TLS and AUTH) costs more than sending
    a message, so the mail worker (which calls `keep_connections()`) reuses one
    for up to SMTP_MAX_MESSAGES_PER_CONNECTION messages while it stays idle less
    than SMTP_MAX_IDLE_SECONDS. A kept
    connection is checked with NOOP before use; when a send fails the connection
    is dropped, so a broken one never spoils the next message.
    """
    config = app.config
    if not _connections.enabled:
        client = _open(config)
        try:
            client.send_message(message)
        finally:
            _close_quietly(client)
        return
    client = _connections.take(config)
    try:
        client.send_message(message)
    except BaseException:
        _close_quietly(client)
        raise
    _connections.give_back(config, client)


def _open(config) -> smtplib.SMTP:
    host, port, timeout = config["SMTP_HOST"], int(config["SMTP_PORT"]), float(config["SMTP_TIMEOUT"])
    if config["SMTP_SSL"]:
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if config["SMTP_STARTTLS"] and not config["SMTP_SSL"]:
            client.starttls(context=ssl.create_default_context())
        if config["SMTP_USERNAME"]:
            client.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
    except BaseException:
        _close_quietly(client)
        raise
    return client


def _close_quietly(client: smtplib.SMTP) -> None:
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


class _KeptConnections(threading.local):
    """At most one open SMTP connection per thread, for one server's settings."""

    enabled = False  # process-wide: only the mail worker keeps connections

    def __init__(self) -> None:
        self.client: smtplib.SMTP | None = None
        self.key: tuple | None = None
        self.sent = 0
        self.last_used = 0.0

    @staticmethod
    def _key(config) -> tuple:
        return tuple(config[k] for k in ("SMTP_HOST", "SMTP_PORT", "SMTP_SSL", "SMTP_STARTTLS", "SMTP_USERNAME"))

    def take(self, config) -> smtplib.SMTP:
        client, self.client = self.client, None
        if client is not None:
            fresh = time.monotonic() - self.last_used < float(config["SMTP_MAX_IDLE_SECONDS"])
            if self.key == self._key(config) and fresh and _alive(client):
                return client
            _close_quietly(client)
        self.sent = 0
        self.key = self._key(config)
        return _open(config)

    def give_back(self, config, client: smtplib.SMTP) -> None:
        self.sent += 1
        if self.sent >= int(config["SMTP_MAX_MESSAGES_PER_CONNECTION"]):
            _close_quietly(client)
            return
        self.client = client
        self.last_used = time.monotonic()


def _alive(client: smtplib.SMTP) -> bool:
    try:
        return client.noop()[0] == 250
    except (smtplib.SMTPException, OSError):
        return False


_connections = _KeptConnections()


def keep_connections(enabled: bool = True) -> None:
    """Keep SMTP connections open between messages (the worker process turns this on).

    Elsewhere (in-process delivery in web requests) each message has its own
    connection, so no socket outlives the thread that opened it.
    """
    _KeptConnections.enabled = enabled


def close_kept_connection() -> None:
    """Close this thread's kept connection (at worker exit, and in tests)."""
    client, _connections.client = _connections.client, None
    if client is not None:
        _close_quietly(client)


def write_file(app: Flask, message: EmailMessage, outbox_id: int) -> None:
    """Development: instance/mail/<id>.eml, and a one-line summary in the log (never the body)."""
    folder = file_folder(app)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{outbox_id}.eml")
    with open(path, "wb") as handle:
        handle.write(message.as_bytes())
    log.info("mail #%s to %s, %r: written to %s", outbox_id, message["To"], str(message["Subject"]), path)


def file_folder(app: Flask) -> str:
    """Where MAIL_BACKEND=file writes its messages."""
    return os.path.join(app.instance_path, "mail")


def delivery_note(app: Flask) -> str:
    """A plain word on where mail goes when it is not sent (said by the CLI and the invite page)."""
    if app.config["MAIL_BACKEND"] == "file":
        return f"Emails are not sent on this server: each one is written as an .eml file to {file_folder(app)}."
    return ""


def sent_messages(app: Flask) -> list[EmailMessage]:
    """What the memory backend delivered (tests and tools)."""
    return app.extensions.setdefault("mail_memory", [])
