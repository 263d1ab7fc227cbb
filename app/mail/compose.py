"""Rendering outbox messages from templates and turning a row into an email.

Names and subjects come from users (candidate names, job titles). The services
already refuse CR/LF in them; here every header value is flattened to one line
again and set through `email.headerregistry`, so no input can add a header.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy import Row

from app.models import OutboxMessage

PRODUCT = "ATS"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")

_env = Environment(
    loader=PackageLoader("app.mail", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def one_line(value: str, max_len: int = 300) -> str:
    """Collapse control characters (CR, LF, tabs...) to single spaces."""
    return _CONTROL.sub(" ", value or "").strip()[:max_len]


def render(template: str, subject: str, **context) -> Rendered:
    """`mail/<template>.txt` and `.html` with the same context; the HTML one is autoescaped.

    Every text value is one line (names and titles only), so a stray CR/LF cannot
    fake structure in the body either.
    """
    context = {key: one_line(value, 2000) if isinstance(value, str) else value for key, value in context.items()}
    context.setdefault("subject", one_line(subject))
    context.setdefault("product", PRODUCT)
    return Rendered(
        subject=one_line(subject),
        text=_env.get_template(f"mail/{template}.txt").render(**context),
        html=_env.get_template(f"mail/{template}.html").render(**context),
    )


# The kinds of message that may carry a private status link (app/mail/events.py), and what
# stands in its place in the copy kept once the message is sent.
STATUS_LINK_KINDS = frozenset({"application_received", "application_repeated", "status_link"})
LINK_REMOVED = "[link removed after sending]"
# A status link as the templates write it: {BASE_URL}/status/{token}, in text and in href="...".
_STATUS_LINK = re.compile(r"[^\s\"'<>]*/status/[A-Za-z0-9_-]{20,100}")


def scrubbed_bodies(kind: str, text_body: str, html_body: str | None) -> dict[str, str | None]:
    """The bodies to keep once the message is sent: each private status link replaced by LINK_REMOVED.

    The link is a key to the person's application; the person's mailbox holds it,
    our copy need not. Empty when the kind carries no link or nothing matched.
    """
    if kind not in STATUS_LINK_KINDS:
        return {}
    text = _STATUS_LINK.sub(LINK_REMOVED, text_body)
    html = _STATUS_LINK.sub(LINK_REMOVED, html_body) if html_body else html_body
    if text == text_body and html == html_body:
        return {}
    return {"text_body": text, "html_body": html}


def new_message_id(sender: str) -> str:
    """A Message-ID made once, stored with the row, so every attempt carries the same one."""
    return f"<{uuid.uuid4().hex}@{_message_domain(sender)}>"


@lru_cache(maxsize=16)
def _message_domain(sender: str) -> str:
    """The sender's domain: parsed once per sender, not once per message (a bulk queues hundreds)."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    return one_line(domain, 200).replace(" ", "")


def sender_address(sender: str) -> Address:
    name, addr = parseaddr(sender)
    return _address(name, addr)


def _address(name: str, addr: str) -> Address:
    username, _, domain = one_line(addr, 254).rpartition("@")
    if not username or not domain:
        raise ValueError("not an email address")
    return Address(display_name=one_line(name, 200), username=username, domain=domain)


def build_email(row: OutboxMessage | Row, sender: str) -> EmailMessage:
    """The email for an outbox row (the model, or a row of its columns).

    Raises ValueError when an address cannot be used.
    """
    message = EmailMessage()
    message["From"] = sender_address(sender)
    message["To"] = _address(row.to_name, row.to_address)
    message["Subject"] = one_line(row.subject)
    message["Date"] = format_datetime(row.created_at)
    message["Message-ID"] = one_line(row.message_id, 255)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row.text_body, cte=_plain_cte(row.text_body))
    if row.html_body:
        message.add_alternative(row.html_body, subtype="html", cte=_plain_cte(row.html_body))
    return message


def _plain_cte(body: str) -> str:
    """7bit when the body allows it, so links stay whole and readable in the raw message.

    Otherwise quoted-printable: safe for any SMTP server, with or without 8BITMIME.
    """
    if body.isascii() and all(len(line) <= 998 for line in body.splitlines()):
        return "7bit"
    return "quoted-printable"
