"""Offers: made by recruiters and admins, approved, sent to the candidate, accepted or declined.

    draft -> awaiting_approval -> approved -> sent -> accepted | declined
    any open (not final) status -> withdrawn

One open offer per application (409 otherwise; a partial unique index backs it).
An admin of the company or a member named on the job's approver list approves;
the offer's creator may not unless the company allows it (`offer_self_approval`).
Changing the terms of a submitted or approved offer sends it back to
awaiting_approval and clears the approval; a sent offer's terms are fixed
(withdraw it and make another). Every change writes an `offer_events` row.

Sending renders the letter from the company's template (app/services/offer_letters.py),
keeps it on the offer and queues the email to the candidate (outbox, kind
`offer_sent`) with where to answer: their account's application page, or a new
private status link for a person without an account. The candidate sees the
letter only once it is sent. Their answer tells the offer's creator and
approver (in-app notifications) and writes a webhook event (`offer.accepted` /
`offer.declined`).

`hire_requires_offer` (a company setting, on by default): a move into a hired
stage needs an accepted offer (`require_accepted` for one move, `accepted_among`
for a bulk one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, exists, insert, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from app.errors import Conflict, Forbidden, NotFound, StaleUpdate
from app.extensions import db
from app.mail.outbox import add_messages
from app.models import Application, Job, Notification, NotificationKind, Offer, OfferApprover, OfferEvent, Role, User
from app.models.base import utcnow
from app.models.offers import FINAL_STATUSES, OPEN_STATUSES
from app.services import audit, currencies, offer_letters, status_links
from app.services.access import EDITORS, is_member, require_role, require_user
from app.services.pagination import Page, paginate_desc
from app.services.validation import Checker

TERMS = ("salary_amount", "currency", "start_date", "terms")
NOTE_MAX = 2000
MAX_APPROVERS = 20
OFFER_REQUIRED = (
    "Hiring needs an accepted offer: make an offer, have it approved and sent, and wait for the candidate to "
    "accept it (an admin can turn this rule off in the company settings)."
)
EMAIL_KIND = "offer_sent"


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


# --- Plain views ---------------------------------------------------------------------------------


def as_dict(offer: Offer) -> dict[str, Any]:
    """The offer as the API and webhook events show it (plain JSON)."""
    return {
        "id": offer.id,
        "application_id": offer.application_id,
        "job_id": offer.job_id,
        "status": offer.status,
        "salary_amount": currencies.to_major(offer.salary_minor, offer.currency),
        "currency": offer.currency,
        "start_date": offer.start_date.isoformat(),
        "terms": offer.terms,
        "created_by_id": offer.created_by_id,
        "approved_by_id": offer.approved_by_id,
        "approved_at": _iso(offer.approved_at),
        "sent_at": _iso(offer.sent_at),
        "responded_at": _iso(offer.responded_at),
        "version": offer.version,
        "created_at": _iso(offer.created_at),
        "updated_at": _iso(offer.updated_at),
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- Access --------------------------------------------------------------------------------------


def staff_application(actor: User | None, application_id) -> Application:
    """The company's application for its staff (hiring managers included); anyone else: not found."""
    actor = require_user(actor)
    application = db.session.get(Application, application_id) if _is_id(application_id) else None
    if application is None or not is_member(actor, application.company_id):
        raise NotFound("That application was not found.")
    return application


def get_offer(actor: User | None, offer_id, *, lock: bool = False) -> Offer:
    """An offer of the actor's company (any staff role); others: not found."""
    actor = require_user(actor)
    offer = None
    if _is_id(offer_id):
        stmt = select(Offer).where(Offer.id == offer_id)
        if lock:
            stmt = stmt.with_for_update()
        offer = db.session.scalars(stmt).first()
    if offer is None or not is_member(actor, offer.company_id):
        raise NotFound("That offer was not found.")
    return offer


def _editable(actor: User | None, offer_id, action: str, expected_version: int | None = None) -> Offer:
    offer = get_offer(actor, offer_id, lock=True)
    require_role(actor, *EDITORS, action=action)
    if expected_version is not None and expected_version != offer.version:
        raise StaleUpdate("The offer changed meanwhile; reload it and try again.", version=offer.version)
    return offer


def list_offers(
    actor: User, application_id: int, *, limit: int | None = None, cursor: str | None = None
) -> Page[Offer]:
    """The application's offers, newest first (the company's staff)."""
    application = staff_application(actor, application_id)
    stmt = select(Offer).where(Offer.application_id == application.id, Offer.company_id == application.company_id)
    return paginate_desc(db.session, stmt, Offer.id, limit=limit, cursor=cursor)


