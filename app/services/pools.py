"""Talent pools: named lists of a company's candidates, kept for later jobs.

The company's staff read them; recruiters and admins create, edit and delete
pools, add and remove members (many at once) and apply a member to a job, which
goes through the staff path of applying (app/services/applying.py): one
application per candidate per job, source "sourced", its first history row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, func, select

from app.errors import Conflict, NotFound
from app.extensions import db
from app.models import Application, Candidate, PoolMember, TalentPool, User
from app.models.base import utcnow
from app.services.access import EDITORS, require_role, require_user
from app.services.pagination import Page, clamp_limit, decode_cursor, encode_cursor
from app.services.validation import Checker

NAME_MAX = 100
DESCRIPTION_MAX = 2000
MAX_AT_ONCE = 500


@dataclass
class MembersChange:
    done: list[int] = field(default_factory=list)  # added (or removed)
    unchanged: list[int] = field(default_factory=list)  # already members (or were not)
    not_found: list[int] = field(default_factory=list)


def _insert():
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _staff(actor: User | None) -> User:
    actor = require_user(actor)
    if not actor.is_staff or actor.company_id is None:
        raise NotFound("That talent pool was not found.")
    return actor


def _counted():
    members = select(func.count()).where(PoolMember.pool_id == TalentPool.id).scalar_subquery()
    return select(TalentPool, members.label("members"))


def list_pools(actor: User, *, limit: int | None = None, cursor: str | None = None) -> Page:
    """The company's pools, newest first, each as (pool, member count); keyset-paged."""
    actor = _staff(actor)
    size = clamp_limit(limit)
    stmt = _counted().where(TalentPool.company_id == actor.company_id)
    after = decode_cursor(cursor)
    if after is not None:
        stmt = stmt.where(TalentPool.id < after)
    rows = db.session.execute(stmt.order_by(TalentPool.id.desc()).limit(size + 1)).all()
    next_cursor = encode_cursor(rows[size - 1][0].id) if len(rows) > size else None
    return Page(items=[tuple(row) for row in rows[:size]], next_cursor=next_cursor, limit=size)


def get_pool(actor: User, pool_id: int) -> TalentPool:
    actor = _staff(actor)
    pool = db.session.get(TalentPool, pool_id)
    if pool is None or pool.company_id != actor.company_id:
        raise NotFound("That talent pool was not found.")
    return pool


def pool_with_count(actor: User, pool_id: int) -> tuple[TalentPool, int]:
    actor = _staff(actor)
    row = db.session.execute(
        _counted().where(TalentPool.id == pool_id, TalentPool.company_id == actor.company_id)
    ).first()
    if row is None:
        raise NotFound("That talent pool was not found.")
    return row[0], row[1]


def _check(check: Checker, fields: dict) -> dict:
    clean = {}
    for unknown in sorted(set(fields) - {"name", "description"}):
        check.add(unknown, "Unknown field.")
    if "name" in fields:
        clean["name"] = check.line("name", fields["name"], required=True, max_len=NAME_MAX)
    if "description" in fields:
        clean["description"] = check.text("description", fields["description"] or "", max_len=DESCRIPTION_MAX) or ""
    return clean


def _name_free(company_id: int, name: str, other_than: int | None = None) -> None:
    found = db.session.scalar(
        select(TalentPool.id).where(TalentPool.company_id == company_id, TalentPool.key == name.lower())
    )
    if found is not None and found != other_than:
        raise Conflict("A pool of that name exists already.", errors={"name": ["A pool of that name exists already."]})


def create_pool(actor: User, *, name, description="") -> TalentPool:
    actor = _staff(actor)
    require_role(actor, *EDITORS, action="create talent pools")
    check = Checker()
    clean = _check(check, {"name": name, "description": description})
    check.raise_if_any()
    _name_free(actor.company_id, clean["name"])
    pool = TalentPool(
        company_id=actor.company_id,
        name=clean["name"],
        key=clean["name"].lower(),
        description=clean["description"],
        created_by_id=actor.id,
    )
    db.session.add(pool)
    db.session.flush()
    return pool


def update_pool(actor: User, pool_id: int, **fields) -> TalentPool:
    pool = get_pool(actor, pool_id)
    require_role(actor, *EDITORS, action="edit talent pools")
    check = Checker()
    clean = _check(check, fields)
    check.raise_if_any()
    if "name" in clean and clean["name"].lower() != pool.key:
        _name_free(pool.company_id, clean["name"], other_than=pool.id)
    if "name" in clean:
        pool.name, pool.key = clean["name"], clean["name"].lower()
    if "description" in clean:
        pool.description = clean["description"]
    db.session.flush()
    return pool


def delete_pool(actor: User, pool_id: int) -> None:
    """Delete a pool and its member list; the candidates stay."""
    pool = get_pool(actor, pool_id)
    require_role(actor, *EDITORS, action="delete talent pools")
    db.session.execute(delete(PoolMember).where(PoolMember.pool_id == pool.id))
    db.session.delete(pool)
    db.session.flush()


