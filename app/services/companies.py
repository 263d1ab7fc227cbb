"""Companies and their staff."""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import func, select

from app import signals
from app.errors import Conflict, Forbidden, NotFound
from app.extensions import db
from app.models import Company, Role, User
from app.services import audit
from app.services.access import is_member, require_member, require_role
from app.services.accounts import new_user
from app.services.pagination import Page, paginate_desc
from app.services.validation import Checker

STAFF_ROLE_VALUES = (Role.RECRUITER.value, Role.HIRING_MANAGER.value, Role.ADMIN.value, Role.COMPLIANCE.value)
OFFER_SETTINGS = ("hire_requires_offer", "offer_self_approval")
PROFILE_FIELDS = ("name", "description", "website", "default_language", *OFFER_SETTINGS)

DESCRIPTION_MAX = 5000
WEBSITE_MAX = 300


def _slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:200]
    return slug or "company"


def _unique_slug(name: str) -> str:
    base = _slugify(name)
    slug = base
    while db.session.scalar(select(Company.id).where(Company.slug == slug)) is not None:
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug


def create_company(
    *,
    name,
    admin_email,
    admin_password,
    admin_full_name,
    public: bool = False,
    allow_duplicate_name: bool = True,
) -> tuple[Company, User]:
    """A company and its first admin, in one transaction.

    `public` marks the self-service sign-up, which the config can switch off.
    Names need not be unique (slugs are); the console refuses a second company of
    the same name unless told, since it is most often the same command run twice.
    """
    if public and not current_app.config.get("PUBLIC_COMPANY_SIGNUP", False):
        raise Forbidden("Company sign-up is switched off on this server.")
    check = Checker()
    name = check.line("name", name, required=True, max_len=200)
    email = check.email("admin.email", admin_email)
    full_name = check.line("admin.full_name", admin_full_name, required=True, max_len=200)
    password = check.password("admin.password", admin_password)
    check.raise_if_any()
    if not allow_duplicate_name:
        existing = db.session.scalar(select(Company).where(func.lower(Company.name) == name.lower()).limit(1))
        if existing is not None:
            raise Conflict(
                f"A company named {existing.name!r} already exists (/{existing.slug}).",
                errors={"name": ["Already used by another company."]},
            )
    company = Company(name=name, slug=_unique_slug(name))
    db.session.add(company)
    db.session.flush()
    _seed_vocabulary(company.id)
    admin = new_user(email=email, full_name=full_name, role=Role.ADMIN, company_id=company.id, password=password)
    return company, admin


def _seed_vocabulary(company_id: int) -> None:
    """A new company starts with the Standard stage template and the default rejection reasons,
    written with it, so no later page has to create them on first read."""
    from app.services import pipelines, rejection_reasons

    pipelines.add_standard(company_id)
    rejection_reasons.add_defaults(company_id)


def get_company(company_id: int) -> Company:
    company = db.session.get(Company, company_id)
    if company is None:
        raise NotFound("That company was not found.")
    return company


def add_admin_from_console(company_slug: str, *, email, full_name, password: str | None) -> tuple[User, bool]:
    """The server's operator makes someone an admin of a company (`flask users add-admin`).

    For when no admin can sign in (mail is broken, the only admin left): a member
    of that company is promoted (and given `password` when one is passed); a new
    address becomes a new admin with `password`. Returns the user and whether it is new.
    """
    company = get_company_by_slug(company_slug)
    check = Checker()
    email = check.email("email", email)
    if password is not None:
        check.password("password", password)
    check.raise_if_any()
    user = db.session.scalar(select(User).where(User.email == email))
    if user is not None:
        if user.company_id != company.id:
            raise Conflict("That email belongs to an account outside this company.", errors={"email": ["In use."]})
        user.role = Role.ADMIN.value
        if not user.active:
            user.active = True
            user.auth_version += 1
        if password is not None:
            from app.services.accounts import set_password

            set_password(user, password)
        db.session.flush()
        return user, False
    full_name = check.line("full_name", full_name, required=True, max_len=200)
    if password is None:
        check.add("password", "A new admin needs a password.")
    check.raise_if_any()
    return new_user(email=email, full_name=full_name, role=Role.ADMIN, company_id=company.id, password=password), True


def get_company_by_slug(slug: str) -> Company:
    company = db.session.scalar(select(Company).where(Company.slug == slug))
    if company is None:
        raise NotFound("That company was not found.")
    return company


def list_members(actor: User, company_id: int) -> list[User]:
    require_member(actor, company_id, what="That company")
    return list(db.session.scalars(select(User).where(User.company_id == company_id).order_by(User.full_name, User.id)))


def page_members(actor: User, company_id: int, *, limit: int | None = None, cursor: str | None = None) -> Page[User]:
    """The company's staff, newest first, one keyset page at a time (own company only, else not found)."""
    require_member(actor, company_id, what="That company")
    stmt = select(User).where(User.company_id == company_id)
    return paginate_desc(db.session, stmt, User.id, limit=limit, cursor=cursor)


