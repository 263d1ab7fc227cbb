"""Rejection reasons: each company's list, edited by admins, picked by recruiters when they reject."""

from __future__ import annotations

from sqlalchemy import func, insert, select

from app.errors import Conflict, NotFound
from app.extensions import db
from app.models import RejectionReason, Role, User
from app.models.base import utcnow
from app.models.pipelines import DEFAULT_REJECTION_REASONS
from app.services.access import require_member, require_role
from app.services.validation import Checker

LABEL_MAX = 200
MAX_REASONS = 100


def _company(actor: User) -> int:
    return require_member(actor, actor.company_id or -1, what="That company").company_id


def ensure_defaults(company_id: int) -> None:
    """A company that never had a list gets the default one."""
    if db.session.scalar(select(RejectionReason.id).where(RejectionReason.company_id == company_id).limit(1)) is None:
        add_defaults(company_id)


def add_defaults(company_id: int) -> None:
    """The default list, for a company that has none (a new company): one statement."""
    now = utcnow()
    db.session.execute(
        insert(RejectionReason),
        [
            {"company_id": company_id, "label": label, "position": n, "created_at": now}
            for n, label in enumerate(DEFAULT_REJECTION_REASONS)
        ],
    )


def _all_reasons(company_id: int) -> list[RejectionReason]:
    """Every reason of the company, archived ones included, in order (at most MAX_REASONS: one statement)."""
    stmt = select(RejectionReason).where(RejectionReason.company_id == company_id)
    return list(db.session.scalars(stmt.order_by(RejectionReason.position, RejectionReason.id)))


def list_reasons(actor: User, *, include_archived: bool = False) -> list[RejectionReason]:
    """The company's reasons in their order (the company's staff)."""
    company_id = _company(actor)
    reasons = _all_reasons(company_id)
    if not reasons:  # a company made before reasons existed
        add_defaults(company_id)
        reasons = _all_reasons(company_id)
    return [reason for reason in reasons if include_archived or reason.archived_at is None]


def get_reason(actor: User, reason_id: int, *, field: str = "reason_id") -> RejectionReason:
    """One of the company's reasons still offered; anything else is a 422 on `field`."""
    company_id = _company(actor)
    reason = db.session.get(RejectionReason, reason_id) if isinstance(reason_id, int) else None
    if reason is None or reason.company_id != company_id or reason.archived_at is not None:
        check = Checker()
        check.add(field, "Not one of your company's rejection reasons.")
        check.raise_if_any("Unknown rejection reason.")
    return reason


def owned_reason(actor: User, reason_id: int) -> RejectionReason:
    """One of the company's reasons, archived or not (the company's staff); else not found."""
    return _owned(actor, reason_id)


def _owned(actor: User, reason_id: int) -> RejectionReason:
    company_id = _company(actor)
    reason = db.session.get(RejectionReason, reason_id)
    if reason is None or reason.company_id != company_id:
        raise NotFound("That rejection reason was not found.")
    return reason


def create_reason(actor: User, *, label, position: int | None = None) -> RejectionReason:
    company_id = _company(actor)
    require_role(actor, Role.ADMIN, action="edit rejection reasons")
    check = Checker()
    label = check.line("label", label, required=True, max_len=LABEL_MAX)
    if position is not None and (isinstance(position, bool) or not isinstance(position, int) or position < 0):
        check.add("position", "Must be a whole number, zero or more.")
    check.raise_if_any()
    ensure_defaults(company_id)
    count, last = db.session.execute(
        select(func.count(), func.max(RejectionReason.position)).where(RejectionReason.company_id == company_id)
    ).one()
    if count >= MAX_REASONS:
        raise Conflict(f"A company keeps at most {MAX_REASONS} rejection reasons.")
    reason = RejectionReason(
        company_id=company_id, label=label, position=position if position is not None else (last or 0) + 1
    )
    db.session.add(reason)
    db.session.flush()
    return reason


def update_reason(actor: User, reason_id: int, **fields) -> RejectionReason:
    """Relabel, reorder, archive (`archived: true`) or restore a reason (admins)."""
    reason = _owned(actor, reason_id)
    require_role(actor, Role.ADMIN, action="edit rejection reasons")
    check = Checker()
    for name in sorted(set(fields) - {"label", "position", "archived"}):
        check.add(name, "Unknown field.")
    if "label" in fields:
        label = check.line("label", fields["label"], required=True, max_len=LABEL_MAX)
    if "position" in fields:
        position = fields["position"]
        if isinstance(position, bool) or not isinstance(position, int) or position < 0:
            check.add("position", "Must be a whole number, zero or more.")
    if "archived" in fields and not isinstance(fields["archived"], bool):
        check.add("archived", "Must be true or false.")
    check.raise_if_any()
    if "label" in fields:
        reason.label = label
    if "position" in fields:
        reason.position = fields["position"]
    if "archived" in fields:
        reason.archived_at = (reason.archived_at or utcnow()) if fields["archived"] else None
    db.session.flush()
    return reason


def archive_reason(actor: User, reason_id: int) -> RejectionReason:
    """Offered no more; rejections that used it keep it."""
    return update_reason(actor, reason_id, archived=True)


def move_reason(actor: User, reason_id: int, offset: int) -> RejectionReason:
    """Move a reason up (offset < 0) or down the offered list by one place (admins); archived ones keep theirs."""
    reason = _owned(actor, reason_id)
    require_role(actor, Role.ADMIN, action="edit rejection reasons")
    offered = [r for r in _all_reasons(reason.company_id) if r.archived_at is None]
    if reason not in offered:
        raise Conflict("An archived reason has no place in the list: restore it first.")
    index = offered.index(reason)
    target = min(max(index + (1 if offset > 0 else -1), 0), len(offered) - 1)
    offered.insert(target, offered.pop(index))
    for position, each in enumerate(offered):
        if each.position != position:
            each.position = position
    db.session.flush()
    return reason