def current_offer(application: Application) -> Offer | None:
    """The open offer, else the newest (one SELECT)."""
    rows = list(
        db.session.scalars(
            select(Offer).where(Offer.application_id == application.id).order_by(Offer.id.desc()).limit(20)
        )
    )
    return next((offer for offer in rows if offer.is_open), rows[0] if rows else None)


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    from_status: str | None
    to_status: str
    actor_name: str | None
    note: str | None
    created_at: datetime


def history(offer: Offer) -> list[HistoryEntry]:
    """The offer's changes, oldest first (one SELECT)."""
    rows = db.session.execute(
        select(OfferEvent, User.full_name)
        .outerjoin(User, User.id == OfferEvent.actor_id)
        .where(OfferEvent.offer_id == offer.id)
        .order_by(OfferEvent.id)
    ).all()
    return [HistoryEntry(e.id, e.from_status, e.to_status, name, e.note, e.created_at) for e, name in rows]


def _record(offer: Offer, from_status: str | None, actor: User | None, note: str | None = None) -> None:
    db.session.add(
        OfferEvent(
            offer_id=offer.id,
            company_id=offer.company_id,
            application_id=offer.application_id,
            from_status=from_status,
            to_status=offer.status,
            actor_id=actor.id if actor is not None else None,
            note=note,
            created_at=utcnow(),
        )
    )


def _flush() -> None:
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleUpdate("The offer changed meanwhile; reload it and try again.") from None


# --- Terms ---------------------------------------------------------------------------------------


def _terms(check: Checker, fields: dict[str, Any], offer: Offer | None) -> dict[str, Any]:
    """The terms given, checked: {salary_minor, currency, start_date, terms} (only those that change)."""
    for name in sorted(set(fields) - set(TERMS)):
        check.add(name, "Unknown field.")
    creating = offer is None
    clean: dict[str, Any] = {}
    currency = offer.currency if offer is not None else None
    if creating or "currency" in fields:
        currency = currencies.normalize(fields.get("currency"))
        if currency is None:
            check.add("currency", "Must be an ISO 4217 currency code such as EUR, USD or GBP.")
        else:
            clean["currency"] = currency
    if creating or "salary_amount" in fields or "currency" in fields:
        amount = fields.get("salary_amount") if "salary_amount" in fields else None
        if amount is None and offer is not None:
            amount = currencies.to_major(offer.salary_minor, offer.currency)
        if amount is None:
            check.add("salary_amount", "This field is required.")
        else:  # checked even beside an unknown currency (as one with cents), so both problems show
            minor, problem = currencies.to_minor(amount, currency or "EUR")
            if problem:
                check.add("salary_amount", problem)
            elif currency is not None:
                clean["salary_minor"] = minor
    if creating or "start_date" in fields:
        start = _date(fields.get("start_date"))
        if start is None:
            check.add("start_date", "Must be a date such as 2027-01-15.")
        else:
            clean["start_date"] = start
    if "terms" in fields:
        clean["terms"] = check.text("terms", fields["terms"] or "", max_len=offer_letters.TERMS_MAX) or ""
    return clean


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def create_offer(actor: User, application_id: int, **fields) -> Offer:
    """A draft offer on an application of the company (recruiters and admins): 409 when one is open."""
    application = staff_application(actor, application_id)
    require_role(actor, *EDITORS, action="make offers")
    check = Checker()
    clean = _terms(check, fields, None)
    check.raise_if_any()
    if application.stage_category in ("rejected", "withdrawn"):
        raise Conflict("This application is closed: it can get no offer.")
    if db.session.scalar(select(exists().where(Offer.application_id == application.id,
                                               Offer.status.in_(OPEN_STATUSES)))):  # fmt: skip
        raise Conflict("This application has an open offer already: change it, or withdraw it first.")
    offer = Offer(
        company_id=application.company_id,
        application_id=application.id,
        job_id=application.job_id,
        status="draft",
        created_by_id=actor.id,
        **{"terms": "", **clean},
    )
    db.session.add(offer)
    _flush()
    _record(offer, None, actor)
    return offer


