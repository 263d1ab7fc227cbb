"""Interview feedback across many applications: the board cards' counts and a job's comparison.

The same visibility rule as app/services/feedback.py: an interviewer who still owes feedback on an
application sees how many are in, never what they say, until they have given theirs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Integer, and_, func, literal, select, type_coerce, union_all

from app.extensions import db
from app.models import Application, Candidate, Interview, InterviewFeedback, InterviewInterviewer, InterviewStatus, User
from app.models.feedback import RECOMMENDATIONS
from app.services import reports
from app.services.access import EDITORS, require_user
from app.services.pagination import Page, clamp_limit, decode_cursor, encode_cursor

COMPARISON_PAGE = 50  # candidates per page of a job's comparison


# --- The board ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardFeedback:
    submitted: int
    recommendations: dict[str, int] | None  # None: the caller owes feedback here first
    pending_own: bool


def for_cards(actor: User, application_ids: list[int]) -> dict[int, CardFeedback]:
    """Per card of a board page: feedback in, the spread, and whether the caller owes theirs. ONE statement."""
    if not application_ids:
        return {}
    f = InterviewFeedback
    spread = (
        select(f.application_id, f.recommendation, type_coerce(func.count(), Integer))
        .join(Interview, Interview.id == f.interview_id)
        .where(f.application_id.in_(application_ids), Interview.status == InterviewStatus.SCHEDULED.value)
        .group_by(f.application_id, f.recommendation)
    )
    owed = (
        select(Interview.application_id, literal("owed"), type_coerce(func.count(), Integer))
        .join(InterviewInterviewer, InterviewInterviewer.interview_id == Interview.id)
        .outerjoin(f, and_(f.interview_id == Interview.id, f.interviewer_id == InterviewInterviewer.user_id))
        .where(
            Interview.application_id.in_(application_ids),
            Interview.status == InterviewStatus.SCHEDULED.value,
            InterviewInterviewer.user_id == actor.id,
            f.id.is_(None),
        )
        .group_by(Interview.application_id)
    )
    counts: dict[int, dict[str, int]] = {}
    for application_id, key, count in db.session.execute(union_all(spread, owed)):
        counts.setdefault(application_id, {})[key] = count
    out = {}
    for application_id, found in counts.items():
        pending = bool(found.pop("owed", 0))
        submitted = sum(found.values())
        hidden = pending and actor.role not in EDITORS
        if submitted or pending:
            out[application_id] = CardFeedback(submitted, None if hidden else _ordered(found), pending)
    return out


def _ordered(found: dict[str, int]) -> dict[str, int]:
    return {key: found[key] for key in RECOMMENDATIONS if found.get(key)}


# --- A job's comparison -------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateScores:
    application_id: int
    name: str
    stage: str
    feedback: int
    recommendations: dict[str, int] | None  # None: hidden until the caller gives their own
    averages: dict[str, float | None] | None


@dataclass(frozen=True)
class Comparison:
    job_id: int
    job_title: str
    attributes: list[str]
    candidates: Page[CandidateScores]


def job_comparison(actor: User, job_id: int, *, limit: int | None = None, cursor: str | None = None) -> Comparison:
    """The job's candidates with feedback, newest application first, side by side on the same attributes.

    Keyset-paged on the application id; three statements whatever the page (the job, the page of
    candidates, their feedback) and one more for staff outside recruiting (what they still owe).
    """
    actor = require_user(actor)
    job = reports.company_job(actor, job_id)
    size = clamp_limit(limit) if limit is not None else COMPARISON_PAGE
    after = decode_cursor(cursor)
    f = InterviewFeedback
    has_feedback = select(f.id).where(f.job_id == job.id, f.application_id == Application.id).exists()
    stmt = (
        select(Application.id, Candidate.full_name, Application.stage)
        .join(Candidate, Candidate.id == Application.candidate_id)
        .where(Application.job_id == job.id, Application.company_id == job.company_id, has_feedback)
    )
    if after is not None:
        stmt = stmt.where(Application.id < after)
    page = db.session.execute(stmt.order_by(Application.id.desc()).limit(size + 1)).all()
    next_cursor = encode_cursor(page[size - 1][0]) if len(page) > size else None
    page = page[:size]
    ids = [row[0] for row in page]
    ratings: dict[int, list[tuple[dict, str]]] = {}
    if ids:
        found = db.session.execute(
            select(f.application_id, f.ratings, f.recommendation)
            .join(Interview, Interview.id == f.interview_id)
            .where(f.job_id == job.id, f.application_id.in_(ids), Interview.status == InterviewStatus.SCHEDULED.value)
            .order_by(f.id)
        )
        for application_id, given, recommendation in found:
            ratings.setdefault(application_id, []).append((given or {}, recommendation))
    hidden = _owed_on(actor, ids) if ids and actor.role not in EDITORS else set()
    attributes: list[str] = []
    for given_list in ratings.values():
        for given, _ in given_list:
            attributes += [key for key in given if key not in attributes]
    items = []
    for application_id, name, stage in page:
        given_list = ratings.get(application_id, [])
        if application_id in hidden:
            items.append(CandidateScores(application_id, name, stage, len(given_list), None, None))
            continue
        spread = Counter(recommendation for _, recommendation in given_list)
        averages = {}
        for key in attributes:
            values = [given[key] for given, _ in given_list if given.get(key) is not None]
            averages[key] = round(sum(values) / len(values), 2) if values else None
        items.append(
            CandidateScores(
                application_id, name, stage, len(given_list), {k: spread.get(k, 0) for k in RECOMMENDATIONS}, averages
            )
        )
    return Comparison(job.id, job.title, attributes, Page(items=items, next_cursor=next_cursor, limit=size))


def _owed_on(actor: User, application_ids: list[int]) -> set[int]:
    """The applications among these where the caller interviews and has not given all their feedback."""
    f = InterviewFeedback
    rows = db.session.scalars(
        select(Interview.application_id)
        .join(InterviewInterviewer, InterviewInterviewer.interview_id == Interview.id)
        .outerjoin(f, and_(f.interview_id == Interview.id, f.interviewer_id == actor.id))
        .where(
            Interview.application_id.in_(application_ids),
            Interview.status == InterviewStatus.SCHEDULED.value,
            InterviewInterviewer.user_id == actor.id,
            f.id.is_(None),
        )
        .distinct()
    )
    return set(rows)
