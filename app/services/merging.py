"""Merging two records of one person (recruiters and admins), recorded and reversible.

`preview` shows what differs and what will be kept; `merge` folds `other` into
`keep`: applications (with their notes, history, answers and consents, which
live on the application rows), resume texts, tags and pool memberships move to
the kept record; the other record stays as a tombstone (`merged_into_id`,
hidden from lists and search; its email is cleared so the address finds the
kept record). A `candidate_merges` row holds exactly what moved and the values
overwritten, so `undo` (within MERGE_UNDO_DAYS) moves those rows back and
restores the fields, or refuses (409) when something since makes that unsafe.

One person has one application per job (the unique key of applications): when
both applied to the same job, both applications are kept, the other record's
staying with the tombstone (the preview says so).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import ColumnElement, exists, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, aliased
from sqlalchemy.orm.exc import StaleDataError

from app.errors import Conflict, NotFound, StaleUpdate, ValidationFailed
from app.extensions import db
from app.models import Application, Candidate, CandidateMerge, CandidateTag, Job, PoolMember, ResumeText, User
from app.models.base import utcnow
from app.services import audit, duplicates
from app.services.access import EDITORS, require_role, require_user
from app.services.dedupe_keys import keys_for

FIELDS = ("full_name", "email", "phone", "location", "links")
CHOICES = ("keep", "other")


@dataclass(frozen=True)
class FieldChoice:
    name: str
    keep_value: object
    other_value: object
    kept: str  # keep | other: whose value the merged record will have unless the caller chooses


@dataclass
class Preview:
    keep: Candidate
    other: Candidate
    fields: list[FieldChoice] = field(default_factory=list)  # only the fields that differ
    moving: int = 0  # applications that move to the kept record
    same_jobs: list[str] = field(default_factory=list)  # jobs both applied to: both applications are kept

    @property
    def notes(self) -> list[str]:
        return [
            f"Both applied to {title}: both applications are kept; the other record's stays with the merged record."
            for title in self.same_jobs
        ]


def _editor(actor: User | None) -> User:
    actor = require_user(actor)
    if not actor.is_staff or actor.company_id is None:
        raise NotFound("That candidate was not found.")
    return actor


def _pair(actor: User, keep_id: int, other_id: int | None) -> tuple[Candidate, Candidate]:
    """Both records of the caller's company (else 404), live, and two of them (else 422). One statement."""
    wanted = {keep_id} if other_id is None else {keep_id, other_id}
    rows = {
        c.id: c
        for c in db.session.scalars(
            select(Candidate).where(Candidate.id.in_(wanted), Candidate.company_id == actor.company_id)
        )
    }
    if keep_id not in rows:
        raise NotFound("That candidate was not found.")
    if other_id is None:
        raise ValidationFailed("Name the record to merge.", errors={"other_id": ["Required."]})
    if other_id not in rows:
        raise NotFound("That candidate was not found.")
    if keep_id == other_id:
        raise ValidationFailed(
            "A record cannot be merged with itself.", errors={"other_id": ["Choose another record."]}
        )
    for candidate in rows.values():
        if candidate.merged_into_id is not None:
            raise Conflict(f"Candidate {candidate.id} was already merged into {candidate.merged_into_id}.")
    return rows[keep_id], rows[other_id]


def _empty(value: object) -> bool:
    return value in (None, "", {}, [])


def _choices(keep: Candidate, other: Candidate) -> list[FieldChoice]:
    found = []
    for name in FIELDS:
        mine, theirs = getattr(keep, name), getattr(other, name)
        if mine == theirs or _empty(theirs):
            continue
        found.append(FieldChoice(name, mine, theirs, "other" if _empty(mine) else "keep"))
    return found


def preview(actor: User, keep_id: int, other_id: int | None) -> Preview:
    """What a merge would do: the differing fields and whose value stays, applications moving, shared jobs."""
    actor = _editor(actor)
    keep, other = _pair(actor, keep_id, other_id)
    mine = aliased(Application)
    rows = db.session.execute(
        select(
            Application.id, Job.title, exists().where(mine.candidate_id == keep.id, mine.job_id == Application.job_id)
        )
        .join(Job, Job.id == Application.job_id)
        .where(Application.candidate_id == other.id)
        .order_by(Application.id)
    ).all()
    found = Preview(keep, other, _choices(keep, other))
    found.moving = sum(1 for row in rows if not row[2])
    found.same_jobs = [row[1] for row in rows if row[2]]
    return found