def update_offer(actor: User, offer_id: int, *, expected_version: int | None = None, **fields) -> Offer:
    """Change the terms of an open offer not yet sent; a submitted or approved one goes back to approval."""
    offer = _editable(actor, offer_id, "change offers", expected_version)
    check = Checker()
    clean = _terms(check, fields, offer)
    check.raise_if_any()
    if offer.status not in ("draft", "awaiting_approval", "approved"):
        raise Conflict(f"A {offer.status.replace('_', ' ')} offer cannot be changed; withdraw it and make another.")
    changed = {key: value for key, value in clean.items() if getattr(offer, key) != value}
    if not changed:
        return offer
    for key, value in changed.items():
        setattr(offer, key, value)
    previous = offer.status
    if previous == "approved":
        offer.status = "awaiting_approval"
        offer.approved_by_id = None
        offer.approved_at = None
    _flush()
    shown = ", ".join(sorted(_field_name(key) for key in changed))
    if previous == "approved":
        _record(offer, previous, actor, f"Terms changed ({shown}): the approval was cleared.")
    elif previous == "awaiting_approval":
        _record(offer, previous, actor, f"Terms changed ({shown}) while awaiting approval.")
    return offer


def _field_name(key: str) -> str:
    return {"salary_minor": "salary", "start_date": "start date"}.get(key, key)


# --- Transitions ---------------------------------------------------------------------------------


def _note(note) -> str | None:
    check = Checker()
    note = check.text("note", note, max_len=NOTE_MAX) or None
    check.raise_if_any()
    return note


def _require_status(offer: Offer, *allowed: str, action: str) -> None:
    if offer.status not in allowed:
        raise Conflict(
            f"Only a {' or '.join(s.replace('_', ' ') for s in allowed)} offer can be {action}; "
            f"this one is {offer.status.replace('_', ' ')}."
        )


def submit(actor: User, offer_id: int, *, note=None, expected_version: int | None = None) -> Offer:
    """A draft goes to approval (recruiters and admins)."""
    offer = _editable(actor, offer_id, "submit offers", expected_version)
    note = _note(note)
    _require_status(offer, "draft", action="submitted for approval")
    offer.status = "awaiting_approval"
    _flush()
    _record(offer, "draft", actor, note)
    return offer


def approvers_of(job_id: int) -> list[int]:
    return list(db.session.scalars(select(OfferApprover.user_id).where(OfferApprover.job_id == job_id)))


def may_approve(actor: User, offer: Offer, approver_ids: list[int] | None = None) -> bool:
    """An admin of the company, or a member named on the job's approver list (whatever the self-approval rule)."""
    if not is_member(actor, offer.company_id):
        return False
    if actor.role == Role.ADMIN.value:
        return True
    return actor.id in (approver_ids if approver_ids is not None else approvers_of(offer.job_id))


def approve(actor: User, offer_id: int, *, note=None, expected_version: int | None = None) -> Offer:
    """An offer awaiting approval is approved (an admin or a named approver of the job)."""
    offer = get_offer(actor, offer_id, lock=True)
    if expected_version is not None and expected_version != offer.version:
        raise StaleUpdate("The offer changed meanwhile; reload it and try again.", version=offer.version)
    note = _note(note)
    if not may_approve(actor, offer):
        raise Forbidden("Only an admin or a named approver of this job can approve its offers.")
    _require_status(offer, "awaiting_approval", action="approved")
    company = db.session.get(Job, offer.job_id).company
    if offer.created_by_id == actor.id and not company.offer_self_approval:
        raise Forbidden("You made this offer, so someone else must approve it (your company does not allow "
                        "approving your own offers).")  # fmt: skip
    offer.status = "approved"
    offer.approved_by_id = actor.id
    offer.approved_at = utcnow()
    _flush()
    _record(offer, "awaiting_approval", actor, note)
    return offer


def send(actor: User, offer_id: int, *, note=None, expected_version: int | None = None) -> Offer:
    """An approved offer goes to the candidate: the letter is rendered and kept, the email queued."""
    offer = _editable(actor, offer_id, "send offers", expected_version)
    note = _note(note)
    _require_status(offer, "approved", action="sent")
    application = db.session.get(Application, offer.application_id)
    candidate = application.candidate
    if not candidate.email:
        raise Conflict("This candidate has no email address to send the offer to.")
    source = offer_letters.effective_body(offer.company_id)
    try:
        letter = offer_letters.render(source, offer_letters.fields_of(offer, application, actor.full_name))
    except offer_letters.LetterError as error:  # a template saved before a field was withdrawn
        raise Conflict(
            "The offer letter template cannot be used; fix it first.", errors={"template": error.errors}
        ) from None
    now = utcnow()
    offer.letter_html = letter
    offer.status = "sent"
    offer.sent_at = now
    _flush()
    _record(offer, "approved", actor, note)
    add_messages([_email(application, offer, actor)])
    return offer


