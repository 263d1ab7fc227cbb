"""The reply receiver: `python worker.py inbound`, a small SMTP server (aiosmtpd).

It takes mail for `reply+<token>@MAIL_REPLY_DOMAIN` only and decides while the
sender is still connected, so a refused reply bounces to its sender with a
reason instead of vanishing:

- RCPT TO: another domain, an unknown token or a revoked one: 550 (one SELECT);
- DATA above MAIL_INBOUND_MAX_BYTES: 552 (aiosmtpd's `data_size_limit`, also
  advertised as SIZE, so a client that declares its size is refused at MAIL FROM);
- a message without a text/plain part: 550 (HTML-only mail is refused rather
  than converted: no sanitiser is kept here, and every mail client sends text);
- otherwise the reply is stored (app/services/replies.py, one transaction) and
  answered 250 only once it is committed; a database failure is a 451, so the
  sender's server tries again later.

The database work runs in a thread (`asyncio.to_thread`), inside an app
context, so one slow commit does not stall the other connections.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.mail.compose import one_line
from app.services import replies

log = logging.getLogger(__name__)

NO_TEXT = "550 5.6.0 A reply must have a text part; this message has none"


class ReplyHandler:
    """The aiosmtpd handler: refuse at RCPT what is not a live reply address, store at DATA."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.domain = app.config.get("MAIL_REPLY_DOMAIN") or ""

    async def handle_RCPT(self, server, session, envelope, address: str, rcpt_options) -> str:
        try:
            target = await asyncio.to_thread(self._resolve, address)
        except replies.Refused as refused:
            log.info("inbound: refused recipient %s: %s", one_line(address, 254), refused.reason)
            return f"550 5.1.1 Recipient refused: {refused.reason}"
        except SQLAlchemyError as error:
            log.warning("inbound: recipient check failed (%s); asking to retry", type(error).__name__)
            return "451 4.3.0 Temporary failure, try again later"
        envelope.rcpt_tos.append(address)
        targets = getattr(envelope, "reply_targets", None)
        if targets is None:
            targets = envelope.reply_targets = []
        targets.append(target)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        raw: bytes = envelope.original_content or envelope.content
        try:
            return await asyncio.to_thread(self._receive, list(envelope.reply_targets), raw, envelope.mail_from)
        except SQLAlchemyError as error:
            log.warning("inbound: storing failed (%s); asking to retry", type(error).__name__)
            return "451 4.3.0 Temporary failure, try again later"

    def _receive(self, targets: list[replies.Target], raw: bytes, mail_from: str | None) -> str:
        """Parse (in this thread: a 10 MB message takes a moment) and store; the SMTP answer."""
        try:
            reply = parse(raw, mail_from)
        except Exception as error:  # a message the parser cannot read is refused, never a crash
            log.info("inbound: unreadable message refused (%s)", type(error).__name__)
            return "554 5.6.0 The message could not be read"
        if reply is None:
            log.info("inbound: message without a text part refused")
            return NO_TEXT
        with self.app.app_context():
            try:
                stored = replies.store(targets, reply)
            finally:
                db.session.remove()
        log.info(
            "inbound: reply %s for application(s) %s: %d stored",
            one_line(reply.message_id, 255),
            ",".join(str(t.application_id) for t in targets),
            len(stored),
        )
        return "250 2.0.0 Reply received"

    def _resolve(self, address: str) -> replies.Target:
        with self.app.app_context():
            try:
                return replies.resolve(address, self.domain)
            finally:
                db.session.remove()


