"""Rendering outbox messages from templates and turning a row into an email.

A request writes a message's template name and a snapshot of its merge fields
(`context`, plain JSON); the worker renders it at send time with
`render_message`. A template named `company:<key>` is the company's own email
template for that key (`email_templates.effective`, in the sandbox, falling
back to the built-in default); any other name is a system template under
app/mail/templates/mail/ (`resolve_template`).

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
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template, select_autoescape
from sqlalchemy import Row

from app.models import OutboxMessage

PRODUCT = "ATS"
CUSTOM_TEMPLATE = "staff_message"  # a message staff wrote (app/mail/custom_message.py), not a file
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
    html: str | None


def one_line(value: str, max_len: int = 300) -> str:
    """Collapse control characters (CR, LF, tabs...) to single spaces."""
    return _CONTROL.sub(" ", value or "").strip()[:max_len]


def render(template: str, subject: str, **context) -> Rendered:
    """`mail/<template>.txt` and `.html` with the same context; the HTML one is autoescaped.

    Every text value is one line (names and titles only), so a stray CR/LF cannot
    fake structure in the body either.
    """
    return render_message(None, template, context, subject)


@dataclass(frozen=True)
class MailTemplate:
    """What a message is rendered with: a text body, an optional HTML body and optionally its own subject.

    `subject` None: the subject written with the message (formatted from the same
    snapshot when it was queued) is the one sent.
    """

    text: Template
    html: Template | None
    subject: Template | None = None


# Outbox templates named `company:<key>` are rendered from the company's email template `key`.
COMPANY_PREFIX = "company:"


def company_template(key: str) -> str:
    """The outbox `template` of a message rendered from the company's email template `key`."""
    return f"{COMPANY_PREFIX}{key}"


def resolve_template(company_id: int | None, name: str) -> MailTemplate:
    """The system template `name` (app/mail/templates/mail/): staff alerts, account mail, status links.

    Companies do not edit these; their candidate emails are `company:<key>` templates (see render_message).
    """
    return _default_template(name)


@lru_cache(maxsize=64)
def _default_template(name: str) -> MailTemplate:
    return MailTemplate(text=_env.get_template(f"mail/{name}.txt"), html=_env.get_template(f"mail/{name}.html"))


def render_message(
    company_id: int | None,
    template: str,
    context: dict[str, Any],
    subject: str,
    *,
    replies_read: bool = False,
    connection=None,
) -> Rendered:
    """Render a message from its template and its snapshot of merge fields (the worker, at send time).

    `company:<key>`: the company's template in effect for the snapshot's language
    (one SELECT, on `connection` when given), rendered in the sandbox; else a system template.
    `replies_read`: the message carries a reply address, so the footer says replies reach the team.
    Raises on an unknown template, a missing field or a template error: the caller
    treats that as a permanent failure of the message.
    """
    if template == CUSTOM_TEMPLATE:  # typed by staff: rendered in the sandbox (app/mail/custom_message.py)
        from app.mail import custom_message

        return custom_message.render(context, replies_read=replies_read)
    if template.startswith(COMPANY_PREFIX):
        from app.services import email_templates

        if company_id is None:
            raise ValueError("A company template needs the message's company.")
        return email_templates.render_effective(
            company_id,
            template.removeprefix(COMPANY_PREFIX),
            context,
            replies_read=replies_read,
            connection=connection,
        )
    found = resolve_template(company_id, template)
    fields = {key: one_line(value, 2000) if isinstance(value, str) else value for key, value in context.items()}
    fields.setdefault("product", PRODUCT)
    if replies_read:
        fields["replies_read"] = True
    if found.subject is not None:
        subject = found.subject.render(**fields)
    subject = one_line(subject)
    fields.setdefault("subject", subject)
    return Rendered(
        subject=subject,
        text=found.text.render(**fields),
        html=found.html.render(**fields) if found.html is not None else None,
    )


def format_subject(subject: str, context: dict[str, Any]) -> str:
    """A subject written with its message: `subject` a str.format over the snapshot ({job_title}...).

    Cheap enough for the request, so the mail page shows every message's subject before it is sent.
    """
    return one_line(subject.format_map(context))


# The kinds of message that may carry a private status link (app/mail/events.py, an offer) or booking link
# (app/services/booking.py), and what stands in its place in the copy kept once the message is sent.
STATUS_LINK_KINDS = frozenset(
    {
        "application_received",
        "application_repeated",
        "status_link",
        "booking_offer",
        "offer_sent",
        "data_export",
        "data_erase_confirm",
    }
)
LINK_REMOVED = "[link removed after sending]"
# A status link as the templates write it: {BASE_URL}/status/{token} (or /book/, /my-data/, /erase-me/{token}),
# in text and in href="...".
_STATUS_LINK = re.compile(r"[^\s\"'<>]*/(?:status|book|my-data|erase-me)/([A-Za-z0-9_-]{20,100})")