def _email(application: Application, offer: Offer, actor: User) -> dict:
    """The outbox row: a system template with a snapshot; the link the person answers from."""
    from app.mail.events import links, status_link

    candidate = application.candidate
    if candidate.user_id is not None:
        link, private = links(application.id)["candidate"], False
    else:  # a new private link: the old one stops working (the newest email holds the live one)
        link, private = status_link(status_links.replace(application)), True
    return {
        "kind": EMAIL_KIND,
        "to_address": candidate.email,
        "to_name": candidate.full_name,
        "company_id": application.company_id,
        "application_id": application.id,
        "sent_by_id": actor.id,
        "template": EMAIL_KIND,
        "subject": "Your offer from {company_name}: {job_title}",
        "context": {
            "candidate_name": candidate.full_name,
            "job_title": application.job.title,
            "company_name": application.job.company.name,
            "sender_name": actor.full_name,
            "link": link,
            "link_private": private,
        },
    }


def withdraw(actor: User, offer_id: int, *, note=None, expected_version: int | None = None) -> Offer:
    """Any open offer is withdrawn (recruiters and admins); a sent one can no longer be accepted."""
    offer = _editable(actor, offer_id, "withdraw offers", expected_version)
    note = _note(note)
    if offer.status in FINAL_STATUSES:
        raise Conflict(f"This offer is {offer.status} already: it cannot be withdrawn.")
    previous = offer.status
    offer.status = "withdrawn"
    _flush()
    _record(offer, previous, actor, note)
    return offer


def letter(actor: User, offer_id: int) -> str:
    """The letter as sent; before sending, as the company's template renders the terms now (the staff)."""
    offer = get_offer(actor, offer_id)
    if offer.letter_html is not None:
        return offer.letter_html
    application = db.session.get(Application, offer.application_id)
    source = offer_letters.effective_body(offer.company_id)
    try:
        return offer_letters.render(source, offer_letters.fields_of(offer, application, actor.full_name))
    except offer_letters.LetterError as error:
        raise Conflict(
            "The offer letter template cannot be used; fix it first.", errors={"template": error.errors}
        ) from None


# --- The candidate -------------------------------------------------------------------------------


def sent_offer(application: Application) -> Offer | None:
    """The newest offer the person was sent (whatever came of it), else None: one SELECT."""
    return db.session.scalars(
        select(Offer)
        .where(Offer.application_id == application.id, Offer.sent_at.is_not(None))
        .order_by(Offer.id.desc())
        .limit(1)
    ).first()


def _own_offer(application: Application, offer_id) -> Offer:
    offer = db.session.get(Offer, offer_id) if _is_id(offer_id) else None
    if offer is None or offer.application_id != application.id or offer.sent_at is None:
        raise NotFound("That offer was not found.")
    return offer


def respond(application: Application, offer_id, *, accept: bool) -> Offer:
    """The person answers a sent offer (the caller opened the application as them: account or private link).

    Another application's offer, or one never sent, is not found; an offer answered or withdrawn is a 409.
    """
    offer = _own_offer(application, offer_id)
    db.session.refresh(offer, with_for_update=True)
    if offer.status != "sent":
        raise Conflict(f"This offer is {offer.status} and can no longer be answered.")
    offer.status = "accepted" if accept else "declined"
    offer.responded_at = utcnow()
    _flush()
    _record(offer, "sent", None)
    db.session.expire(application, ["has_accepted_offer"])  # read afresh by the next move
    _tell_staff(offer)
    from app.webhooks.record import NewEvent, record

    record([NewEvent(offer.company_id, f"offer.{offer.status}", "offer", offer.id, as_dict(offer))])
    return offer


def respond_as(actor: User, application_id: int, offer_id, *, accept: bool) -> Offer:
    """The signed-in candidate answers an offer on their own application (anyone else's: not found)."""
    from app.services.applications import get_application, is_applicant

    application = get_application(actor, application_id)
    if not is_applicant(actor, application):
        raise NotFound("That offer was not found.")
    return respond(application, offer_id, accept=accept)


def _tell_staff(offer: Offer) -> None:
    """The offer's creator and approver hear of the answer (one INSERT)."""
    kind = NotificationKind.OFFER_ACCEPTED if offer.status == "accepted" else NotificationKind.OFFER_DECLINED
    members = sorted({uid for uid in (offer.created_by_id, offer.approved_by_id) if uid is not None})
    if members:
        now = utcnow()
        db.session.execute(
            insert(Notification),
            [
                {"user_id": uid, "company_id": offer.company_id, "kind": kind, "application_id": offer.application_id,
                 "note_id": None, "actor_id": None, "created_at": now}
                for uid in members
            ],
        )  # fmt: skip


