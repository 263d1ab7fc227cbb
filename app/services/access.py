"""Who may see and do what: the checks every service starts with."""

from __future__ import annotations

from app.errors import Forbidden, NotFound, Unauthorized
from app.models import Role, User


def require_user(actor: User | None) -> User:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise Unauthorized("You need to sign in first.")
    if not actor.active:
        raise Unauthorized("This account is deactivated.")
    return actor


def is_member(actor: User | None, company_id: int) -> bool:
    """Staff of this company (any staff role)."""
    return bool(actor is not None and actor.is_authenticated and actor.is_staff and actor.company_id == company_id)


def require_member(actor: User | None, company_id: int, *, what: str = "That") -> User:
    """Staff of the company, else not found (others must not learn it exists)."""
    actor = require_user(actor)
    if not is_member(actor, company_id):
        raise NotFound(f"{what} was not found.")
    return actor


def require_role(actor: User, *roles: Role, action: str) -> None:
    if actor.role not in roles:
        allowed = " or ".join(r.value.replace("_", " ") for r in roles)
        raise Forbidden(f"Only a {allowed} can {action}.")


EDITORS = (Role.RECRUITER, Role.ADMIN)
