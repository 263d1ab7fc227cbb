"""Scorecards and structured feedback: interviewers rate an interview's scorecard and recommend.

Who writes: only an interviewer of the interview, once (then amends, each earlier version kept in
`InterviewFeedbackRevision`), never on a cancelled interview. Every attribute of the interview's
scorecard is rated 1..4 or marked "no opinion" (None); an attribute not on the scorecard is refused.

Who reads (decided once here, for both doors and every page): recruiters and admins see all the
feedback on an application at once. Anyone else on the staff (hiring managers) who interviews on the
application sees the others' feedback only once they have submitted their own for every interview of
that application they are on (not cancelled), so no one is swayed before writing; until then they see
their own and how many are in, never what the others wrote. A hiring manager who does not interview on
the application sees everything, like a recruiter: they make the hiring decision. Candidates never see
any of it. The timeline says who submitted feedback, never what it says.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import Integer, String, Text, and_, literal, null, select, type_coerce, union_all
from sqlalchemy.exc import IntegrityError

from app.errors import Conflict, Forbidden, NotFound
from app.extensions import db
from app.models import (
    Application,
    Candidate,
    Interview,
    InterviewFeedback,
    InterviewFeedbackRevision,
    InterviewInterviewer,
    InterviewStatus,
    User,
)
from app.models.base import UTCDateTime, utcnow
from app.models.feedback import RECOMMENDATIONS
from app.services import interviews
from app.services.access import EDITORS, require_user
from app.services.messages import staff_application
from app.services.validation import Checker

SCALE = (1, 2, 3, 4)
SCALE_LABELS = {1: "Strong no", 2: "No", 3: "Yes", 4: "Strong yes"}
RECOMMENDATION_LABELS = {"strong_no": "Strong no", "no": "No", "yes": "Yes", "strong_yes": "Strong yes"}
NOTES_MAX = 10_000


# --- Views --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackView:
    id: int
    interview_id: int
    interview_title: str
    interviewer_id: int
    interviewer_name: str
    application_id: int
    ratings: dict
    recommendation: str
    notes: str
    submitted_at: datetime
    updated_at: datetime
    version: int


@dataclass
class InterviewLine:
    """An interview of the application, its interviewers and who has submitted."""

    id: int
    title: str
    status: str
    starts_at: datetime | None
    scorecard: list
    interviewers: dict[int, str] = field(default_factory=dict)  # user id -> name
    submitted: set[int] = field(default_factory=set)

    @property
    def active(self) -> bool:
        return self.status == InterviewStatus.SCHEDULED

    @property
    def submitted_count(self) -> int:
        """Feedback in from its current interviewers."""
        return len(self.submitted & self.interviewers.keys())


@dataclass(frozen=True)
class AttributeAverage:
    key: str  # "<group>/<attribute>"
    average: float | None  # None: nobody rated it (all "no opinion")
    rated: int
    no_opinion: int


@dataclass(frozen=True)
class Summary:
    """An application's feedback at a glance; the spread and averages only for who may see them."""

    application_id: int
    interviews: list[InterviewLine]
    expected: int  # interviewers of the interviews not cancelled
    submitted: int  # their feedback in
    visible: bool  # the caller sees everyone's feedback
    pending_own: list[int]  # interviews the caller still owes feedback on
    recommendations: dict[str, int] | None
    averages: list[AttributeAverage] | None


@dataclass(frozen=True)
class ApplicationFeedback:
    summary: Summary
    feedback: list[FeedbackView]  # what the caller may read, own included
    own: list[FeedbackView]


@dataclass(frozen=True)
class Revision:
    version: int
    ratings: dict
    recommendation: str
    notes: str
    written_by_name: str | None
    written_at: datetime
    replaced_at: datetime


# --- Checking -----------------------------------------------------------------------------------


def attribute_keys(scorecard) -> list[str]:
    """ "<group>/<attribute>" of every attribute of a scorecard, in its order (malformed parts skipped)."""
    keys: list[str] = []
    for group in scorecard or []:
        if not isinstance(group, dict) or not isinstance(group.get("name"), str):
            continue
        for attribute in group.get("attributes") or []:
            if isinstance(attribute, str) and f"{group['name']}/{attribute}" not in keys:
                keys.append(f"{group['name']}/{attribute}")
    return keys