# --- Approvers -----------------------------------------------------------------------------------


def _job(actor: User, job_id) -> Job:
    actor = require_user(actor)
    job = db.session.get(Job, job_id) if _is_id(job_id) else None
    if job is None or not is_member(actor, job.company_id):
        raise NotFound("That job was not found.")
    return job


def list_approvers(actor: User, job_id: int) -> list[User]:
    """The members named to approve the job's offers (the company's staff): one SELECT."""
    job = _job(actor, job_id)
    return list(
        db.session.scalars(
            select(User).join(OfferApprover, OfferApprover.user_id == User.id)
            .where(OfferApprover.job_id == job.id).order_by(User.full_name, User.id)
        )
    )  # fmt: skip


def set_approvers(actor: User, job_id: int, user_ids) -> list[User]:
    """Replace the job's approver list (recruiters and admins); each an active member of the company."""
    job = _job(actor, job_id)
    require_role(actor, *EDITORS, action="name offer approvers")
    check = Checker()
    if not isinstance(user_ids, list | tuple) or not all(_is_id(uid) for uid in user_ids):
        check.add("user_ids", "Must be a list of member ids.")
        check.raise_if_any()
    wanted = sorted(set(user_ids))
    if len(wanted) > MAX_APPROVERS:
        check.add("user_ids", f"At most {MAX_APPROVERS} approvers.")
    check.raise_if_any()
    members = list(
        db.session.scalars(
            select(User).where(User.id.in_(wanted), User.company_id == job.company_id, User.active.is_(True))
        )
    ) if wanted else []  # fmt: skip
    unknown = sorted(set(wanted) - {member.id for member in members})
    if unknown:
        check.add("user_ids", f"Not active members of your company: {', '.join(map(str, unknown))}.")
    check.raise_if_any()
    db.session.execute(delete(OfferApprover).where(OfferApprover.job_id == job.id))
    if wanted:
        now = utcnow()
        db.session.execute(
            insert(OfferApprover),
            [{"job_id": job.id, "user_id": uid, "company_id": job.company_id, "added_at": now} for uid in wanted],
        )
    audit.record("offer_approvers.set", actor=actor, object_type="job", object_id=job.id, details={"user_ids": wanted})
    return sorted(members, key=lambda member: (member.full_name, member.id))


def company_members(actor: User) -> list[User]:
    """The company's active staff, to choose approvers from (one SELECT)."""
    actor = require_user(actor)
    if not actor.is_staff:
        raise NotFound("Not found.")
    return list(
        db.session.scalars(
            select(User).where(User.company_id == actor.company_id, User.active.is_(True))
            .order_by(User.full_name, User.id).limit(500)
        )
    )  # fmt: skip


def awaiting_approval(actor: User, limit: int = 100) -> list[Offer]:
    """Offers of the company awaiting an approval the actor may give (admins: all; approvers: their jobs')."""
    actor = require_user(actor)
    if not actor.is_staff:
        raise NotFound("Not found.")
    stmt = (
        select(Offer)
        .where(Offer.company_id == actor.company_id, Offer.status == "awaiting_approval")
        .options(joinedload(Offer.created_by))
        .order_by(Offer.id.desc())
        .limit(limit)
    )
    if actor.role != Role.ADMIN.value:
        stmt = stmt.where(Offer.job_id.in_(select(OfferApprover.job_id).where(OfferApprover.user_id == actor.id)))
    return list(db.session.scalars(stmt).unique())


# --- Hiring ----------------------------------------------------------------------------------------


def require_accepted(application: Application) -> None:
    """Before a move into a hired stage: the company's rule (on the loaded job) and `has_accepted_offer`."""
    if not application.job.company.hire_requires_offer:
        return
    if not application.has_accepted_offer:  # loaded with the application by a move (else one SELECT)
        raise Conflict(OFFER_REQUIRED, current_stage=application.stage)


def accepted_among(application_ids: list[int]) -> set[int]:
    """Which of these applications have an accepted offer (one SELECT)."""
    if not application_ids:
        return set()
    return set(
        db.session.scalars(
            select(Offer.application_id).where(Offer.application_id.in_(application_ids), Offer.status == "accepted")
        )
    )
