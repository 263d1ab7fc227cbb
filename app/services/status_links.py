"""Private status links: a long random token per application, only its sha256 kept.

The link opens that one application's page (stage, timeline without staff
notes or reasons, withdraw) and nothing else. Issuing a new link replaces the
old one; staff can revoke it.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from app import signals
from app.errors import Conflict, Forbidden, NotFound
from app.extensions import db
from app.models import Application, User
from app.models.base import utcnow
from app.services.access import EDITORS, require_member, require_role, require_user

TOKEN_BYTES = 32  # 256 bits: 43 URL-safe characters


def new_token() -> tuple[str, str]:
    """(token, its hash): the token goes in the email, the hash in the database."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, digest(token)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_link(token: str) -> Application:
    """The application this live link is for; anything else is not found."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise NotFound("This link is not valid.")
    application = db.session.scalars(
        select(Application).where(
            Application.status_token_hash == digest(token), Application.status_token_revoked_at.is_(None)
        )
    ).first()
    if application is None:
        raise NotFound("This link is not valid. It may have been replaced by a newer one or revoked.")
    return application


def replace(application: Application) -> str:
    """A new link for the application; the previous one stops working."""
    token, hashed = new_token()
    application.status_token_hash = hashed
    application.status_token_revoked_at = None
    return token


def _staff_application(actor: User, application_id: int) -> Application:
    actor = require_user(actor)
    application = db.session.get(Application, application_id)
    if application is None:
        raise NotFound("That application was not found.")
    require_member(actor, application.company_id, what="That application")
    require_role(actor, *EDITORS, action="manage status links")
    return application


def revoke(actor: User, application_id: int) -> Application:
    """Staff: the link stops working at once."""
    application = _staff_application(actor, application_id)
    if application.status_token_hash is None or application.status_token_revoked_at is not None:
        raise Conflict("This application has no working status link.")
    application.status_token_revoked_at = utcnow()
    db.session.flush()
    return application


def reissue(actor: User, application_id: int) -> Application:
    """Staff: a new link, emailed to the person (staff never see it); the old one stops working."""
    application = _staff_application(actor, application_id)
    if not application.candidate.email:
        raise Conflict("This person has no email address to send a link to.")
    token = replace(application)
    db.session.flush()
    signals.status_link_issued.send(application, status_token=token)
    return application


def create_account(token: str, *, full_name, password) -> User:
    """A candidate account for the link's address, verified because the link was mailed there.

    Every company's record with that address joins the account, so its portal
    lists every application made with it.
    """
    from app.services import accounts, candidates

    application = open_link(token)
    email = application.candidate.email
    if not email:
        raise NotFound("This link is not valid.")
    user = accounts.register_candidate(email=email, password=password, full_name=full_name)
    user.email_verified_at = utcnow()
    candidates.link_verified_account(user)
    db.session.flush()
    return user


def claim(actor: User, token: str) -> int:
    """A signed-in candidate whose account has the link's address adds its applications; how many records."""
    from app.services import candidates

    actor = require_user(actor)
    application = open_link(token)
    if actor.role != "candidate" or application.candidate.email != actor.email:
        raise Forbidden("This link was sent to another email address than your account's.")
    linked = candidates.link_verified_account(actor)
    db.session.flush()
    return linked