def groups_of(scorecard) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(group name, [(attribute, key)])] for forms and pages."""
    out = []
    for group in scorecard or []:
        if isinstance(group, dict) and isinstance(group.get("name"), str):
            attributes = [a for a in group.get("attributes") or [] if isinstance(a, str)]
            out.append((group["name"], [(a, f"{group['name']}/{a}") for a in attributes]))
    return out


def _is_rating(value) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool) and value in SCALE)


def check_feedback(scorecard, ratings, recommendation, notes) -> tuple[dict, str, str]:
    """(ratings in scorecard order, recommendation, notes), or ValidationFailed (422) naming each problem.

    Errors: `ratings` for unknown attributes or a wrong shape, `ratings.<group>/<attribute>` for a missing
    or out-of-range rating, `recommendation`, `notes`.
    """
    check = Checker()
    keys = attribute_keys(scorecard)
    clean: dict = {}
    if ratings is None:
        ratings = {}
    if not isinstance(ratings, dict):
        check.add("ratings", "Must be an object: each attribute to 1-4, or null for no opinion.")
        ratings = {}
    unknown = [str(k) for k in ratings if k not in keys]
    if unknown:
        check.add("ratings", f"Not on this interview's scorecard: {', '.join(sorted(unknown))[:500]}.")
    for key in keys:
        if key not in ratings:
            check.add(f"ratings.{key}", "Rate this attribute from 1 to 4, or choose no opinion.")
        elif not _is_rating(ratings[key]):
            check.add(f"ratings.{key}", "Must be 1, 2, 3 or 4, or null for no opinion.")
        else:
            clean[key] = ratings[key]
    recommendation = check.choice("recommendation", recommendation or None, RECOMMENDATIONS, required=True)
    notes = check.text("notes", notes if notes is not None else "", max_len=NOTES_MAX)
    check.raise_if_any("The feedback is not complete.")
    return clean, recommendation or "", notes or ""


# --- Writing ------------------------------------------------------------------------------------


def _writable_interview(actor: User, interview_id: int) -> Interview:
    """The interview, for one of its interviewers, not cancelled (404 other company, 403 not on it, 409)."""
    actor = require_user(actor)
    interview = interviews.get_interview(actor, interview_id)
    if not interviews.is_interviewer(actor, interview):
        raise Forbidden("Only the interviewers of this interview can give feedback on it.")
    if interview.status == InterviewStatus.CANCELLED:
        raise Conflict("This interview was cancelled: it takes no feedback.")
    return interview


def _view(feedback: InterviewFeedback, interview: Interview, actor: User) -> FeedbackView:
    return FeedbackView(
        id=feedback.id,
        interview_id=interview.id,
        interview_title=interview.title,
        interviewer_id=actor.id,
        interviewer_name=actor.full_name,
        application_id=feedback.application_id,
        ratings=dict(feedback.ratings or {}),
        recommendation=feedback.recommendation,
        notes=feedback.notes,
        submitted_at=feedback.submitted_at,
        updated_at=feedback.updated_at,
        version=feedback.version,
    )


def submit(actor: User, interview_id: int, *, ratings=None, recommendation=None, notes=None) -> FeedbackView:
    """The caller's feedback on the interview; 409 when they have already given it (amend it instead)."""
    interview = _writable_interview(actor, interview_id)
    row = db.session.execute(
        select(Application.job_id, InterviewFeedback.id)
        .outerjoin(
            InterviewFeedback,
            and_(InterviewFeedback.interview_id == interview.id, InterviewFeedback.interviewer_id == actor.id),
        )
        .where(Application.id == interview.application_id)
    ).one()
    if row[1] is not None:
        raise Conflict("You have already given feedback on this interview: amend it instead.")
    clean, recommendation, notes = check_feedback(interview.scorecard, ratings, recommendation, notes)
    now = utcnow()
    feedback = InterviewFeedback(
        company_id=interview.company_id,
        interview_id=interview.id,
        interviewer_id=actor.id,
        application_id=interview.application_id,
        job_id=row[0],
        ratings=clean,
        recommendation=recommendation,
        notes=notes,
        submitted_at=now,
        updated_at=now,
        version=1,
    )
    db.session.add(feedback)
    try:
        db.session.flush()
    except IntegrityError:  # given at the same moment in another request
        raise Conflict("You have already given feedback on this interview: amend it instead.") from None
    return _view(feedback, interview, actor)


def _own(actor: User, interview: Interview, *, lock: bool = False) -> InterviewFeedback | None:
    stmt = select(InterviewFeedback).where(
        InterviewFeedback.interview_id == interview.id, InterviewFeedback.interviewer_id == actor.id
    )
    return db.session.scalars(stmt.with_for_update() if lock else stmt).first()