def _check_fields(chosen: dict | None) -> dict[str, str]:
    chosen = chosen or {}
    errors = {}
    for name, value in chosen.items():
        if name not in FIELDS:
            errors[f"fields.{name}"] = [f"Unknown field; use one of: {', '.join(FIELDS)}."]
        elif value not in CHOICES:
            errors[f"fields.{name}"] = ["Must be keep or other."]
    if errors:
        raise ValidationFailed("Some field choices are not valid.", errors=errors)
    return chosen


def merge(actor: User, keep_id: int, other_id: int | None, fields: dict | None = None) -> CandidateMerge:
    """Fold `other` into `keep` and record exactly what moved. Recruiters and admins; fixed statement count."""
    actor = _editor(actor)
    chosen = _check_fields(fields)
    keep, other = _pair(actor, keep_id, other_id)
    require_role(actor, *EDITORS, action="merge candidates")
    company_id = actor.company_id
    kept_jobs = select(Application.job_id).where(Application.candidate_id == keep.id)
    moved_apps = _reassign(
        Application.id, keep.id, Application.candidate_id == other.id, Application.job_id.not_in(kept_jobs)
    )
    moved_texts = _reassign(
        ResumeText.resume_key,
        keep.id,
        ResumeText.candidate_id == other.id,
        ResumeText.application_id.in_(moved_apps or [0]),
    )
    kept_tags = select(CandidateTag.tag_id).where(CandidateTag.candidate_id == keep.id)
    moved_tags = _reassign(
        CandidateTag.tag_id, keep.id, CandidateTag.candidate_id == other.id, CandidateTag.tag_id.not_in(kept_tags)
    )
    kept_pools = select(PoolMember.pool_id).where(PoolMember.candidate_id == keep.id)
    moved_members = _reassign(
        PoolMember.id, keep.id, PoolMember.candidate_id == other.id, PoolMember.pool_id.not_in(kept_pools)
    )
    changed: dict[str, dict] = {}
    for choice in _choices(keep, other):
        if chosen.get(choice.name, choice.kept) == "other":
            changed[choice.name] = {"old": choice.keep_value, "new": choice.other_value}
    tombstone = {"email": other.email}
    if keep.user_id is None and other.user_id is not None:
        changed["user_id"] = {"old": None, "new": other.user_id}
    now = utcnow()
    try:
        # The tombstone first: its email is freed before the kept record may take it (one email per company).
        other.email = None
        other.email_key = None
        other.merged_into_id = keep.id
        other.updated_at = now
        db.session.flush()
        for name, change in changed.items():
            setattr(keep, name, change["new"])
        for name, value in keys_for(
            full_name=keep.full_name, email=keep.email, phone=keep.phone, links=keep.links
        ).items():
            setattr(keep, name, value)
        keep.updated_at = now  # the search sweep rebuilds the kept record's document
        db.session.flush()
    except StaleDataError:
        raise StaleUpdate("Someone changed one of these records at the same moment; reload and try again.") from None
    record = CandidateMerge(
        company_id=company_id,
        keep_id=keep.id,
        other_id=other.id,
        moved={
            "applications": moved_apps,
            "resume_texts": moved_texts,
            "tags": moved_tags,
            "pool_members": moved_members,
            "fields": changed,
            "other": tombstone,
        },
        merged_by_id=actor.id,
        merged_at=now,
    )
    db.session.add(record)
    duplicates.close_pair(company_id, keep.id, other.id, "merged", actor)
    db.session.flush()
    audit.record(
        "candidate.merged",
        actor=actor,
        object_type="candidate",
        object_id=keep.id,
        details={"merge_id": record.id, "other_id": other.id, "applications": len(moved_apps)},
    )
    _reindex(keep.id)
    return record


def _reassign(returned: InstrumentedAttribute, to: int, *where: ColumnElement[bool]) -> list:
    """Give the rows of `returned`'s table matching `where` to candidate `to`; the `returned` values of those
    moved (one UPDATE ... RETURNING)."""
    table = returned.class_
    return list(
        db.session.scalars(
            update(table)
            .where(*where)
            .values(candidate_id=to)
            .returning(returned)
            .execution_options(synchronize_session=False)
        )
    )


def _reindex(*ids: int) -> None:
    from app.search.queue import schedule

    schedule(candidate_ids=ids)


def undo_deadline(record: CandidateMerge):
    return record.merged_at + timedelta(days=int(current_app.config["MERGE_UNDO_DAYS"]))


def can_undo(record: CandidateMerge) -> bool:
    return record.undone_at is None and utcnow() <= undo_deadline(record)


def _merge_of(actor: User, merge_id: int) -> CandidateMerge:
    record = db.session.get(CandidateMerge, merge_id)
    if record is None or record.company_id != actor.company_id:
        raise NotFound("That merge was not found.")
    return record


