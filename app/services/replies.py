"""Replies by email: each application's reply address, and the replies that come back through it.

Mail about an application carries `Reply-To: reply+<token>@MAIL_REPLY_DOMAIN`.
The token is made by the mail worker the first time it sends a message about
the application (`live_token`, on the worker's own connection), so applying
and moving write nothing more. The receiver (app/mail/inbound.py) asks
`resolve` at RCPT time and hands accepted messages to `store`, which keeps the
reply (its text, its attachments checked by their bytes) in one transaction
and sends `signals.reply_received` there: the mail events queue the staff
notification in the same transaction, and other listeners (an in-app
notification list) can hook the same signal.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, and_, select, update
from sqlalchemy.exc import IntegrityError

from app import signals
from app.core.storage import get_storage
from app.errors import Conflict, NotFound
from app.extensions import db
from app.models import Application, InboundMessage, OutboxMessage, ReplyAddress, User
from app.models.base import utcnow
from app.services.access import EDITORS, require_member, require_role, require_user
from app.services.pagination import Page, paginate_desc

log = logging.getLogger(__name__)

TOKEN_BYTES = 20  # 160 bits, 32 characters of lower-case base32
LOCAL_PREFIX = "reply+"
_TOKEN = re.compile(r"[a-z2-7]{32}")
TEXT_MAX_CHARS = 100_000
MAX_ATTACHMENTS = 10


def new_token() -> str:
    """An unguessable token without case or padding (a mail system may change a local part's case)."""
    return base64.b32encode(secrets.token_bytes(TOKEN_BYTES)).decode().rstrip("=").lower()


def reply_address(token: str, domain: str) -> str:
    return f"{LOCAL_PREFIX}{token}@{domain}"


def token_of(address: str, domain: str) -> str | None:
    """The token in `reply+<token>@domain`, or None when the address is not one of ours."""
    local, _, at = (address or "").strip().strip("<>").rpartition("@")
    if not domain or at.lower() != domain.lower() or not local.lower().startswith(LOCAL_PREFIX):
        return None
    token = local[len(LOCAL_PREFIX) :].lower()
    return token if _TOKEN.fullmatch(token) else None


# --- the worker: the reply address of a message about an application --------------------------


def live_token(conn: Connection, application_id: int, company_id: int, token: str | None = None) -> str | None:
    """The application's live token, made now when it has none (`token`: the one to make).

    One SELECT when it exists; otherwise an INSERT ... ON CONFLICT DO NOTHING (the
    partial unique index allows one live token per application, so two workers
    racing make one) and the SELECT again. None only if the application is gone.
    """
    table = ReplyAddress.__table__
    live = select(table.c.token).where(table.c.application_id == application_id, table.c.revoked_at.is_(None))
    found = conn.execute(live).scalar()
    if found is not None:
        return found
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert
    values = {
        "application_id": application_id,
        "company_id": company_id,
        "token": token or new_token(),
        "created_at": utcnow(),
    }
    try:
        conn.execute(upsert(table).values(values).on_conflict_do_nothing())
    except IntegrityError:  # the application was deleted meanwhile
        return None
    return conn.execute(live).scalar()


# --- the receiver -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Where an accepted recipient's reply goes."""

    reply_address_id: int
    application_id: int
    company_id: int


class Refused(Exception):
    """The recipient is not a live reply address; `reason` says why (for the SMTP answer and the log)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def resolve(address: str, domain: str) -> Target:
    """The live reply address `address` names; Refused otherwise (one SELECT)."""
    if not domain:
        raise Refused("replies are not received here")
    if (address or "").rpartition("@")[2].lower() != domain.lower():
        raise Refused("not a reply address of this domain")
    token = token_of(address, domain)
    if token is None:
        raise Refused("no such reply address")
    row = db.session.execute(
        select(ReplyAddress.id, ReplyAddress.application_id, ReplyAddress.company_id, ReplyAddress.revoked_at).where(
            ReplyAddress.token == token
        )
    ).first()
    if row is None:
        raise Refused("no such reply address")
    if row.revoked_at is not None:
        raise Refused("this reply address has been revoked")
    return Target(row.id, row.application_id, row.company_id)


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes


@dataclass
class Reply:
    """A parsed reply, before it is stored (app/mail/inbound.py makes it from the raw message)."""

    from_address: str
    from_name: str
    subject: str
    text: str
    message_id: str
    in_reply_to: str | None
    references: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    size: int = 0
    automatic: bool = False  # Auto-Submitted (an out-of-office answer): stored, nobody is told


def store(targets: list[Target], reply: Reply) -> list[InboundMessage]:
    """Keep the reply for each target's application and commit; the rows stored (none: all duplicates).

    One transaction: the attachments (checked by their bytes), the rows and the
    notifications commit together. A Message-ID already stored for an application
    is not stored again (checked first, and by the unique index against a race).
    A target revoked since RCPT is dropped.
    """
    application_ids = sorted({t.application_id for t in targets})
    live = dict(
        db.session.execute(
            select(ReplyAddress.application_id, ReplyAddress.id).where(
                ReplyAddress.id.in_([t.reply_address_id for t in targets]), ReplyAddress.revoked_at.is_(None)
            )
        ).all()
    )
    seen = set(
        db.session.scalars(
            select(InboundMessage.application_id).where(
                InboundMessage.application_id.in_(application_ids), InboundMessage.message_id == reply.message_id
            )
        )
    )
    wanted = [t for t in _unique(targets) if t.application_id in live and t.application_id not in seen]
    if not wanted:
        db.session.rollback()
        return []
    answered = _answered(wanted, reply)
    kept_keys: list[str] = []
    stored: list[InboundMessage] = []
    try:
        for target in wanted:
            attachments, dropped = _keep_attachments(reply.attachments, kept_keys)
            row = InboundMessage(
                company_id=target.company_id,
                application_id=target.application_id,
                outbox_message_id=answered.get(target.application_id),
                from_address=reply.from_address[:254],
                from_name=reply.from_name[:200],
                subject=reply.subject[:300],
                text_body=reply.text[:TEXT_MAX_CHARS],
                message_id=reply.message_id[:255],
                in_reply_to=(reply.in_reply_to or None) and reply.in_reply_to[:255],
                attachments=attachments,
                dropped=dropped,
                size=reply.size,
                received_at=utcnow(),
            )
            db.session.add(row)
            stored.append(row)
        db.session.flush()
        for row in stored:
            on_reply_stored(row, notify=not reply.automatic)
        db.session.commit()
    except IntegrityError:  # the same Message-ID stored by a concurrent delivery
        db.session.rollback()
        _discard(kept_keys)
        return []
    except BaseException:
        db.session.rollback()
        _discard(kept_keys)
        raise
    return stored


def on_reply_stored(reply: InboundMessage, *, notify: bool = True) -> None:
    """The hook after a reply is stored, inside its transaction: sends `signals.reply_received`.

    Receivers add to the same session (the staff email; later an in-app notification).
    """
    signals.reply_received.send(reply, notify=notify)


def who_is_told(reply: InboundMessage) -> tuple[Application | None, list[User]]:
    """The reply's application and the staff told of it: the active member of the company who wrote
    the message answered, else the company's active recruiters and admins.

    Worked out once per reply (the mail and the in-app notification ask both); one SELECT for the
    writer when the answered message is known, one for the recruiting staff otherwise.
    """
    cached = getattr(reply, "_who_is_told", None)
    if cached is not None:
        return cached
    application = db.session.get(Application, reply.application_id)
    recipients: list[User] = []
    if application is not None:
        if reply.outbox_message_id is not None:
            writer = db.session.scalar(
                select(User)
                .join(OutboxMessage, OutboxMessage.sent_by_id == User.id)
                .where(OutboxMessage.id == reply.outbox_message_id)
            )
            if writer is not None and writer.active and writer.is_staff and writer.company_id == application.company_id:
                recipients = [writer]
        if not recipients:
            recipients = list(application.job.company.recruiting_staff)
    reply._who_is_told = (application, recipients)
    return application, recipients


def _unique(targets: list[Target]) -> list[Target]:
    by_application: dict[int, Target] = {}
    for target in targets:
        by_application.setdefault(target.application_id, target)
    return list(by_application.values())


def _answered(targets: list[Target], reply: Reply) -> dict[int, int]:
    """{application id: the outbox message answered}, from In-Reply-To (then References, newest first)."""
    ids = [i for i in [reply.in_reply_to, *reversed(reply.references)] if i]
    if not ids:
        return {}
    rows = db.session.execute(
        select(OutboxMessage.application_id, OutboxMessage.id, OutboxMessage.message_id).where(
            OutboxMessage.message_id.in_(ids[:20]),
            OutboxMessage.application_id.in_([t.application_id for t in targets]),
        )
    ).all()
    rank = {message_id: n for n, message_id in enumerate(ids)}
    answered: dict[int, tuple[int, int]] = {}
    for application_id, outbox_id, message_id in rows:
        best = answered.get(application_id)
        if best is None or rank[message_id] < best[0]:
            answered[application_id] = (rank[message_id], outbox_id)
    return {application_id: outbox_id for application_id, (_, outbox_id) in answered.items()}


def _keep_attachments(files: list[Attachment], kept_keys: list[str]) -> tuple[list[dict], list[dict]]:
    """Store the files that are a PDF, DOCX or image by their bytes; list the others as dropped."""
    from app.services import resumes

    kept: list[dict] = []
    dropped: list[dict] = []
    storage = get_storage()
    for n, upload in enumerate(files):
        name = _safe_name(upload.filename)
        if n >= MAX_ATTACHMENTS:
            dropped.append({"filename": name, "reason": f"more than {MAX_ATTACHMENTS} attachments"})
            continue
        content_type = sniff_attachment(upload.data)
        if content_type is None:
            dropped.append({"filename": name, "reason": "not a PDF, DOCX or image file"})
            continue
        key = secrets.token_hex(16)
        storage.put(key, upload.data, content_type)
        kept_keys.append(key)
        if content_type in resumes.EXTENSIONS:
            name = resumes._safe_filename(upload.filename, content_type)
        kept.append({"key": key, "filename": name, "content_type": content_type, "size": len(upload.data)})
    return kept, dropped


IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def sniff_attachment(data: bytes) -> str | None:
    """PDF or DOCX (as resumes are checked) or a PNG, JPEG, GIF or WebP image, from the bytes alone."""
    from app.services import resumes

    if not data:
        return None
    found = resumes.sniff(data)
    if found is not None:
        return found
    for signature, content_type in IMAGE_SIGNATURES:
        if data.startswith(signature) and len(data) > len(signature):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _safe_name(name: str | None) -> str:
    base = (name or "").replace("\\", "/").rpartition("/")[2]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>:/\\|?*').strip()
    return base[:200] or "attachment"


def _discard(keys: list[str]) -> None:
    storage = get_storage()
    for key in keys:
        try:
            storage.delete(key)
        except Exception:  # a leftover file is harmless; the reply itself is what matters
            log.warning("replies: could not remove stored attachment %s", key)


def digest_message_id(raw: bytes) -> str:
    """A stand-in Message-ID for a message without one: the same bytes give the same id."""
    return f"<{hashlib.sha256(raw).hexdigest()[:40]}@no-message-id>"


# --- staff: reading and revoking ------------------------------------------------------------------


def _staff_application(actor: User, application_id: int) -> tuple[int, int]:
    """(id, company id) of an application of the actor's company; NotFound for anyone else."""
    actor = require_user(actor)
    row = db.session.execute(
        select(Application.id, Application.company_id).where(
            Application.id == application_id, Application.company_id == actor.company_id
        )
    ).first()
    if row is None or actor.company_id is None:
        raise NotFound("That application was not found.")
    require_member(actor, row.company_id, what="That application")
    return row.id, row.company_id


def page_for_application(
    actor: User, application_id: int, *, limit: int | None = None, cursor: str | None = None
) -> Page[InboundMessage]:
    """The application's replies, newest first (staff of its company, hiring managers included)."""
    application_id, company_id = _staff_application(actor, application_id)
    stmt = select(InboundMessage).where(
        InboundMessage.application_id == application_id, InboundMessage.company_id == company_id
    )
    return paginate_desc(db.session, stmt, InboundMessage.id, limit=limit, cursor=cursor)


@dataclass(frozen=True)
class ActivityItem:
    """A reply as an entry of the application's activity timeline."""

    id: int
    created_at: datetime
    kind: str
    from_address: str
    from_name: str
    subject: str
    text: str
    attachments: list
    dropped: list


def for_activity(company_id: int, application_id: int, limit: int = 20) -> list[ActivityItem]:
    """The application's latest replies as timeline entries, newest first (the caller has checked access)."""
    table = InboundMessage.__table__
    rows = db.session.execute(
        select(
            table.c.id,
            table.c.received_at,
            table.c.from_address,
            table.c.from_name,
            table.c.subject,
            table.c.text_body,
            table.c.attachments,
            table.c.dropped,
        )
        .where(and_(table.c.company_id == company_id, table.c.application_id == application_id))
        .order_by(table.c.id.desc())
        .limit(limit)
    ).all()
    return [
        ActivityItem(
            id=row.id,
            created_at=row.received_at,
            kind="reply",
            from_address=row.from_address,
            from_name=row.from_name,
            subject=row.subject,
            text=row.text_body,
            attachments=row.attachments or [],
            dropped=row.dropped or [],
        )
        for row in rows
    ]


def revoke(actor: User, application_id: int) -> int:
    """Recruiters and admins: the application's reply address stops working at once.

    Replies to it are refused from now on; the next message about the application
    carries a new address. Conflict when it has no live address.
    """
    actor = require_user(actor)
    application_id, _company_id = _staff_application(actor, application_id)
    require_role(actor, *EDITORS, action="revoke reply addresses")
    table = ReplyAddress.__table__
    revoked = db.session.execute(
        update(table)
        .where(table.c.application_id == application_id, table.c.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_by_id=actor.id)
        .returning(table.c.id)
    ).first()
    if revoked is None:
        raise Conflict("This application has no working reply address.")
    return revoked.id


@dataclass(frozen=True)
class AttachmentFile:
    """A kept attachment ready to send: `attachment(*file)` streams it."""

    file: object
    filename: str
    content_type: str
    size: int


def attachment_file(actor: User, application_id: int, reply_id: int, key: str) -> AttachmentFile:
    """A file kept from a reply, to staff of the application's company (hiring managers included)."""
    from app.core.storage import FileMissing

    actor = require_user(actor)
    row = db.session.execute(
        select(InboundMessage.attachments).where(
            InboundMessage.id == reply_id,
            InboundMessage.application_id == application_id,
            InboundMessage.company_id == actor.company_id,
        )
    ).first()
    if row is None or not actor.is_staff:
        raise NotFound("That attachment was not found.")
    found = next((a for a in row.attachments or [] if a.get("key") == key), None)
    if found is None:
        raise NotFound("That attachment was not found.")
    try:
        stored = get_storage().open(key)
    except (FileMissing, ValueError):
        raise NotFound("The attachment's file is missing.") from None
    return AttachmentFile(stored.file, found["filename"], found["content_type"], stored.size)