def amend(
    actor: User, interview_id: int, *, ratings=None, recommendation=None, notes=None, version: int | None = None
) -> FeedbackView:
    """Change one's own feedback; the version replaced is kept whole. `version`: the one being amended (409)."""
    interview = _writable_interview(actor, interview_id)
    feedback = _own(actor, interview, lock=True)
    if feedback is None:
        raise NotFound("You have not given feedback on this interview yet.")
    if version is not None and version != feedback.version:
        raise Conflict(
            "This feedback was changed since you opened it; reload and amend it again.",
            current_version=feedback.version,
        )
    clean, recommendation, notes = check_feedback(interview.scorecard, ratings, recommendation, notes)
    now = utcnow()
    db.session.add(
        InterviewFeedbackRevision(
            feedback_id=feedback.id,
            company_id=feedback.company_id,
            version=feedback.version,
            ratings=feedback.ratings,
            recommendation=feedback.recommendation,
            notes=feedback.notes,
            written_by_id=feedback.interviewer_id,
            written_at=feedback.updated_at,
            replaced_at=now,
        )
    )
    feedback.ratings, feedback.recommendation, feedback.notes = clean, recommendation, notes
    feedback.updated_at = now
    feedback.version += 1
    db.session.flush()
    return _view(feedback, interview, actor)


# --- Reading one application --------------------------------------------------------------------


def _application_rows(application_id: int):
    """The application's interviews with their interviewers, and its feedback: ONE statement (UNION ALL)."""
    f = InterviewFeedback
    interviews_part = (
        select(
            literal("i").label("part"),
            Interview.id.label("interview_id"),
            InterviewInterviewer.user_id.label("user_id"),
            User.full_name.label("name"),
            Interview.title.label("title"),
            Interview.status.label("status"),
            Interview.starts_at.label("starts_at"),
            Interview.scorecard.label("data"),
            type_coerce(null(), String).label("recommendation"),
            type_coerce(null(), Text).label("notes"),
            type_coerce(null(), UTCDateTime).label("submitted_at"),
            type_coerce(null(), UTCDateTime).label("updated_at"),
            type_coerce(null(), Integer).label("version"),
            type_coerce(null(), Integer).label("feedback_id"),
        )
        .select_from(Interview)
        .outerjoin(InterviewInterviewer, InterviewInterviewer.interview_id == Interview.id)
        .outerjoin(User, User.id == InterviewInterviewer.user_id)
        .where(Interview.application_id == application_id)
    )
    feedback_part = (
        select(
            literal("f"), f.interview_id, f.interviewer_id, User.full_name, null(), null(), null(), f.ratings,
            f.recommendation, f.notes, f.submitted_at, f.updated_at, f.version, f.id,
        )
        .join(User, User.id == f.interviewer_id)
        .where(f.application_id == application_id)
    )  # fmt: skip
    return db.session.execute(union_all(interviews_part, feedback_part)).all()


def application_rows(application_id: int):
    """`_application_rows`, read once per request: the application page's timeline and its feedback panel
    both need them (the page stays within its statement budget). Outside a request: read each time."""
    holder = request._get_current_object() if has_request_context() else None
    cache = getattr(holder, "_feedback_rows", None)
    if cache is not None and application_id in cache:
        return cache[application_id]
    rows = _application_rows(application_id)
    if holder is not None:
        holder._feedback_rows = {**(cache or {}), application_id: rows}
    return rows


def given(application_id: int) -> list[tuple[int, datetime, str, str]]:
    """(feedback id, submitted at, interviewer name, interview title) of the application's feedback, for its
    timeline; never what the feedback says."""
    rows = application_rows(application_id)
    titles = {row.interview_id: row.title for row in rows if row.part == "i"}
    return [
        (row.feedback_id, row.submitted_at, row.name, titles.get(row.interview_id, ""))
        for row in rows
        if row.part == "f"
    ]