def undo(actor: User, merge_id: int) -> CandidateMerge:
    """Move back exactly what the merge moved and restore the fields; 409 when that is no longer safe."""
    actor = _editor(actor)
    record = _merge_of(actor, merge_id)
    require_role(actor, *EDITORS, action="undo a merge")
    if record.undone_at is not None:
        raise Conflict("This merge was already undone.")
    if utcnow() > undo_deadline(record):
        raise Conflict(f"A merge can be undone for {current_app.config['MERGE_UNDO_DAYS']} days; this one is older.")
    moved = record.moved or {}
    old_email = (moved.get("other") or {}).get("email")
    wanted_email = [Candidate.email == old_email] if old_email else []
    people = {
        c.id: c
        for c in db.session.scalars(
            select(Candidate).where(
                Candidate.company_id == record.company_id,
                or_(Candidate.id.in_((record.keep_id, record.other_id)), *wanted_email),
            )
        )
    }
    keep, other = people.get(record.keep_id), people.get(record.other_id)
    if keep is None or other is None or other.merged_into_id != keep.id:
        raise Conflict("The merged record has changed since; this merge cannot be undone.")
    if keep.merged_into_id is not None:
        raise Conflict(f"The kept record was merged again (into {keep.merged_into_id}); undo that merge first.")
    changed = moved.get("fields") or {}
    holders = [c for c in people.values() if old_email and c.email == old_email and c.id != other.id]
    if any(c.id != keep.id or "email" not in changed for c in holders):
        raise Conflict(f"Another record now holds {old_email}; this merge cannot be undone.")
    edited = [name for name, change in changed.items() if getattr(keep, name) != change["new"]]
    if edited:
        raise Conflict(f"The kept record was edited since the merge ({', '.join(edited)}); undo it by hand.")
    apps = list(moved.get("applications") or [])
    back = _reassign(Application.id, other.id, Application.id.in_(apps or [0]), Application.candidate_id == keep.id)
    if len(back) != len(apps):
        # The request rolls back: nothing of the undo stays.
        raise Conflict("An application moved by this merge was deleted or moved since; this merge cannot be undone.")
    _reassign(
        ResumeText.resume_key,
        other.id,
        ResumeText.resume_key.in_(moved.get("resume_texts") or [""]),
        ResumeText.candidate_id == keep.id,
    )
    theirs_tag = aliased(CandidateTag)
    _reassign(
        CandidateTag.tag_id,
        other.id,
        CandidateTag.candidate_id == keep.id,
        CandidateTag.tag_id.in_(moved.get("tags") or [0]),
        ~exists().where(theirs_tag.candidate_id == other.id, theirs_tag.tag_id == CandidateTag.tag_id),
    )
    _reassign(
        PoolMember.id,
        other.id,
        PoolMember.id.in_(moved.get("pool_members") or [0]),
        PoolMember.candidate_id == keep.id,
    )
    now = utcnow()
    try:
        for name, change in changed.items():
            setattr(keep, name, change["old"])
        for name, value in keys_for(
            full_name=keep.full_name, email=keep.email, phone=keep.phone, links=keep.links
        ).items():
            setattr(keep, name, value)
        keep.updated_at = now
        db.session.flush()  # the kept record frees the email before the tombstone takes it back
        other.email = old_email
        other.merged_into_id = None
        other.updated_at = now
        other.email_key = keys_for(full_name=None, email=old_email, phone=None, links=None)["email_key"]
        record.undone_at = now
        record.undone_by_id = actor.id
        db.session.flush()
    except StaleDataError:
        raise StaleUpdate("Someone changed one of these records at the same moment; reload and try again.") from None
    duplicates.close_pair(record.company_id, keep.id, other.id, "open", actor)
    audit.record(
        "candidate.merge_undone",
        actor=actor,
        object_type="candidate",
        object_id=keep.id,
        details={"merge_id": record.id, "other_id": other.id, "applications": len(apps)},
    )
    _reindex(keep.id, other.id)
    return record


def history(actor: User, *, candidate_id: int | None = None, limit: int = 20) -> list[tuple]:
    """The company's latest merges (of one kept record when given) with both names. One statement."""
    actor = _editor(actor)
    keep, other = aliased(Candidate), aliased(Candidate)
    stmt = (
        select(CandidateMerge, keep.full_name, other.full_name)
        .join(keep, keep.id == CandidateMerge.keep_id)
        .join(other, other.id == CandidateMerge.other_id)
        .where(CandidateMerge.company_id == actor.company_id)
    )
    if candidate_id is not None:
        stmt = stmt.where(CandidateMerge.keep_id == candidate_id)
    return [tuple(row) for row in db.session.execute(stmt.order_by(CandidateMerge.id.desc()).limit(limit))]
