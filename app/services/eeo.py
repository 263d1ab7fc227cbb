"""Voluntary equal-opportunity data: the survey, its answers kept apart, and the aggregate report.

The answers are stored in `eeo_responses` with the application's id only. Nothing that shows a
candidate or an application reads that table: the only reader is `report`, which returns counts per
group (cells under SUPPRESS_BELOW hidden) to a company's admins and compliance staff.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.models import STAFF_ROLES, Application, ApplicationSummary, EeoQuestionSet, EeoResponse, Job, Role, User
from app.models.base import utcnow
from app.services import audit
from app.services.access import require_role, require_user

PREFER_NOT = "Prefer not to say"
DEFAULT_QUESTIONS: list[dict] = [
    {"key": "gender", "label": "Gender", "options": ["Woman", "Man", "Non-binary", "Another gender", PREFER_NOT]},
    {
        "key": "ethnicity",
        "label": "Ethnicity",
        "options": ["Asian", "Black", "Hispanic or Latino", "White", "Two or more", "Another ethnicity", PREFER_NOT],
    },
    {"key": "veteran", "label": "Veteran status", "options": ["Veteran", "Not a veteran", PREFER_NOT]},
    {"key": "disability", "label": "Disability status", "options": ["Yes", "No", PREFER_NOT]},
]
CATEGORIES = ("applied", "screening", "interview", "offer", "hired")
SUPPRESS_BELOW = 5
FOUR_FIFTHS = 0.8
MAX_QUESTIONS, MAX_OPTIONS = 10, 15
REPORT_ROLES = (Role.ADMIN, Role.COMPLIANCE)


def _company_user(actor: User | None) -> User:
    """Any staff member of a company (reviewers and compliance); others: not found."""
    actor = require_user(actor)
    if actor.company_id is None or actor.role not in STAFF_ROLES:
        raise NotFound("That page was not found.")
    return actor


# --- the questions -----------------------------------------------------------------------------


def questions_for(company_id: int) -> list[dict]:
    row = db.session.get(EeoQuestionSet, company_id)
    return row.questions if row is not None else DEFAULT_QUESTIONS


def get_questions(actor: User) -> list[dict]:
    actor = _company_user(actor)
    require_role(actor, *REPORT_ROLES, action="see the equal-opportunity questions")
    return questions_for(actor.company_id)


def _clean(questions) -> list[dict]:
    errors: dict[str, list[str]] = {}
    if not isinstance(questions, list) or not 1 <= len(questions) <= MAX_QUESTIONS:
        raise ValidationFailed("Some fields are not valid.", errors={"questions": [f"Between 1 and {MAX_QUESTIONS}."]})
    cleaned, keys = [], set()
    for i, question in enumerate(questions):
        where = f"questions.{i}"
        if not isinstance(question, dict):
            errors[where] = ["Must be an object with key, label and options."]
            continue
        key, label, options = question.get("key"), question.get("label"), question.get("options")
        if set(question) - {"key", "label", "options"}:
            errors[where] = ["Unknown field."]
        if not isinstance(key, str) or not key.strip() or len(key) > 40 or key.strip() in keys:
            errors[f"{where}.key"] = ["A short, unique key (at most 40 characters)."]
        if not isinstance(label, str) or not label.strip() or len(label) > 200:
            errors[f"{where}.label"] = ["Required, at most 200 characters."]
        if (
            not isinstance(options, list)
            or not 2 <= len(options) <= MAX_OPTIONS
            or not all(isinstance(o, str) and o.strip() and len(o) <= 100 for o in options)
            or len({o.strip() for o in options}) != len(options)
        ):
            errors[f"{where}.options"] = [f"Between 2 and {MAX_OPTIONS} different options, each up to 100 characters."]
        if f"{where}.key" in errors or f"{where}.label" in errors or f"{where}.options" in errors:
            continue
        options = [o.strip() for o in options]
        if PREFER_NOT not in options:
            options.append(PREFER_NOT)  # answering stays voluntary inside each question too
        keys.add(key.strip())
        cleaned.append({"key": key.strip(), "label": label.strip(), "options": options})
    if errors:
        raise ValidationFailed("Some questions are not valid.", errors=errors)
    return cleaned


def set_questions(actor: User, questions) -> list[dict]:
    """Admins replace the company's questions; "Prefer not to say" is added where it is missing."""
    actor = _company_user(actor)
    require_role(actor, Role.ADMIN, action="edit the equal-opportunity questions")
    cleaned = _clean(questions)
    row = db.session.get(EeoQuestionSet, actor.company_id)
    if row is None:
        row = EeoQuestionSet(company_id=actor.company_id)
        db.session.add(row)
    row.questions, row.updated_at = cleaned, utcnow()
    db.session.flush()
    audit.record("eeo.questions_changed", actor=actor, company_id=actor.company_id, object_type="company",
                 object_id=actor.company_id)  # fmt: skip
    return cleaned


# --- the survey --------------------------------------------------------------------------------


def answered(application: Application) -> bool:
    """Whether the survey was answered or skipped for this application (once only)."""
    found = select(EeoResponse.id).where(EeoResponse.application_id == application.id)
    return db.session.scalar(found) is not None


def submit(application: Application, answers: dict | None) -> EeoResponse:
    """Store the answers (None or {}: skipped). The caller has checked the person holds the application."""
    answers = answers or {}
    questions = {q["key"]: q["options"] for q in questions_for(application.company_id)}
    errors = {
        key: ["Not one of the options."]
        for key, value in answers.items()
        if key not in questions or value not in questions[key]
    }
    if errors:
        raise ValidationFailed("Some answers are not valid.", errors=errors)
    if answered(application):
        raise Conflict("The survey was already answered for this application.")
    response = EeoResponse(company_id=application.company_id, application_id=application.id, answers=dict(answers))
    try:
        with db.session.begin_nested():
            db.session.add(response)
            db.session.flush()
    except IntegrityError as error:
        raise Conflict("The survey was already answered for this application.") from error
    return response


