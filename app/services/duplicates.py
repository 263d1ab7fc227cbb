"""Possible duplicates: found by the keys of app/services/dedupe_keys.py, proposed, never merged here.

Detection runs outside requests: the worker after a record is created (a job
queued after the commit, app/services/duplicates_tasks.py) and the periodic
`candidates.find_duplicates` pass, which takes the records changed since they
were last compared (new, edited, or with a resume text read since) in bounded
batches. Per batch: their keys are recomputed and written, then one indexed
look-up per key kind finds the company's other records with the same key; a
pair is proposed once (unique pair) and a dismissed pair stays dismissed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, exists, or_, select, tuple_, update
from sqlalchemy.orm import aliased

from app.errors import NotFound
from app.extensions import db
from app.models import Candidate, DuplicateCandidate, ResumeText, User
from app.models.base import utcnow
from app.services.access import EDITORS, require_role, require_user
from app.services.dedupe_keys import keys_for, resume_hash, similar_names
from app.services.pagination import Page, clamp_limit, decode_cursor, encode_cursor

BATCH = 200
KEY_REASONS = {"email_key": "email", "phone_e164": "phone", "linkedin_key": "linkedin"}


def _insert():
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(DuplicateCandidate)


# --- detection (worker and periodic pass) ---


def _stale():
    """Records never compared, edited since, or with a resume text read since (tombstones never)."""
    checked = Candidate.duplicates_checked_at
    return and_(
        Candidate.merged_into_id.is_(None),
        or_(
            checked.is_(None),
            Candidate.updated_at > checked,
            exists().where(ResumeText.candidate_id == Candidate.id, ResumeText.extracted_at > checked),
        ),
    )


def stale_ids(limit: int = BATCH, after: int = 0) -> list[int]:
    """The next stale records by id (keyset: a record that stays stale cannot hold the pass in place)."""
    stmt = select(Candidate.id).where(_stale(), Candidate.id > after).order_by(Candidate.id).limit(limit)
    return list(db.session.scalars(stmt))


@dataclass(frozen=True)
class Keys:
    id: int
    company_id: int
    values: dict  # column name -> key (None: nothing to compare by)


KEY_COLUMNS = ("email_key", "phone_e164", "linkedin_key", "name_key", "resume_hash")


def _refresh_keys(ids: list[int]) -> list[Keys]:
    """Recompute the keys of these records (the resume hash from their newest readable text), store the
    ones that changed, and mark the records compared."""
    # Taken before reading: an edit made while the batch runs is stamped later, so it is compared next time.
    now = utcnow()
    people = db.session.execute(
        select(
            Candidate.id, Candidate.company_id, Candidate.full_name, Candidate.email, Candidate.phone, Candidate.links,
            *(getattr(Candidate, name) for name in KEY_COLUMNS),
        ).where(Candidate.id.in_(ids), Candidate.merged_into_id.is_(None))
    ).all()  # fmt: skip
    if not people:
        return []
    texts: dict[int, str] = {}
    for candidate_id, text in db.session.execute(
        select(ResumeText.candidate_id, ResumeText.text)
        .where(ResumeText.candidate_id.in_([p.id for p in people]), ResumeText.status == "ok")
        .order_by(ResumeText.extracted_at)
    ):
        texts[candidate_id] = text  # the newest wins
    found = []
    # Core UPDATEs: updated_at and the version stay as they were (the keys are not an edit).
    for person in people:
        values = keys_for(full_name=person.full_name, email=person.email, phone=person.phone, links=person.links)
        values["resume_hash"] = resume_hash(texts.get(person.id))
        if any(getattr(person, name) != values[name] for name in KEY_COLUMNS):
            db.session.execute(
                update(Candidate)
                .where(Candidate.id == person.id)
                .values(**values, updated_at=Candidate.updated_at)
                .execution_options(synchronize_session=False)
            )
        found.append(Keys(person.id, person.company_id, values))
    db.session.execute(
        update(Candidate)
        .where(Candidate.id.in_([p.id for p in people]))
        .values(duplicates_checked_at=now, updated_at=Candidate.updated_at)
        .execution_options(synchronize_session=False)
    )
    return found


def _matches(people: list[Keys]) -> dict[tuple[int, int], set[str]]:
    """Pairs (low id, high id) of the same company with the reasons they match."""
    pairs: dict[tuple[int, int], set[str]] = defaultdict(set)
    alive = Candidate.merged_into_id.is_(None)

    def pair(a: int, b: int, reason: str) -> None:
        if a != b:
            pairs[(min(a, b), max(a, b))].add(reason)

    for name, reason in KEY_REASONS.items():
        column = getattr(Candidate, name)
        wanted = {(p.company_id, p.values[name]) for p in people if p.values.get(name)}
        if not wanted:
            continue
        rows = db.session.execute(
            select(Candidate.id, Candidate.company_id, column).where(
                tuple_(Candidate.company_id, column).in_(wanted), alive
            )
        ).all()
        by_key = defaultdict(list)
        for row in rows:
            by_key[(row[1], row[2])].append(row[0])
        for person in people:
            for other in by_key.get((person.company_id, person.values.get(name)), []):
                pair(person.id, other, reason)
    # A very similar name alone is too weak; with the same resume it is the same person.
    hashed = {(p.company_id, p.values["resume_hash"]) for p in people if p.values.get("resume_hash")}
    if hashed:
        rows = db.session.execute(
            select(Candidate.id, Candidate.company_id, Candidate.resume_hash, Candidate.name_key).where(
                tuple_(Candidate.company_id, Candidate.resume_hash).in_(hashed), alive
            )
        ).all()
        for person in people:
            mine = (person.company_id, person.values.get("resume_hash"))
            for row in rows:
                if (row[1], row[2]) == mine and similar_names(person.values.get("name_key"), row[3]):
                    pair(person.id, row[0], "name_and_resume")
    return pairs


def _propose(people: list[Keys], pairs: dict[tuple[int, int], set[str]]) -> int:
    """One INSERT for the batch's pairs; an open pair gets the new reasons, a decided one is left alone."""
    if not pairs:
        return 0
    company = {p.id: p.company_id for p in people}
    now = utcnow()
    rows = [
        {
            "company_id": company.get(a) or company.get(b),
            "candidate_a_id": a,
            "candidate_b_id": b,
            "reasons": sorted(reasons),
            "status": "open",
            "found_at": now,
        }
        for (a, b), reasons in sorted(pairs.items())
    ]
    stmt = _insert().values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=["candidate_a_id", "candidate_b_id"],
        set_={"reasons": stmt.excluded.reasons},
        where=DuplicateCandidate.__table__.c.status == "open",
    )
    db.session.execute(stmt)
    return len(rows)


