"""@mentions in notes: `@[Name](user:12)` names an active member of the note's company.

A note's text is stored with its mentions resolved: a token whose id is an
active staff member of the company is rewritten with that member's current
name, any other token becomes plain text (`@Name`). Rendering escapes
everything and only highlights the tokens that remain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import select

from app.extensions import db
from app.models import REVIEWER_ROLES, User
from app.services.pagination import MAX_ID

MENTION = re.compile(r"@\[([^\[\]\r\n]{1,200})\]\(user:(\d{1,10})\)")
MAX_MENTIONS = 50  # distinct people one note may mention; more stay plain text


@dataclass(frozen=True)
class Resolved:
    body: str
    mentioned: list[User]  # active members of the company named in the body, in order of appearance


def ids_in(body: str) -> list[int]:
    """The user ids the (stored) text mentions, once each, in order (no query)."""
    seen: dict[int, None] = {}
    for match in MENTION.finditer(body or ""):
        seen.setdefault(int(match.group(2)), None)
    return list(seen)


def token(user: User) -> str:
    """How a member is mentioned: the name without brackets, so the token stays one token."""
    name = re.sub(r"[\[\]\r\n]", " ", user.full_name).strip() or f"user {user.id}"
    return f"@[{name[:200]}](user:{user.id})"


def plain(body: str) -> str:
    """Every mention turned into plain text (`@Name`): for notes that notify no one (bulk notes)."""
    return MENTION.sub(lambda match: f"@{match.group(1)}", body)


def resolve(company_id: int, body: str) -> Resolved:
    """Keep the mentions of the company's active staff (one SELECT when the text has any), flatten the rest."""
    wanted = [i for i in ids_in(body) if 0 < i <= MAX_ID][:MAX_MENTIONS]
    if not wanted:
        return Resolved(plain(body), [])
    members = {
        user.id: user
        for user in db.session.scalars(
            select(User).where(
                User.id.in_(wanted),
                User.company_id == company_id,
                User.active.is_(True),
                User.role.in_([role.value for role in REVIEWER_ROLES]),
            )
        )
    }

    def rewrite(match: re.Match) -> str:
        member = members.get(int(match.group(2)))
        return token(member) if member is not None else f"@{match.group(1)}"

    return Resolved(MENTION.sub(rewrite, body), [members[i] for i in wanted if i in members])


def render(body: str) -> Markup:
    """The note's text, escaped, with each mention as a highlighted name."""
    parts: list[str] = []
    last = 0
    for match in MENTION.finditer(body or ""):
        parts.append(str(escape(body[last : match.start()])))
        parts.append(f'<span class="mention" data-user-id="{int(match.group(2))}">@{escape(match.group(1))}</span>')
        last = match.end()
    parts.append(str(escape((body or "")[last:])))
    return Markup("".join(parts))  # noqa: S704 (every piece above is escaped)


def members_for_autocomplete(actor: User) -> list[dict]:
    """The active staff of the caller's company, for the note form's suggestions (one SELECT)."""
    rows = db.session.execute(
        select(User.id, User.full_name)
        .where(
            User.company_id == actor.company_id,
            User.active.is_(True),
            User.role.in_([role.value for role in REVIEWER_ROLES]),
        )
        .order_by(User.full_name, User.id)
        .limit(500)
    ).all()
    return [{"id": row.id, "name": row.full_name} for row in rows]
