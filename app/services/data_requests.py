"""A candidate's own requests: download everything held about them, or erase it.

Both start from the person: a signed-in candidate account (every company's record linked to it) or a
guest's private status link (that link's record only). An export is built by the worker into a ZIP
(app/services/data_export.py) and sent as a link that works DATA_EXPORT_DAYS; an erasure is confirmed
from a link sent by email (ERASE_HOURS), so someone holding only an open browser cannot erase a person.
Tokens are stored as sha256 only; their emails are scrubbed of the link once sent (app/mail/compose.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from app.errors import NotFound
from app.extensions import db
from app.mail.outbox import add_message, add_messages
from app.models import Candidate, Company, DataRequest, Role, User
from app.models.base import utcnow
from app.services import audit
from app.services.anonymise import anonymise
from app.services.status_links import digest, new_token

log = logging.getLogger(__name__)

ERASE_HOURS = 24
ERASED_NAME = "Erased account"


def _base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def export_link(token: str) -> str:
    return f"{_base_url()}/my-data/{token}"


def erase_link(token: str) -> str:
    return f"{_base_url()}/erase-me/{token}"


def request_export(*, user: User | None = None, candidate: Candidate | None = None) -> DataRequest:
    """A pending export; once committed, `data_export.start` has it built."""
    row = DataRequest(kind="export", status="pending", user_id=user.id if user else None,
                      candidate_id=None if user else candidate.id)  # fmt: skip
    db.session.add(row)
    db.session.flush()
    return row


def request_erasure(*, user: User | None = None, candidate: Candidate | None = None) -> DataRequest:
    """A pending erasure and the email that confirms it; nothing is erased until the link is followed."""
    token, hashed = new_token()
    row = DataRequest(
        kind="erase", status="pending", user_id=user.id if user else None,
        candidate_id=None if user else candidate.id, token_hash=hashed,
        expires_at=utcnow() + timedelta(hours=ERASE_HOURS),
    )  # fmt: skip
    db.session.add(row)
    db.session.flush()
    address, name = (user.email, user.full_name) if user else (candidate.email, candidate.full_name)
    add_message(
        kind="data_erase_confirm", to_address=address, to_name=name, company_id=None,
        template="data_erase_confirm", subject="Confirm the erasure of your data",
        context={"name": name, "expires_hours": ERASE_HOURS, "link": erase_link(token)},
    )  # fmt: skip
    return row


def candidates_of(row: DataRequest) -> list[Candidate]:
    """The records the request covers: every company's record linked to the account, or the link's one."""
    if row.user_id is not None:
        stmt = select(Candidate).where(Candidate.user_id == row.user_id)
    else:
        stmt = select(Candidate).where(Candidate.id == row.candidate_id)
    return list(db.session.scalars(stmt.where(Candidate.anonymised_at.is_(None)).order_by(Candidate.id)))


def _open(token: str, kind: str, status: str) -> DataRequest:
    """The live request behind a link; any other token (unknown, used, expired, wrong kind) is not found."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise NotFound("This link is not valid.")
    row = db.session.scalars(
        select(DataRequest).where(DataRequest.token_hash == digest(token), DataRequest.kind == kind,
                                  DataRequest.status == status, DataRequest.expires_at > utcnow())
    ).first()  # fmt: skip
    if row is None:
        raise NotFound("This link is not valid or has expired.")
    return row


def open_export(token: str, viewer: User | None) -> DataRequest:
    """A ready export. An account's export is for that account only: anyone else signed in gets not found."""
    row = _open(token, "export", "ready")
    if row.user_id is not None and viewer is not None and viewer.is_authenticated and viewer.id != row.user_id:
        raise NotFound("This link is not valid or has expired.")
    return row


def record_download(row: DataRequest) -> None:
    audit.record("data_request.export_downloaded", actor_label="", object_type="data_request", object_id=row.id)


def open_erasure(token: str) -> DataRequest:
    return _open(token, "erase", "pending")


@dataclass(frozen=True)
class ErasureResult:
    erased: int
    kept: int  # records some company keeps under a legal hold


def confirm_erasure(token: str) -> ErasureResult:
    """Erase every record the request covers (held ones kept), neutralise the login, tell each company's admins.

    The login is not deleted: its id is referenced by audit rows, sessions and requests, so it is
    anonymised in place (email replaced, no password, inactive, auth_version bumped so every session
    and token it had stops working).
    """
    row = open_erasure(token)
    erased, kept, companies = 0, 0, set()
    for candidate in candidates_of(row):
        if candidate.legal_hold_at is not None:
            candidate.user_id = None  # the login goes; the held record stays with its company
            kept += 1
            continue
        anonymise(candidate, actor=None, trigger="candidate_request")
        erased += 1
        companies.add(candidate.company_id)
    if row.user_id is not None:
        _neutralise(db.session.get(User, row.user_id))
    row.status, row.token_hash, row.finished_at = "done", None, utcnow()
    for company_id in sorted(companies):
        audit.record("data_request.erased", actor_label="", company_id=company_id, object_type="data_request",
                     object_id=row.id, details={"kept_under_hold": kept})  # fmt: skip
    _tell_admins(sorted(companies))
    db.session.flush()
    return ErasureResult(erased, kept)


def _neutralise(user: User | None) -> None:
    if user is None or user.role != Role.CANDIDATE:
        return
    user.email = f"erased-{user.id}@invalid"
    user.full_name = ERASED_NAME
    user.password_hash = None
    user.active = False
    user.auth_version += 1


def _tell_admins(company_ids: list[int]) -> None:
    if not company_ids:
        return
    admins = db.session.execute(
        select(User.email, User.full_name, User.company_id, Company.name)
        .join(Company, Company.id == User.company_id)
        .where(User.company_id.in_(company_ids), User.role == Role.ADMIN, User.active.is_(True))
    ).all()  # fmt: skip
    add_messages([
        {"kind": "data_erased", "to_address": a.email, "to_name": a.full_name, "company_id": a.company_id,
         "template": "data_erased", "subject": "A candidate erased their data",
         "context": {"name": a.full_name, "company": a.name}}
        for a in admins
    ])  # fmt: skip