def add_staff(actor: User, company_id: int, *, email, full_name, role, password: str | None = None) -> User:
    """An admin adds a member to their own company; the company comes from the path, never the body.

    Without a password the account waits for its invitation to be accepted.
    """
    require_member(actor, company_id, what="That company")
    require_role(actor, Role.ADMIN, action="add members")
    check = Checker()
    email = check.email("email", email)
    full_name = check.line("full_name", full_name, required=True, max_len=200)
    role = check.choice("role", role, STAFF_ROLE_VALUES, required=True)
    if password is not None:
        check.password("password", password)
    check.raise_if_any()
    user = new_user(email=email, full_name=full_name, role=Role(role), company_id=company_id, password=password)
    audit.record("member.invited", actor=actor, object_type="user", object_id=user.id, details={"role": str(role)})
    signals.staff_invited.send(user, invited_by=actor)
    return user


def update_member(actor: User, company_id: int, user_id: int, *, role=None, active=None) -> User:
    require_member(actor, company_id, what="That company")
    member = db.session.get(User, user_id)
    if member is None or member.company_id != company_id:
        raise NotFound("That member was not found.")
    require_role(actor, Role.ADMIN, action="change members")
    check = Checker()
    if role is not None:
        role = check.choice("role", role, STAFF_ROLE_VALUES)
    if active is not None and not isinstance(active, bool):
        check.add("active", "Must be true or false.")
    check.raise_if_any()
    demotes_admin = member.role == Role.ADMIN and ((role is not None and role != Role.ADMIN) or active is False)
    if demotes_admin and _active_admin_count(company_id) <= 1:
        raise Conflict("A company needs at least one active admin.")
    if role is not None and role != member.role:
        audit.record(
            "member.role_changed",
            actor=actor,
            object_type="user",
            object_id=member.id,
            details={"from": str(member.role), "to": role},
        )
        member.role = role
    if active is not None and active != member.active:
        member.active = active
        member.auth_version += 1  # ends the member's sessions and tokens at once
        action = "member.reactivated" if active else "member.deactivated"
        audit.record(action, actor=actor, object_type="user", object_id=member.id)
    db.session.flush()
    return member


def _active_admin_count(company_id: int) -> int:
    return db.session.scalar(
        select(func.count(User.id)).where(
            User.company_id == company_id, User.role == Role.ADMIN.value, User.active.is_(True)
        )
    )


def require_company_admin(actor: User | None, company_id: int) -> Company:
    """The company, for one of its admins; anyone else may see its public profile but not change it."""
    company = get_company(company_id)
    if not is_member(actor, company_id):
        raise Forbidden("Only the company's own admins can change its profile.")
    require_role(actor, Role.ADMIN, action="change the company profile")
    return company


def update_company(actor: User, company_id: int, **fields) -> Company:
    """The profile: name, description, website and the default language of candidate emails (admins only).

    The slug, and so every URL, stays. `default_language`: a tag such as en, de
    or pt-br; candidates who named no language get the company's templates in it.
    The offer settings (app/services/offers.py): `hire_requires_offer`, `offer_self_approval`.
    """
    company = require_company_admin(actor, company_id)
    check = Checker()
    for name in sorted(set(fields) - set(PROFILE_FIELDS)):
        check.add(name, "Unknown field.")
    clean: dict = {}
    if "name" in fields:
        clean["name"] = check.line("name", fields["name"], required=True, max_len=200)
    if "description" in fields:
        clean["description"] = check.text("description", fields["description"], max_len=DESCRIPTION_MAX) or None
    if "website" in fields:
        clean["website"] = _website(check, fields["website"])
    if "default_language" in fields:
        clean["default_language"] = _language(check, fields["default_language"])
    for name in OFFER_SETTINGS:
        if name in fields:
            if isinstance(fields[name], bool):
                clean[name] = fields[name]
            else:
                check.add(name, "Must be true or false.")
    check.raise_if_any()
    for key, value in clean.items():
        setattr(company, key, value)
    db.session.flush()
    return company


def _language(check: Checker, value) -> str:
    from app.services.email_templates import normalize_language

    if value is None or (isinstance(value, str) and not value.strip()):
        check.add("default_language", "This field is required.")
        return "en"
    return normalize_language(value, check, "default_language")


def _website(check: Checker, value) -> str | None:
    """An absolute http(s) URL with a host, or nothing."""
    value = check.line("website", value, max_len=WEBSITE_MAX)
    if not value:
        return None
    try:
        parts = urlsplit(value)
        valid = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:  # a malformed host, such as an unclosed IPv6 bracket
        valid = False
    if not valid or any(ch.isspace() for ch in value):
        check.add("website", "Must be a web address starting with http:// or https://.")
    return value