def _assemble(actor: User, application_id: int, rows) -> ApplicationFeedback:
    lines: dict[int, InterviewLine] = {}
    feedback_rows = []
    for row in rows:
        if row.part == "i":
            line = lines.setdefault(
                row.interview_id, InterviewLine(row.interview_id, row.title, row.status, row.starts_at, row.data or [])
            )
            if row.user_id is not None:
                line.interviewers[row.user_id] = row.name
        else:
            feedback_rows.append(row)
    ordered = sorted(lines.values(), key=lambda i: (i.starts_at, i.id))
    views = []
    for row in sorted(feedback_rows, key=lambda r: (r.submitted_at, r.feedback_id)):
        line = lines.get(row.interview_id)
        if line is not None:
            line.submitted.add(row.user_id)
        views.append(
            FeedbackView(
                id=row.feedback_id,
                interview_id=row.interview_id,
                interview_title=line.title if line else "",
                interviewer_id=row.user_id,
                interviewer_name=row.name,
                application_id=application_id,
                ratings=dict(row.data or {}),
                recommendation=row.recommendation,
                notes=row.notes or "",
                submitted_at=row.submitted_at,
                updated_at=row.updated_at,
                version=row.version,
            )
        )
    active = [line for line in ordered if line.active]
    pending_own = [line.id for line in active if actor.id in line.interviewers and actor.id not in line.submitted]
    visible = actor.role in EDITORS or not pending_own
    own = [view for view in views if view.interviewer_id == actor.id]
    shown = views if visible else own
    counted = [view for view in views if view.interview_id in {line.id for line in active}]
    summary = Summary(
        application_id=application_id,
        interviews=ordered,
        expected=sum(len(line.interviewers) for line in active),
        submitted=sum(1 for view in counted if view.interviewer_id in lines[view.interview_id].interviewers),
        visible=visible,
        pending_own=pending_own,
        recommendations=_spread(counted) if visible else None,
        averages=_averages(counted, [line.scorecard for line in active]) if visible else None,
    )
    return ApplicationFeedback(summary=summary, feedback=shown, own=own)


def _spread(views) -> dict[str, int]:
    counts = Counter(view.recommendation for view in views)
    return {key: counts.get(key, 0) for key in RECOMMENDATIONS}


def _averages(views, scorecards) -> list[AttributeAverage]:
    """Mean rating per attribute, attributes in scorecard order (then any only found in feedback)."""
    keys: list[str] = []
    for scorecard in scorecards:
        keys += [key for key in attribute_keys(scorecard) if key not in keys]
    values: dict[str, list[int]] = {}
    blanks: Counter = Counter()
    for view in views:
        for key, value in view.ratings.items():
            if key not in keys:
                keys.append(key)
            if value is None:
                blanks[key] += 1
            else:
                values.setdefault(key, []).append(value)
    return [
        AttributeAverage(
            key,
            round(sum(values[key]) / len(values[key]), 2) if values.get(key) else None,
            len(values.get(key, [])),
            blanks[key],
        )
        for key in keys
    ]


def for_application_of(actor: User, application: Application) -> ApplicationFeedback:
    """The summary and the feedback the caller may read (the caller has opened the application): one statement."""
    return _assemble(actor, application.id, application_rows(application.id))


def for_application(actor: User, application_id: int) -> ApplicationFeedback:
    """The company's staff; anyone else: not found."""
    application = staff_application(actor, application_id)
    return for_application_of(actor, application)


def for_interview(actor: User, interview_id: int) -> tuple[Interview, ApplicationFeedback]:
    """The interview and its application's feedback (the caller filters to the interview)."""
    actor = require_user(actor)
    interview = interviews.get_interview(actor, interview_id)
    return interview, _assemble(actor, interview.application_id, application_rows(interview.application_id))


def own_on(actor: User, interview: Interview) -> InterviewFeedback | None:
    return _own(actor, interview)


def history(feedback: InterviewFeedback) -> list[Revision]:
    """The earlier versions of a feedback, newest first (the caller has checked it is theirs)."""
    writer = User
    rows = db.session.execute(
        select(InterviewFeedbackRevision, writer.full_name)
        .outerjoin(writer, writer.id == InterviewFeedbackRevision.written_by_id)
        .where(InterviewFeedbackRevision.feedback_id == feedback.id)
        .order_by(InterviewFeedbackRevision.version.desc())
    ).all()
    return [
        Revision(r.version, dict(r.ratings or {}), r.recommendation, r.notes, name, r.written_at, r.replaced_at)
        for r, name in rows
    ]


def application_title(application_id: int) -> tuple[str, int]:
    """(candidate name, job id) of an application, for headings: one SELECT."""
    row = db.session.execute(
        select(Candidate.full_name, Application.job_id)
        .join(Candidate, Candidate.id == Application.candidate_id)
        .where(Application.id == application_id)
    ).one()
    return row[0], row[1]