def parse(raw: bytes, mail_from: str | None = None) -> replies.Reply | None:
    """The reply in a raw message; None when it has no text/plain part."""
    message: EmailMessage = BytesParser(policy=policy.default).parsebytes(raw)
    body = message.get_body(preferencelist=("plain",))
    if body is None:
        return None
    text = body.get_content()
    name, address = parseaddr(str(message.get("From", "")))
    if not address:
        address = mail_from or ""
    message_id = one_line(str(message.get("Message-ID", "")), 255) or replies.digest_message_id(raw)
    in_reply_to = _first_id(message.get("In-Reply-To"))
    references = [a for _, a in getaddresses([str(message.get("References", ""))]) if a][-20:]
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    return replies.Reply(
        from_address=one_line(address, 254),
        from_name=one_line(name, 200),
        subject=one_line(str(message.get("Subject", "")), 300),
        text=trim_quoted(text),
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=[f"<{r}>" for r in references],
        attachments=list(_attachments(message, body)),
        size=len(raw),
        automatic=auto not in ("", "no"),
    )


def _first_id(value) -> str | None:
    """The first <msg-id> of a header, as it is written."""
    if not value:
        return None
    text = str(value).strip()
    start, end = text.find("<"), text.find(">")
    if 0 <= start < end:
        return text[start : end + 1][:255]
    return one_line(text, 255) or None


def _attachments(message: EmailMessage, body):
    for part in message.walk():
        if part is body or part.is_multipart():
            continue
        disposition = part.get_content_disposition()
        named = disposition == "attachment" or (disposition == "inline" and part.get_filename())
        if not named and part.get_content_maintype() == "text":
            continue  # an alternative body (the HTML of the reply), not a file
        data = part.get_payload(decode=True) or b""
        yield replies.Attachment(filename=part.get_filename() or "attachment", data=data)


_QUOTE_HEADERS = (
    "-----original message-----",
    "________________________________",
)


def trim_quoted(text: str) -> str:
    """The reply without the history it quotes: cut at "On ... wrote:" or an "Original Message" line,
    and drop the block of "> " lines at the end. Everything is kept when nothing would remain."""
    lines = text.replace("\r\n", "\n").split("\n")
    cut = len(lines)
    for n, line in enumerate(lines):
        stripped = line.strip()
        lowered = stripped.lower()
        if lowered in _QUOTE_HEADERS or lowered.startswith("-----original message"):
            cut = n
            break
        if stripped.startswith("On ") and stripped.endswith("wrote:"):
            cut = n
            break
        if stripped.startswith("On ") and n + 1 < len(lines) and lines[n + 1].strip().endswith("wrote:"):
            cut = n
            break
    kept = lines[:cut]
    while kept and (kept[-1].strip() == "" or kept[-1].lstrip().startswith(">")):
        kept.pop()
    result = "\n".join(kept).strip()
    return result if result else text.strip()


def make_controller(app: Flask, *, host: str | None = None, port: int | None = None) -> Controller:
    """The receiver on MAIL_INBOUND_HOST:MAIL_INBOUND_PORT (or the given ones), not started yet."""
    limit = int(app.config["MAIL_INBOUND_MAX_BYTES"])
    return Controller(
        ReplyHandler(app),
        hostname=host or app.config["MAIL_INBOUND_HOST"],
        port=int(port if port is not None else app.config["MAIL_INBOUND_PORT"]),
        server_hostname=app.config.get("MAIL_REPLY_DOMAIN") or None,
        data_size_limit=limit,
        ident="ATS reply receiver",
    )


def run_receiver(app: Flask) -> None:
    """Serve until SIGTERM or SIGINT (the `inbound` process of the Procfile and compose.yaml)."""
    if not app.config.get("MAIL_REPLY_DOMAIN"):
        log.warning("inbound: MAIL_REPLY_DOMAIN is not set; every recipient will be refused")
    controller = make_controller(app)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda _signum, _frame: stop.set())
    controller.start()
    log.info(
        "inbound: receiving replies for %s on %s:%s",
        app.config.get("MAIL_REPLY_DOMAIN") or "(no domain)",
        controller.hostname,
        controller.port,
    )
    try:
        while not stop.wait(1.0):
            pass
    finally:
        controller.stop()
        log.info("inbound: stopped")
