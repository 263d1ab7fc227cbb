"""Tags: each company's vocabulary, put on its candidates.

A name is unique per company whatever its case (`key` is the name lower-cased).
Recruiters and admins create, rename and delete tags; any of the company's staff
may put an existing tag on a candidate or take it off, and a recruiter or admin
who names an unknown tag creates it. Reads for many candidates are one query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import delete, func, literal, select
from sqlalchemy.exc import IntegrityError

from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.models import Application, CandidateTag, Tag, User
from app.models.base import utcnow
from app.models.tags import TAG_NAME_MAX
from app.services.access import EDITORS, require_role, require_user
from app.services.validation import Checker

MAX_TAGS = 500
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _insert():
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _staff(actor: User | None) -> User:
    actor = require_user(actor)
    if not actor.is_staff or actor.company_id is None:
        raise NotFound("That tag was not found.")
    return actor


def key_of(name: str) -> str:
    return name.strip().lower()


def check_name(check: Checker, name, field: str = "name") -> str | None:
    name = check.line(field, name, required=True, max_len=TAG_NAME_MAX)
    if name and not name.strip():
        check.add(field, "This field is required.")
    return " ".join(name.split()) if name else None


def _check_colour(check: Checker, colour) -> str | None:
    if colour in (None, ""):
        return None
    if not isinstance(colour, str) or not COLOUR.match(colour):
        check.add("colour", "Use a colour like #1a7f37.")
        return None
    return colour.lower()


def list_tags(actor: User) -> list[Tag]:
    """The company's tags by name (at most MAX_TAGS)."""
    actor = _staff(actor)
    return list(db.session.scalars(select(Tag).where(Tag.company_id == actor.company_id).order_by(Tag.key)))


def list_with_counts(actor: User) -> list[tuple[Tag, int]]:
    """The company's tags by name, each with how many candidates carry it, in one SELECT."""
    actor = _staff(actor)
    carried = func.count(CandidateTag.candidate_id)
    stmt = (
        select(Tag, carried)
        .outerjoin(CandidateTag, CandidateTag.tag_id == Tag.id)
        .where(Tag.company_id == actor.company_id)
        .group_by(Tag.id)
        .order_by(Tag.key)
    )
    return [(tag, count) for tag, count in db.session.execute(stmt)]


def usage(actor: User, tag_id: int) -> tuple[Tag, int]:
    """One of the company's tags and how many candidates carry it (one SELECT)."""
    actor = _staff(actor)
    carried = select(func.count()).where(CandidateTag.tag_id == Tag.id).scalar_subquery()
    row = db.session.execute(select(Tag, carried).where(Tag.id == tag_id, Tag.company_id == actor.company_id)).first()
    if row is None:
        raise NotFound("That tag was not found.")
    return row[0], row[1]


def get_tag(actor: User, tag_id: int) -> Tag:
    actor = _staff(actor)
    tag = db.session.get(Tag, tag_id)
    if tag is None or tag.company_id != actor.company_id:
        raise NotFound("That tag was not found.")
    return tag


def find(company_id: int, name: str) -> Tag | None:
    return db.session.scalar(select(Tag).where(Tag.company_id == company_id, Tag.key == key_of(name)))


def _taken(company_id: int, name: str, *, other_than: int | None = None) -> None:
    found = find(company_id, name)
    if found is not None and found.id != other_than:
        raise Conflict(f"The tag “{found.name}” exists already.", errors={"name": ["That tag exists already."]})


def create_tag(actor: User, *, name, colour=None) -> Tag:
    actor = _staff(actor)
    require_role(actor, *EDITORS, action="create tags")
    check = Checker()
    name = check_name(check, name)
    colour = _check_colour(check, colour)
    check.raise_if_any()
    _taken(actor.company_id, name)
    tag = _make(actor.company_id, name, colour)
    if tag is None:  # made by someone else since the check
        raise _taken_error(actor.company_id, name)
    return tag


def _make(company_id: int, name: str, colour: str | None) -> Tag | None:
    """A new tag, or None when the name is taken (also by a transaction that committed meanwhile).

    INSERT ... ON CONFLICT (company_id, key) DO NOTHING: two requests naming the same new tag at the
    same moment never fail on the unique constraint; the second waits for the first and gets nothing.
    """
    if db.session.scalar(select(func.count()).where(Tag.company_id == company_id)) >= MAX_TAGS:
        raise Conflict(f"A company keeps at most {MAX_TAGS} tags; delete some first.")
    stmt = (
        _insert()(Tag)
        .values(company_id=company_id, name=name, key=key_of(name), colour=colour, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["company_id", "key"])
        .returning(Tag)
    )
    return db.session.scalars(stmt).one_or_none()


def _taken_error(company_id: int, name: str) -> Conflict:
    found = find(company_id, name)
    shown = found.name if found is not None else name
    return Conflict(f"The tag “{shown}” exists already.", errors={"name": ["That tag exists already."]})


def update_tag(actor: User, tag_id: int, **fields) -> Tag:
    """Rename or recolour a tag (recruiters and admins); candidates keep it."""
    tag = get_tag(actor, tag_id)
    require_role(actor, *EDITORS, action="edit tags")
    check = Checker()
    for unknown in sorted(set(fields) - {"name", "colour"}):
        check.add(unknown, "Unknown field.")
    name = check_name(check, fields["name"]) if "name" in fields else tag.name
    colour = _check_colour(check, fields["colour"]) if "colour" in fields else tag.colour
    check.raise_if_any()
    if key_of(name) != tag.key:
        _taken(tag.company_id, name, other_than=tag.id)
    tag.name, tag.key, tag.colour = name, key_of(name), colour
    try:
        db.session.flush()
    except IntegrityError:  # the name was taken by another request since the check
        raise Conflict(f"The tag “{name}” exists already.", errors={"name": ["That tag exists already."]}) from None
    return tag


