"""Candidate records: one per person per company, found by email, linked to a login by verified email."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from sqlalchemy import BindParameter, bindparam, func, or_, select, update

from app.extensions import db
from app.models import Candidate, User
from app.models.base import utcnow
from app.models.candidates import LINK_KINDS, SOURCES
from app.services.dedupe_keys import keys_for
from app.services.validation import Checker


@dataclass(frozen=True)
class CandidateDetails:
    """Who the person is, as they or the staff typed it (validated by `check_details`)."""

    full_name: str | None = None
    email: str | None = None
    phone: str | None = None
    location: str | None = None
    links: dict[str, str] = field(default_factory=dict)


def check_details(
    check: Checker, details: CandidateDetails, *, email_required: bool, name_required: bool = True
) -> CandidateDetails:
    """The details cleaned; problems are added to `check` under their field names."""
    full_name = check.line("full_name", details.full_name or None, required=name_required, max_len=200) or None
    email = None
    if details.email not in (None, "") or email_required:
        email = check.email("email", details.email)
    phone = check.line("phone", details.phone, max_len=50) or None
    if phone and not all(ch.isdigit() or ch in " +-().x/" for ch in phone):
        check.add("phone", "Use digits, spaces and + - ( ) only.")
    location = check.line("location", details.location, max_len=200) or None
    links: dict[str, str] = {}
    for kind, url in (details.links or {}).items():
        if kind not in LINK_KINDS:
            check.add(f"links.{kind}", f"Unknown link; use one of: {', '.join(LINK_KINDS)}.")
            continue
        url = check.line(f"links.{kind}", url, max_len=500)
        if not url:
            continue
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            check.add(f"links.{kind}", "Must be an http(s) address.")
            continue
        links[kind] = url
    return CandidateDetails(full_name=full_name, email=email, phone=phone, location=location, links=links)


def _verified_account(email: str | BindParameter):
    """The account that proved it holds this address, as a scalar subquery (None when there is none)."""
    return (
        select(User.id)
        .where(User.email == email, User.email_verified_at.is_not(None), User.role == "candidate")
        .scalar_subquery()
    )


def record_for(
    company_id: int, details: CandidateDetails, *, source: str, user_id: int | None = None
) -> tuple[Candidate, bool]:
    """The company's record of this person, made on first sight, and whether it was made now; one statement.

    With an email: INSERT ... ON CONFLICT (company_id, email) DO UPDATE, so the
    record is found or made in one round trip, concurrent submits included.
    What staff curated (name, source) is kept; a missing phone or location is
    filled in; the account link is set only when none is set yet, and only to an
    account that proved the address (a new record takes `user_id`, the account applying). Without an
    email there is nothing to find a person by: a new record. A found record keeps its `created_at`, so
    the one RETURNING row also says which it was (a `candidate.created` event needs no statement of its own).
    """
    assert source in SOURCES
    now = utcnow()
    values = {
        "company_id": company_id,
        "full_name": details.full_name,
        "email": details.email,
        "phone": details.phone,
        "location": details.location,
        "links": details.links or {},
        "source": source,
        "created_at": now,
        "updated_at": now,
        # Duplicate detection keys, in the same INSERT (the comparison itself runs in the worker).
        **keys_for(full_name=details.full_name, email=details.email, phone=details.phone, links=details.links),
    }
    by_email = bool(details.email)
    account_by_email = user_id is None and by_email
    if not account_by_email:
        values["user_id"] = user_id
    statement = _record_statement(db.session.get_bind().dialect.name, tuple(sorted(values)), by_email, account_by_email)
    candidate = db.session.scalars(statement, {f"v_{name}": value for name, value in values.items()}).one()
    return candidate, candidate.created_at == now


@lru_cache(maxsize=16)
def _record_statement(dialect: str, columns: tuple[str, ...], by_email: bool, account_by_email: bool):
    """record_for's INSERT for these columns, built once (its cache key with it): a parameter each.

    `account_by_email`: the account link is the account that proved the address (a subquery).
    """
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = Candidate.__table__
    values = {name: bindparam(f"v_{name}", type_=table.c[name].type) for name in columns}
    if account_by_email:
        values["user_id"] = _verified_account(values["email"])
    stmt = insert(Candidate).values(values)
    if by_email:
        stmt = stmt.on_conflict_do_update(
            index_elements=["company_id", "email"],
            set_={
                "phone": func.coalesce(table.c.phone, stmt.excluded.phone),
                "location": func.coalesce(table.c.location, stmt.excluded.location),
                # An existing record joins an account only by a proven address, never by
                # whoever signed up with it: that could be anyone.
                "user_id": func.coalesce(table.c.user_id, _verified_account(values["email"])),
                "updated_at": stmt.excluded.updated_at,
            },
        )
    return stmt.returning(Candidate).execution_options(populate_existing=True)


def link_verified_account(user: User) -> int:
    """Mark the account's address as proven and link every company's record with it; how many."""
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    result = db.session.execute(
        update(Candidate)
        .where(Candidate.email == user.email, or_(Candidate.user_id.is_(None), Candidate.user_id != user.id))
        .values(user_id=user.id, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def holds(user: User | None, candidate: Candidate) -> bool:
    """The signed-in account this record is linked to."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and candidate.user_id == user.id)