def scrubbed_bodies(kind: str, text_body: str, html_body: str | None, context: Any = None) -> dict[str, str | None]:
    """The bodies to keep once the message is sent: each private status link replaced by LINK_REMOVED.

    The link is a key to the person's application; the person's mailbox holds it,
    our copy need not. A company's template may write the link its own way (as
    the text of a link, through a filter), so besides every whole link, each
    link token found in the snapshot (`context`) is removed wherever it appears.
    Empty when the kind carries no link or nothing matched.
    """
    if kind not in STATUS_LINK_KINDS:
        return {}
    tokens = _link_tokens(context)

    def scrub(body: str) -> str:
        body = _STATUS_LINK.sub(LINK_REMOVED, body)
        for token in tokens:
            body = body.replace(token, LINK_REMOVED)
        return body

    text = scrub(text_body)
    html = scrub(html_body) if html_body else html_body
    if text == text_body and html == html_body:
        return {}
    return {"text_body": text, "html_body": html}


def _link_tokens(context: Any) -> set[str]:
    """The status link tokens in a snapshot, whatever its shape (nested merge fields or flat names)."""
    if isinstance(context, str):
        return {match.group(1) for match in _STATUS_LINK.finditer(context)}
    if isinstance(context, dict):
        context = list(context.values())
    if isinstance(context, list):
        return set().union(*(_link_tokens(value) for value in context)) if context else set()
    return set()


def scrubbed_context(kind: str, context: Any) -> Any:
    """The snapshot to keep once the message is sent: the same, with every status link in it replaced.

    Any shape: the merge fields of a company template (`status_link`) or a system template's names (`link`).
    """
    if kind not in STATUS_LINK_KINDS or context is None:
        return context
    if isinstance(context, str):
        return _STATUS_LINK.sub(LINK_REMOVED, context)
    if isinstance(context, dict):
        return {key: scrubbed_context(kind, value) for key, value in context.items()}
    if isinstance(context, list):
        return [scrubbed_context(kind, value) for value in context]
    return context


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


# Messages about an application that go to its staff, not to the person: they never carry the
# application's reply address (a colleague's answer is not the candidate's reply, and an
# out-of-office answer to a reply notification must not come back as another reply).
STAFF_KINDS = frozenset(
    {
        "new_application",
        "application_withdrawn",
        "reply_received",
        "mention",
        "digest",
        "interview_invite_staff",
        "interview_reminder",
    }
)


def build_email(
    row: OutboxMessage | Row, sender: str, content: Rendered | None = None, *, reply_to: str | None = None
) -> EmailMessage:
    """The email for an outbox row (the model, or a row of its columns).

    `content`: the subject and bodies rendered at send time; without it, the row's own.
    `reply_to`: the application's reply address (reply+<token>@MAIL_REPLY_DOMAIN), set as Reply-To.
    Raises ValueError when an address cannot be used.
    """
    if content is None:
        content = Rendered(subject=row.subject, text=row.text_body, html=row.html_body)
    message = EmailMessage()
    message["From"] = sender_address(sender)
    message["To"] = _address(row.to_name, row.to_address)
    message["Subject"] = one_line(content.subject)
    message["Date"] = format_datetime(row.created_at)
    message["Message-ID"] = one_line(row.message_id, 255)
    message["Auto-Submitted"] = "auto-generated"
    if reply_to:
        message["Reply-To"] = _address("", reply_to)
    message.set_content(content.text, cte=_plain_cte(content.text))
    if content.html:
        message.add_alternative(content.html, subtype="html", cte=_plain_cte(content.html))
    snapshot = _calendar_snapshot(row)
    if snapshot is not None:
        _add_calendar(message, snapshot, sender)
    return message


def _calendar_snapshot(row) -> dict | None:
    """The event an invite carries (`context["calendar"]`, written by app/services/interview_invites.py)."""
    context = getattr(row, "context", None)
    snapshot = context.get("calendar") if isinstance(context, dict) else None
    return snapshot if isinstance(snapshot, dict) else None


def _add_calendar(message: EmailMessage, snapshot: dict, sender: str) -> None:
    """The invite as Gmail, Outlook and Apple Calendar expect it (RFC 6047).

    multipart/mixed: a multipart/alternative of text, HTML and `text/calendar; method=...`
    (what Outlook and Gmail show as an invitation with its buttons), then the same event
    as an `invite.ics` attachment (what Apple Mail and other clients open). The organizer
    is the address the product sends from, under the scheduling person's name.
    """
    from app.mail import calendar

    ics = calendar.invite(snapshot, sender_address(sender).addr_spec).decode("utf-8")
    method = snapshot["method"]
    message.add_alternative(ics, subtype="calendar", cte=_calendar_cte(ics), params={"method": method})
    message.add_attachment(
        ics.encode("utf-8"), maintype="application", subtype="ics", filename="invite.ics", cte="base64"
    )


def _calendar_cte(body: str) -> str:
    """Folded iCalendar lines are short: 7bit when ASCII, else base64 (no soft breaks inside the data)."""
    return "7bit" if body.isascii() else "base64"


def _plain_cte(body: str) -> str:
    """7bit when the body allows it, so links stay whole and readable in the raw message.

    Otherwise quoted-printable: safe for any SMTP server, with or without 8BITMIME.
    """
    if body.isascii() and all(len(line) <= 998 for line in body.splitlines()):
        return "7bit"
    return "quoted-printable"