# --- the report --------------------------------------------------------------------------------


@dataclass
class Group:
    answer: str
    counts: dict[str, int | None]  # None: under SUPPRESS_BELOW
    rates: dict[str, float | None] = field(default_factory=dict)  # reached / applied; None: relies on a hidden cell
    ratios: dict[str, float | None] = field(default_factory=dict)  # rate / the highest rate; None: not computable
    flagged: list[str] = field(default_factory=list)  # categories whose ratio is below FOUR_FIFTHS


@dataclass
class QuestionReport:
    key: str
    label: str
    groups: list[Group]


def _shown(count: int) -> int | None:
    return count if count >= SUPPRESS_BELOW else None


def _day(value, name: str, *, end: bool = False) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError as error:
            raise ValidationFailed("Some fields are not valid.", errors={name: ["A date: YYYY-MM-DD."]}) from error
    if not isinstance(value, date):
        raise ValidationFailed("Some fields are not valid.", errors={name: ["A date: YYYY-MM-DD."]})
    moment = datetime.combine(value, time.min, tzinfo=UTC)
    return moment + timedelta(days=1) if end else moment


def report(actor: User, *, job_id: int | None = None, date_from=None, date_to=None) -> list[QuestionReport]:
    """Per question and answer: how many applicants reached each stage category, rates and four-fifths ratios."""
    actor = _company_user(actor)
    require_role(actor, *REPORT_ROLES, action="see the equal-opportunity report")
    start, end = _day(date_from, "from"), _day(date_to, "to", end=True)
    rank = func.coalesce(ApplicationSummary.furthest_rank, 0)
    query = (
        select(EeoResponse.answers, rank)
        .join(Application, Application.id == EeoResponse.application_id)
        .outerjoin(ApplicationSummary, ApplicationSummary.application_id == EeoResponse.application_id)
        .where(EeoResponse.company_id == actor.company_id)
    )
    if job_id is not None:
        job = db.session.get(Job, job_id)
        if job is None or job.company_id != actor.company_id:
            raise NotFound("That job was not found.")
        query = query.where(Application.job_id == job_id)
    if start is not None:
        query = query.where(Application.created_at >= start)
    if end is not None:
        query = query.where(Application.created_at < end)
    rows = db.session.execute(query).all()
    return [_question(q, rows) for q in questions_for(actor.company_id)]


def _question(question: dict, rows) -> QuestionReport:
    raw: dict[str, list[int]] = {option: [0] * len(CATEGORIES) for option in question["options"]}
    for answers, rank in rows:
        value = (answers or {}).get(question["key"])
        if value not in raw:
            continue  # not answered, or an option since removed
        for i in range(max(rank, 0) + 1):
            raw[value][i] += 1
    groups = []
    for option, counts in raw.items():
        shown = {c: _shown(n) for c, n in zip(CATEGORIES, counts, strict=True)}
        group = Group(answer=option, counts=shown)
        for c in CATEGORIES[1:]:
            applied, reached = shown["applied"], shown[c]
            group.rates[c] = round(reached / applied, 4) if applied and reached is not None else None
        groups.append(group)
    # Compared: the groups with a shown number of applicants ("Prefer not to say" is no group). When one of
    # them has a hidden rate the highest rate is unknown, so that category's ratios are all left out.
    compared = [g for g in groups if g.answer != PREFER_NOT and g.counts["applied"] is not None]
    for c in CATEGORIES[1:]:
        rates = [g.rates[c] for g in compared]
        best = None if None in rates else max(rates, default=None)
        for g in groups:
            rate = g.rates[c]
            ratio = round(rate / best, 4) if g in compared and rate is not None and best else None
            g.ratios[c] = ratio
            if ratio is not None and ratio < FOUR_FIFTHS:
                g.flagged.append(c)
    return QuestionReport(key=question["key"], label=question["label"], groups=groups)


def report_as_dict(found: list[QuestionReport]) -> list[dict]:
    return [
        {
            "key": q.key,
            "label": q.label,
            "groups": [
                {
                    "answer": g.answer,
                    "counts": {c: (n if n is not None else f"<{SUPPRESS_BELOW}") for c, n in g.counts.items()},
                    "rates": g.rates,
                    "ratios": g.ratios,
                    "flagged": g.flagged,
                }
                for g in q.groups
            ],
        }
        for q in found
    ]


def job_choices(actor: User) -> list[tuple[int, str]]:
    """The company's jobs (id, title) for the report's filter: titles only, nothing about applicants."""
    actor = _company_user(actor)
    require_role(actor, *REPORT_ROLES, action="see the equal-opportunity report")
    query = select(Job.id, Job.title).where(Job.company_id == actor.company_id).order_by(Job.title, Job.id).limit(500)
    return [(row.id, row.title) for row in db.session.execute(query)]


def questions_as_text(questions: list[dict]) -> str:
    """One line per question for the admin page: `key | Label | option; option; ...`."""
    return "\n".join(f"{q['key']} | {q['label']} | {'; '.join(q['options'])}" for q in questions)


def questions_from_text(text: str) -> list[dict]:
    found, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3:
            errors.append(f"Line {number}: write `key | Label | option; option; ...`.")
            continue
        options = [o.strip() for o in parts[2].split(";") if o.strip()]
        found.append({"key": parts[0], "label": parts[1], "options": options})
    if errors:
        raise ValidationFailed("Some lines are not valid.", errors={"questions": errors})
    return found