def members(actor: User, pool_id: int, *, limit: int | None = None, cursor: str | None = None) -> Page:
    """The pool's members, last added first, each as (membership, candidate); keyset-paged on the membership."""
    pool = get_pool(actor, pool_id)
    size = clamp_limit(limit)
    stmt = (
        select(PoolMember, Candidate)
        .join(Candidate, Candidate.id == PoolMember.candidate_id)
        # A merged record (a tombstone) is not listed: the record it was merged into is.
        .where(PoolMember.pool_id == pool.id, Candidate.merged_into_id.is_(None))
    )
    after = decode_cursor(cursor)
    if after is not None:
        stmt = stmt.where(PoolMember.id < after)
    rows = db.session.execute(stmt.order_by(PoolMember.id.desc()).limit(size + 1)).all()
    next_cursor = encode_cursor(rows[size - 1][0].id) if len(rows) > size else None
    return Page(items=[tuple(row) for row in rows[:size]], next_cursor=next_cursor, limit=size)


def _candidate_ids(check: Checker, candidate_ids) -> list[int]:
    if not isinstance(candidate_ids, list | tuple) or not candidate_ids:
        check.add("candidate_ids", "Name at least one candidate.")
        return []
    if len(candidate_ids) > MAX_AT_ONCE:
        check.add("candidate_ids", f"At most {MAX_AT_ONCE} candidates at once.")
        return []
    if not all(isinstance(i, int) and not isinstance(i, bool) and 1 <= i <= 2_147_483_647 for i in candidate_ids):
        check.add("candidate_ids", "Each item is a candidate id.")
        return []
    return list(dict.fromkeys(candidate_ids))


def add_members(actor: User, pool_id: int, candidate_ids) -> MembersChange:
    """Add the company's candidates to the pool; ids of no candidate of the company are `not_found`."""
    pool = get_pool(actor, pool_id)
    require_role(actor, *EDITORS, action="change talent pools")
    check = Checker()
    wanted = _candidate_ids(check, candidate_ids)
    check.raise_if_any()
    known = set(
        db.session.scalars(
            select(Candidate.id).where(Candidate.id.in_(wanted), Candidate.company_id == pool.company_id)
        )
    )
    result = MembersChange(not_found=[i for i in wanted if i not in known])
    rows = [
        {"pool_id": pool.id, "candidate_id": i, "added_by_id": actor.id, "added_at": utcnow()}
        for i in wanted
        if i in known
    ]
    if rows:
        stmt = _insert()(PoolMember).values(rows).on_conflict_do_nothing().returning(PoolMember.candidate_id)
        added = set(db.session.scalars(stmt))
        result.done = [i for i in wanted if i in added]
        result.unchanged = [i for i in wanted if i in known and i not in added]
    return result


def remove_members(actor: User, pool_id: int, candidate_ids) -> MembersChange:
    pool = get_pool(actor, pool_id)
    require_role(actor, *EDITORS, action="change talent pools")
    check = Checker()
    wanted = _candidate_ids(check, candidate_ids)
    check.raise_if_any()
    stmt = (
        delete(PoolMember)
        .where(PoolMember.pool_id == pool.id, PoolMember.candidate_id.in_(wanted))
        .returning(PoolMember.candidate_id)
    )
    removed = set(db.session.scalars(stmt))
    return MembersChange(done=[i for i in wanted if i in removed], unchanged=[i for i in wanted if i not in removed])


def pools_of(candidate: Candidate) -> list[TalentPool]:
    """The pools a candidate is in (their company's), by name: one SELECT."""
    return list(
        db.session.scalars(
            select(TalentPool)
            .join(PoolMember, PoolMember.pool_id == TalentPool.id)
            .where(PoolMember.candidate_id == candidate.id, TalentPool.company_id == candidate.company_id)
            .order_by(TalentPool.key)
        )
    )


def apply_member(actor: User, pool_id: int, candidate_id: int, job_id) -> Application:
    """Put a pool member into a job's pipeline as "sourced" (recruiters and admins), through staff applying."""
    from app.services import applying

    pool = get_pool(actor, pool_id)
    require_role(actor, *EDITORS, action="add candidates")
    member = db.session.execute(
        select(Candidate)
        .join(PoolMember, PoolMember.candidate_id == Candidate.id)
        .where(PoolMember.pool_id == pool.id, Candidate.id == candidate_id, Candidate.company_id == pool.company_id)
    ).scalar()
    if member is None:
        raise NotFound("That candidate is not in this pool.")
    if isinstance(job_id, bool) or not isinstance(job_id, int) or not 1 <= job_id <= 2_147_483_647:
        check = Checker()
        check.add("job_id", "Pick one of your company's jobs.")
        check.raise_if_any()
    return applying.add_candidate(actor, job_id, candidate=member, source="sourced")


def jobs_to_apply_to(actor: User, limit: int = 200) -> list[tuple[int, str]]:
    """(id, title) of the company's jobs not closed, newest first: what a pool member can be put into."""
    from app.models import Job, JobStatus

    actor = _staff(actor)
    return [
        tuple(row)
        for row in db.session.execute(
            select(Job.id, Job.title)
            .where(Job.company_id == actor.company_id, Job.status != JobStatus.CLOSED)
            .order_by(Job.id.desc())
            .limit(limit)
        )
    ]
