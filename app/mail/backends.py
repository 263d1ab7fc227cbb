"""Where a built email goes: an SMTP server, a folder of .eml files, or a list in memory."""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
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
    """One connection per message: simple, and a broken connection never spoils the next one."""
    config = app.config
    host, port, timeout = config["SMTP_HOST"], int(config["SMTP_PORT"]), float(config["SMTP_TIMEOUT"])
    if config["SMTP_SSL"]:
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(host, port, timeout=timeout)
    with client:
        if config["SMTP_STARTTLS"] and not config["SMTP_SSL"]:
            client.starttls(context=ssl.create_default_context())
        if config["SMTP_USERNAME"]:
            client.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        client.send_message(message)


def write_file(app: Flask, message: EmailMessage, outbox_id: int) -> None:
    """Development: instance/mail/<id>.eml, and a one-line summary in the log (never the body)."""
    folder = os.path.join(app.instance_path, "mail")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{outbox_id}.eml")
    with open(path, "wb") as handle:
        handle.write(message.as_bytes())
    log.info("mail #%s to %s, %r: written to %s", outbox_id, message["To"], str(message["Subject"]), path)


def sent_messages(app: Flask) -> list[EmailMessage]:
    """What the memory backend delivered (tests and tools)."""
    return app.extensions.setdefault("mail_memory", [])
