"""Privacy notices: each company's own text, versioned on every save; the consent an application records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError

from app.errors import Conflict
from app.extensions import db
from app.models import PrivacyNotice, Role, User
from app.models.base import utcnow
from app.services.access import require_member, require_role
from app.services.validation import Checker

MAX_LENGTH = 20000
DEFAULT_TEXT = """\
{company} uses the details you send with an application (your name, contact details, resume, \
cover letter and answers) only to consider you for this and similar roles at {company}.

Only the people who take part in hiring at {company} can see them. They are kept while your \
application is considered and for up to twelve months after it is decided, then deleted, unless you \
ask for them to be deleted earlier.

You can ask {company} at any time for a copy of your details, to correct them or to delete them."""


@dataclass(frozen=True)
class NoticeView:
    """The notice a company shows now. `id` None and version 0: the built-in default text."""

    id: int | None
    company_id: int
    version: int
    text: str
    created_at: datetime | None


def _latest(company_id: int):
    return select(PrivacyNotice).where(PrivacyNotice.company_id == company_id).order_by(PrivacyNotice.version.desc())


NOTICE_COMPANY_PARAM = "consent_company_id"
_IN_FORCE = (
    select(PrivacyNotice)
    .where(PrivacyNotice.company_id == bindparam(NOTICE_COMPANY_PARAM))
    .order_by(PrivacyNotice.version.desc())
    .limit(1)
)
_NOTICE_ID = _IN_FORCE.with_only_columns(PrivacyNotice.id).scalar_subquery()
_NOTICE_VERSION = func.coalesce(_IN_FORCE.with_only_columns(PrivacyNotice.version).scalar_subquery(), 0)


def current_notice(company_id: int, company_name: str) -> NoticeView:
    """Public: anyone may read what they agree to."""
    notice = db.session.scalars(_latest(company_id).limit(1)).first()
    if notice is None:
        return NoticeView(None, company_id, 0, DEFAULT_TEXT.format(company=company_name), None)
    return NoticeView(notice.id, company_id, notice.version, notice.text, notice.created_at)


def save_notice(actor: User, company_id: int, text) -> PrivacyNotice:
    """A new version of the company's notice (admins); earlier versions stay, consents point at them."""
    actor = require_member(actor, company_id, what="That company")
    require_role(actor, Role.ADMIN, action="edit the privacy notice")
    check = Checker()
    text = check.text("text", text, required=True, max_len=MAX_LENGTH)
    check.raise_if_any()
    latest = db.session.scalar(select(func.max(PrivacyNotice.version)).where(PrivacyNotice.company_id == company_id))
    notice = PrivacyNotice(company_id=company_id, version=(latest or 0) + 1, text=text, created_by_id=actor.id)
    try:
        with db.session.begin_nested():
            db.session.add(notice)
    except IntegrityError:
        raise Conflict("Someone saved the notice at the same moment; reload it and try again.") from None
    return notice


def consent_values(company_id: int, *, ip: str | None) -> dict:
    """The application row's consent columns: the person agreed to the company's notice as it reads now.

    They go into the application's own INSERT (no statement of their own). The
    notice and its version are read inside that statement, so the row names
    exactly the version in force when it was written (0: the default text); that
    statement binds the company as NOTICE_COMPANY_PARAM (the read is built once).
    """
    return {
        "consent_notice_id": _NOTICE_ID,
        "consent_notice_version": _NOTICE_VERSION,
        "consented_at": utcnow(),
        "consent_ip": (ip or None) and ip[:45],
    }