def check(ids: list[int]) -> int:
    """Compare these records with their company's others; the number of pairs proposed (or refreshed)."""
    people = _refresh_keys(sorted(set(ids)))
    return _propose(people, _matches(people)) if people else 0


def find_all(batches: int = 500) -> dict:
    """The pass: every stale record, BATCH at a time (100,000 a run at most), committed per batch."""
    done = {"checked": 0, "pairs": 0}
    after = 0
    for _ in range(batches):
        ids = stale_ids(after=after)
        if not ids:
            break
        after = ids[-1]
        done["pairs"] += check(ids)
        done["checked"] += len(ids)
        db.session.commit()
        if len(ids) < BATCH:
            break
    return done


# --- proposals, for staff ---


@dataclass(frozen=True)
class Proposal:
    id: int
    a: Candidate
    b: Candidate
    reasons: list[str]
    status: str
    found_at: object


def _staff(actor: User | None) -> User:
    actor = require_user(actor)
    if not actor.is_staff or actor.company_id is None:
        raise NotFound("That candidate was not found.")
    return actor


def _proposals():
    a, b = aliased(Candidate), aliased(Candidate)
    stmt = (
        select(DuplicateCandidate, a, b)
        .join(a, a.id == DuplicateCandidate.candidate_a_id)
        .join(b, b.id == DuplicateCandidate.candidate_b_id)
    )
    return stmt, a, b