def delete_tag(actor: User, tag_id: int) -> None:
    """Delete a tag (recruiters and admins): it comes off every candidate."""
    tag = get_tag(actor, tag_id)
    require_role(actor, *EDITORS, action="delete tags")
    db.session.execute(delete(CandidateTag).where(CandidateTag.tag_id == tag.id))
    db.session.delete(tag)
    db.session.flush()


def merge_tag(actor: User, tag_id: int, into_id) -> Tag:
    """Merge a tag into another of the company's (recruiters and admins): every candidate carrying it
    carries the other one, and the merged tag is deleted. Returns the tag kept."""
    tag = get_tag(actor, tag_id)
    require_role(actor, *EDITORS, action="merge tags")
    check = Checker()
    if not isinstance(into_id, int) or isinstance(into_id, bool):
        check.add("into", "Pick the tag to merge into.")
    elif into_id == tag.id:
        check.add("into", "Pick another tag: a tag cannot be merged into itself.")
    check.raise_if_any()
    kept = db.session.get(Tag, into_id)
    if kept is None or kept.company_id != tag.company_id:
        raise ValidationFailed("Pick one of the company's tags.", errors={"into": ["There is no such tag."]})
    moved = select(CandidateTag.candidate_id, literal(kept.id), CandidateTag.added_by_id, CandidateTag.added_at)
    moved = moved.where(CandidateTag.tag_id == tag.id)
    db.session.execute(
        _insert()(CandidateTag)
        .from_select(["candidate_id", "tag_id", "added_by_id", "added_at"], moved)
        .on_conflict_do_nothing()
    )
    db.session.execute(delete(CandidateTag).where(CandidateTag.tag_id == tag.id))
    db.session.delete(tag)
    db.session.flush()
    return kept


def resolve(actor: User, name, *, create: bool) -> Tag:
    """The company's tag by name, whatever its case; an unknown one is made when `create` and the actor
    is a recruiter or admin, else 404 (hiring managers) or 403."""
    actor = _staff(actor)
    check = Checker()
    name = check_name(check, name)
    check.raise_if_any()
    tag = find(actor.company_id, name)
    if tag is not None:
        return tag
    if not create:
        raise NotFound(f"There is no tag “{name}”.")
    if actor.role not in EDITORS:
        raise Forbidden("Only a recruiter or admin can create a new tag; pick one of the company's tags.")
    # Someone may make the same tag at the same moment: then theirs (committed by now) is the one.
    return _make(actor.company_id, name, None) or find(actor.company_id, name)


def tag_candidate(actor: User, candidate_id: int, name) -> Tag:
    """Put a tag (by name) on one of the company's candidates; putting it twice changes nothing."""
    from app.services.candidate_profiles import get_candidate

    candidate = get_candidate(actor, candidate_id)
    tag = resolve(actor, name, create=True)
    add_pairs([(candidate.id, tag.id)], actor.id)
    return tag


def untag_candidate(actor: User, candidate_id: int, name) -> None:
    from app.services.candidate_profiles import get_candidate

    candidate = get_candidate(actor, candidate_id)
    tag = resolve(actor, name, create=False)
    db.session.execute(
        delete(CandidateTag).where(CandidateTag.candidate_id == candidate.id, CandidateTag.tag_id == tag.id)
    )


def add_pairs(pairs: Iterable[tuple[int, int]], actor_id: int | None) -> None:
    """(candidate id, tag id) pairs, in one INSERT ... ON CONFLICT DO NOTHING (both already checked)."""
    now = utcnow()
    rows = [{"candidate_id": c, "tag_id": t, "added_by_id": actor_id, "added_at": now} for c, t in dict.fromkeys(pairs)]
    if rows:
        db.session.execute(_insert()(CandidateTag).values(rows).on_conflict_do_nothing())


def remove_from(candidate_ids: list[int], tag_id: int) -> None:
    if candidate_ids:
        db.session.execute(
            delete(CandidateTag).where(CandidateTag.tag_id == tag_id, CandidateTag.candidate_id.in_(candidate_ids))
        )


def for_candidates(company_id: int, candidate_ids: list[int]) -> dict[int, list[Tag]]:
    """Each candidate's tags by name, in one SELECT."""
    if not candidate_ids:
        return {}
    rows = db.session.execute(
        select(CandidateTag.candidate_id, Tag)
        .join(Tag, Tag.id == CandidateTag.tag_id)
        .where(CandidateTag.candidate_id.in_(candidate_ids), Tag.company_id == company_id)
        .order_by(Tag.key)
    ).all()
    found: dict[int, list[Tag]] = {}
    for candidate_id, tag in rows:
        found.setdefault(candidate_id, []).append(tag)
    return found


def for_applications(company_id: int, application_ids: list[int]) -> dict[int, list[tuple[str, str | None]]]:
    """The (name, colour) tags of each application's candidate, in one SELECT (the board's cards)."""
    if not application_ids:
        return {}
    rows = db.session.execute(
        select(Application.id, Tag.name, Tag.colour)
        .join(CandidateTag, CandidateTag.candidate_id == Application.candidate_id)
        .join(Tag, Tag.id == CandidateTag.tag_id)
        .where(Application.id.in_(application_ids), Application.company_id == company_id)
        .order_by(Application.id, Tag.key)
    ).all()
    found: dict[int, list[tuple[str, str | None]]] = {}
    for app_id, name, colour in rows:
        found.setdefault(app_id, []).append((name, colour))
    return found