def _proposal(row) -> Proposal:
    pair, a, b = row
    return Proposal(pair.id, a, b, list(pair.reasons or []), pair.status, pair.found_at)


def list_open(actor: User, *, limit: int | None = None, cursor: str | None = None) -> Page:
    """The company's open proposals between live records, newest first; keyset on id. One statement."""
    actor = _staff(actor)
    size = clamp_limit(limit)
    stmt, a, b = _proposals()
    stmt = stmt.where(
        DuplicateCandidate.company_id == actor.company_id,
        DuplicateCandidate.status == "open",
        a.merged_into_id.is_(None),
        b.merged_into_id.is_(None),
    )
    after = decode_cursor(cursor)
    if after is not None:
        stmt = stmt.where(DuplicateCandidate.id < after)
    rows = db.session.execute(stmt.order_by(DuplicateCandidate.id.desc()).limit(size + 1)).all()
    next_cursor = encode_cursor(rows[size - 1][0].id) if len(rows) > size else None
    return Page(items=[_proposal(row) for row in rows[:size]], next_cursor=next_cursor, limit=size)


def for_candidate(actor: User, candidate_id: int, *, limit: int = 20) -> list[Proposal]:
    """Open proposals naming this record (one of the caller's company, else 404). One statement."""
    actor = _staff(actor)
    stmt, a, b = _proposals()
    rows = db.session.execute(
        stmt.where(
            DuplicateCandidate.company_id == actor.company_id,
            DuplicateCandidate.status == "open",
            or_(DuplicateCandidate.candidate_a_id == candidate_id, DuplicateCandidate.candidate_b_id == candidate_id),
            a.merged_into_id.is_(None),
            b.merged_into_id.is_(None),
        )
        .order_by(DuplicateCandidate.id.desc())
        .limit(limit)
    ).all()
    return [_proposal(row) for row in rows]


def require_candidate(actor: User, candidate_id: int) -> Candidate:
    actor = _staff(actor)
    candidate = db.session.get(Candidate, candidate_id)
    if candidate is None or candidate.company_id != actor.company_id:
        raise NotFound("That candidate was not found.")
    return candidate


def dismiss(actor: User, proposal_id: int) -> Proposal:
    """Not the same person: the pair stays dismissed, whatever later passes find (recruiters and admins)."""
    actor = _staff(actor)
    stmt, _a, _b = _proposals()
    row = db.session.execute(
        stmt.where(DuplicateCandidate.id == proposal_id, DuplicateCandidate.company_id == actor.company_id)
    ).first()
    if row is None:
        raise NotFound("That possible duplicate was not found.")
    require_role(actor, *EDITORS, action="dismiss a possible duplicate")
    pair = row[0]
    if pair.status == "open":
        pair.status = "dismissed"
        pair.decided_by_id = actor.id
        pair.decided_at = utcnow()
        db.session.flush()
    return _proposal(row)


def close_pair(company_id: int, a: int, b: int, status: str, actor: User | None) -> None:
    """A merge closes the pair's proposal (`merged`); its undo opens it again. One UPDATE."""
    low, high = min(a, b), max(a, b)
    db.session.execute(
        update(DuplicateCandidate)
        .where(
            DuplicateCandidate.company_id == company_id,
            DuplicateCandidate.candidate_a_id == low,
            DuplicateCandidate.candidate_b_id == high,
        )
        .values(
            status=status,
            decided_by_id=actor.id if actor is not None and status != "open" else None,
            decided_at=utcnow() if status != "open" else None,
        )
        .execution_options(synchronize_session=False)
    )
