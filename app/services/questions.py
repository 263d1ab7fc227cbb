"""Per-job application questions: editing them, checking answers, knockout flags.

Recruiters and admins edit a job's questions; hiring managers may read them.
Answers are checked by `validate_answers` before apply writes anything, and
stored by `record_answers` in apply's transaction, each with the knockout rule
it matched, if any. A knockout rule only flags an application for a person to
look at: nothing here ever rejects one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.models import Application, ApplicationAnswer, Job, JobQuestion, JobStatus, User
from app.models.questions import CHOICE_KINDS, QUESTION_KINDS, QuestionKind
from app.services.access import EDITORS, is_member, require_member, require_role
from app.services.resumes import DOCX, PDF
from app.services.validation import Checker

MAX_QUESTIONS = 50
LABEL_MAX = 300
HELP_MAX = 1000
MAX_OPTIONS = 50
OPTION_MAX = 200
SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 5000
NUMBER_LIMIT = 1e12
FLAG_MAX = 400

KIND_LABELS = {
    "short_text": "Short text",
    "long_text": "Long text",
    "yes_no": "Yes / no",
    "single_choice": "Single choice",
    "multiple_choice": "Multiple choice",
    "number": "Number",
    "date": "Date",
}
# The knockout rules each kind of question may carry.
KNOCKOUT_OPS: dict[str, tuple[str, ...]] = {
    "yes_no": ("is",),
    "single_choice": ("any_of",),
    "multiple_choice": ("any_of",),
    "number": ("below", "above"),
    "date": ("before", "after"),
}
SPEC_FIELDS = ("id", "kind", "label", "help_text", "required", "options", "knockout")


# -- Reading -------------------------------------------------------------------------------------


def questions_of(job_id: int) -> list[JobQuestion]:
    """A job's questions in form order (one statement; no access check: callers have one)."""
    return list(
        db.session.scalars(
            select(JobQuestion).where(JobQuestion.job_id == job_id).order_by(JobQuestion.position, JobQuestion.id)
        )
    )


def job_with_questions(job_id: int) -> tuple[Job | None, list[JobQuestion]]:
    """The job (with its company) and its questions in form order, in one statement.

    Kept on the job (`job.questions`) for the rest of the transaction, so a page
    that read them and the apply() it calls read them once.
    """
    known = db.session.identity_map.get(identity_key(Job, job_id))
    if known is not None and "questions" in known.__dict__:
        return known, known.questions
    rows = db.session.execute(
        select(Job, JobQuestion)
        .outerjoin(JobQuestion, JobQuestion.job_id == Job.id)
        .where(Job.id == job_id)
        .order_by(JobQuestion.position, JobQuestion.id)
    ).all()
    if not rows:
        return None, []
    job = rows[0][0]
    found = [question for _, question in rows if question is not None]
    set_committed_value(job, "questions", found)
    return job, found


def _forget(job: Job) -> None:
    """The questions kept on the job changed: read them again next time."""
    db.session.expire(job, ["questions"])


def list_questions(actor: User, job_id: int) -> list[JobQuestion]:
    """The questions with their knockout rules: the company's staff only (others: not found)."""
    job = _staff_job(actor, job_id)
    return questions_of(job.id)


@dataclass(frozen=True)
class FormField:
    """A field every application form has, besides the job's own questions."""

    name: str
    kind: str
    label: str
    required: bool
    max_length: int | None = None
    accept: tuple[str, ...] = ()


# Every application form's own fields, as the public form description lists them.
FORM_FIELDS = (
    FormField("full_name", "short_text", "Full name", True, 200),
    FormField("email", "email", "Email", True, 254),
    FormField("phone", "phone", "Phone", False, 50),
    FormField("resume", "file", "Resume", True, accept=(PDF, DOCX)),
    FormField("cover_letter", "long_text", "Cover letter", False, 10000),
    FormField("consent", "consent", "I agree that the company keeps my application to consider it", True),
)


@dataclass(frozen=True)
class PublicForm:
    job: Job
    fields: tuple[FormField, ...]
    questions: list[JobQuestion]


def public_form(viewer: User | None, job_id: int) -> PublicForm:
    """An open job's application form: its fields and questions, without the knockout rules.

    Drafts and closed jobs only for their company's staff, as the job itself.
    """
    job, questions = job_with_questions(job_id)
    if job is None or (job.status != JobStatus.OPEN and not is_member(viewer, job.company_id)):
        raise NotFound("That job was not found.")
    return PublicForm(job=job, fields=FORM_FIELDS, questions=questions)


# -- Editing -------------------------------------------------------------------------------------


def _staff_job(actor: User, job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None:
        raise NotFound("That job was not found.")
    require_member(actor, job.company_id, what="That job")
    return job


def _editable_job(actor: User, job_id: int) -> Job:
    """The job, locked for this transaction, if the actor may edit its questions."""
    job = _staff_job(actor, job_id)
    require_role(actor, *EDITORS, action="change a job's questions")
    # Two editors at once: the second waits, so the limit and the order stay whole (PostgreSQL).
    db.session.execute(select(Job.id).where(Job.id == job.id).with_for_update())
    _forget(job)
    return job


def replace_questions(actor: User, job_id: int, specs: Any) -> list[JobQuestion]:
    """Make the job's questions exactly `specs`, in that order.

    An item with an `id` changes that question; one without adds a question;
    a question not listed is deleted (answers already given keep their copy).
    """
    job = _editable_job(actor, job_id)
    check = Checker()
    if not isinstance(specs, list):
        check.add("questions", "Must be a list.")
        check.raise_if_any()
    if len(specs) > MAX_QUESTIONS:
        check.add("questions", f"At most {MAX_QUESTIONS} questions per job.")
        check.raise_if_any()
    current = {question.id: question for question in questions_of(job.id)}
    cleaned: list[tuple[JobQuestion | None, dict]] = []
    seen: set[int] = set()
    for index, spec in enumerate(specs):
        prefix = f"questions.{index}."
        clean = _clean_question(check, spec, prefix=prefix)
        existing = None
        question_id = spec.get("id") if isinstance(spec, dict) else None
        if question_id is not None:
            known = isinstance(question_id, int) and not isinstance(question_id, bool)
            existing = current.get(question_id) if known else None
            if existing is None:
                check.add(prefix + "id", "Not a question of this job.")
            elif question_id in seen:
                check.add(prefix + "id", "Listed twice.")
            seen.add(question_id)
        cleaned.append((existing, clean))
    check.raise_if_any()
    for question_id, question in current.items():
        if question_id not in seen:
            db.session.delete(question)
    result = []
    for position, (existing, clean) in enumerate(cleaned):
        question = existing or JobQuestion(job_id=job.id, company_id=job.company_id)
        _assign(question, clean, position)
        db.session.add(question)
        result.append(question)
    db.session.flush()
    return result


def add_question(actor: User, job_id: int, spec: Mapping) -> JobQuestion:
    """A new question at the end of the job's form."""
    job = _editable_job(actor, job_id)
    check = Checker()
    clean = _clean_question(check, spec)
    check.raise_if_any()
    current = questions_of(job.id)
    if len(current) >= MAX_QUESTIONS:
        raise ValidationFailed(
            f"A job has at most {MAX_QUESTIONS} questions.", errors={"questions": [f"At most {MAX_QUESTIONS}."]}
        )
    question = JobQuestion(job_id=job.id, company_id=job.company_id)
    _assign(question, clean, (current[-1].position + 1) if current else 0)
    db.session.add(question)
    db.session.flush()
    return question


def get_question(actor: User, job_id: int, question_id: int) -> JobQuestion:
    """One question of a job, for the company's staff."""
    job = _staff_job(actor, job_id)
    question = db.session.get(JobQuestion, question_id)
    if question is None or question.job_id != job.id:
        raise NotFound("That question was not found.")
    return question


def update_question(actor: User, job_id: int, question_id: int, spec: Mapping) -> JobQuestion:
    _editable_job(actor, job_id)
    question = get_question(actor, job_id, question_id)
    check = Checker()
    clean = _clean_question(check, spec)
    check.raise_if_any()
    _assign(question, clean, question.position)
    db.session.flush()
    return question


def delete_question(actor: User, job_id: int, question_id: int) -> None:
    """Answers already given keep their copy of the question."""
    _editable_job(actor, job_id)
    db.session.delete(get_question(actor, job_id, question_id))
    db.session.flush()


def move_question(actor: User, job_id: int, question_id: int, offset: int) -> JobQuestion:
    """Move a question up (offset < 0) or down the form, by one place."""
    job = _editable_job(actor, job_id)
    current = questions_of(job.id)
    index = next((i for i, question in enumerate(current) if question.id == question_id), None)
    if index is None:
        raise NotFound("That question was not found.")
    target = min(max(index + (1 if offset > 0 else -1), 0), len(current) - 1)
    current.insert(target, current.pop(index))
    for position, question in enumerate(current):
        if question.position != position:
            question.position = position
    db.session.flush()
    return current[target]


def _assign(question: JobQuestion, clean: dict, position: int) -> None:
    for key, value in clean.items():
        if getattr(question, key, None) != value:
            setattr(question, key, value)
    if question.position != position:
        question.position = position


def _clean_question(check: Checker, spec: Any, *, prefix: str = "") -> dict:
    """A question's fields as stored, or errors under `prefix` + field name."""
    if not isinstance(spec, Mapping):
        check.add(prefix.rstrip(".") or "question", "Must be an object.")
        return {}
    for name in sorted(set(spec) - set(SPEC_FIELDS)):
        check.add(prefix + str(name), "Unknown field.")
    kind = check.choice(prefix + "kind", spec.get("kind"), QUESTION_KINDS, required=True)
    label = check.line(prefix + "label", spec.get("label"), required=True, max_len=LABEL_MAX)
    help_text = check.text(prefix + "help_text", spec.get("help_text"), max_len=HELP_MAX) or ""
    required = spec.get("required", False)
    if not isinstance(required, bool):
        check.add(prefix + "required", "Must be true or false.")
        required = False
    options = _clean_options(check, prefix, kind, spec.get("options"))
    knockout = _clean_knockout(check, prefix, kind, options, spec.get("knockout"))
    return {
        "kind": kind,
        "label": label,
        "help_text": help_text,
        "required": required,
        "options": options,
        "knockout": knockout,
    }


def _clean_options(check: Checker, prefix: str, kind: str | None, options: Any) -> list[str]:
    field = prefix + "options"
    if kind not in CHOICE_KINDS:
        if options:
            check.add(field, "Only choice questions have options.")
        return []
    if not isinstance(options, list) or not options:
        check.add(field, "List at least one option.")
        return []
    if len(options) > MAX_OPTIONS:
        check.add(field, f"At most {MAX_OPTIONS} options.")
        return []
    clean: list[str] = []
    for option in options:
        if not isinstance(option, str) or not option.strip():
            check.add(field, "Each option needs some text.")
            return []
        text = option.strip()
        if len(text) > OPTION_MAX:
            check.add(field, f"Each option is at most {OPTION_MAX} characters.")
            return []
        if "\r" in text or "\n" in text or "\x00" in text:
            check.add(field, "Each option is one line of text.")
            return []
        if text in clean:
            check.add(field, f"“{text}” is listed twice.")
            return []
        clean.append(text)
    return clean


def _clean_knockout(check: Checker, prefix: str, kind: str | None, options: list[str], rule: Any) -> dict | None:
    field = prefix + "knockout"
    if rule is None or kind is None:
        return None
    ops = KNOCKOUT_OPS.get(kind)
    if not ops:
        check.add(field, "Text questions have no knockout rule.")
        return None
    if not isinstance(rule, Mapping) or set(rule) != {"op", "value"}:
        check.add(field, 'Must be {"op": ..., "value": ...}.')
        return None
    op, value = rule["op"], rule["value"]
    if op not in ops:
        check.add(field, f"For this kind of question the rule is one of: {', '.join(ops)}.")
        return None
    if kind == QuestionKind.YES_NO:
        if not isinstance(value, bool):
            check.add(field, "The value is true (yes) or false (no).")
            return None
    elif kind in CHOICE_KINDS:
        if not isinstance(value, list) or not value or any(item not in options for item in value):
            check.add(field, "The value lists one or more of the question's options.")
            return None
        value = [option for option in options if option in value]
    elif kind == QuestionKind.NUMBER:
        if not _is_number(value):
            check.add(field, "The value is a number.")
            return None
    elif kind == QuestionKind.DATE and _parse_date(value) is None:
        check.add(field, "The value is a date, YYYY-MM-DD.")
        return None
    return {"op": op, "value": value}


# -- Knockout rules ------------------------------------------------------------------------------


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def rule_text(kind: str, knockout: Mapping | None) -> str:
    """The rule as people read it: "Answer is No", "Answer is below 2"."""
    if not knockout:
        return ""
    op, value = knockout["op"], knockout["value"]
    if op == "is":
        return f"Answer is {_show(value)}"
    if op == "any_of":
        if kind == QuestionKind.MULTIPLE_CHOICE:
            return f"Chose {'any of: ' if len(value) > 1 else ''}{_show(value)}"
        return f"Answer is {'one of: ' if len(value) > 1 else ''}{_show(value)}"
    return f"Answer is {op} {_show(value)}"


def knockout_match(kind: str, knockout: Mapping | None, value: Any) -> str | None:
    """The rule's text when `value` (a clean answer) matches it, else None."""
    if not knockout or value is None:
        return None
    op, target = knockout["op"], knockout["value"]
    if op == "is":
        matched = value is target
    elif op == "any_of":
        chosen = value if isinstance(value, list) else [value]
        matched = any(item in target for item in chosen)
    elif op == "below":
        matched = value < target
    elif op == "above":
        matched = value > target
    elif op == "before":
        matched = _parse_date(value) < _parse_date(target)
    elif op == "after":
        matched = _parse_date(value) > _parse_date(target)
    else:
        matched = False
    if not matched:
        return None
    text = rule_text(kind, knockout)
    return text if len(text) <= FLAG_MAX else text[: FLAG_MAX - 1] + "…"


# -- Answers -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CleanAnswer:
    question: JobQuestion
    value: Any


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and abs(value) <= NUMBER_LIMIT  # before isfinite(): a huge int does not fit a float
        and math.isfinite(value)
    )


def _parse_date(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def validate_answers(job: Job, raw_answers: Any, *, questions: list[JobQuestion] | None = None) -> list[CleanAnswer]:
    """The answers to the job's questions, cleaned, in form order; or every problem at once.

    `raw_answers` maps question ids (as JSON object keys or ints) to JSON values.
    Errors are keyed `answers.<question_id>`. Unanswered optional questions are
    left out. `questions` may be passed when already loaded with the job.
    """
    if questions is None:
        questions = questions_of(job.id)
    check = Checker()
    if raw_answers is None:
        raw_answers = {}
    if not isinstance(raw_answers, Mapping):
        check.add("answers", "Must be an object of question ids to answers.")
        check.raise_if_any()
    by_id = {str(question.id): question for question in questions}
    given: dict[str, Any] = {}
    for key, value in raw_answers.items():
        name = str(key)
        if name not in by_id:
            check.add(f"answers.{name}"[:120], "Not a question of this job.")
        else:
            given[name] = value
    cleaned: list[CleanAnswer] = []
    for name, question in by_id.items():
        field = f"answers.{name}"
        value = given.get(name)
        if _empty(value):
            if question.required:
                check.add(field, "This question is required.")
            continue
        clean = _clean_value(check, field, question, value)
        if field not in check.errors:
            cleaned.append(CleanAnswer(question=question, value=clean))
    check.raise_if_any("Some answers are not valid.")
    return cleaned


def _clean_value(check: Checker, field: str, question: JobQuestion, value: Any) -> Any:
    kind = question.kind
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        if kind == QuestionKind.SHORT_TEXT:
            return check.line(field, value, max_len=SHORT_TEXT_MAX)
        return check.text(field, value, max_len=LONG_TEXT_MAX)
    if kind == QuestionKind.YES_NO:
        if not isinstance(value, bool):
            check.add(field, "Answer yes or no.")
        return value
    if kind == QuestionKind.NUMBER:
        if not _is_number(value):
            check.add(field, "Must be a number." if not isinstance(value, int | float) else "That number is too large.")
        return value
    if kind == QuestionKind.DATE:
        if _parse_date(value) is None:
            check.add(field, "Must be a date (YYYY-MM-DD).")
        return value
    if kind == QuestionKind.SINGLE_CHOICE:
        if value not in question.options:
            check.add(field, "Choose one of the options.")
        return value
    # Multiple choice: distinct options, kept in the question's order.
    if not isinstance(value, list) or any(not isinstance(item, str) for item in value):
        check.add(field, "Must be a list of options.")
        return value
    if any(item not in question.options for item in value):
        check.add(field, "Choose only from the options.")
    elif len(set(value)) != len(value):
        check.add(field, "Choose each option once.")
    return [option for option in question.options if option in value]


def record_answers(application: Application, cleaned: Iterable[CleanAnswer]) -> list[ApplicationAnswer]:
    """Store the answers (one INSERT), each with the knockout rule it matched; never reject.

    The rows are also set as `application.answers`, so what follows in the
    request (the confirmation email, the API's answer) reads no more.
    """
    rows = [
        {
            "application_id": application.id,
            "question_id": answer.question.id,
            "job_id": application.job_id,
            "company_id": application.company_id,
            "position": position,
            "label": answer.question.label,
            "kind": answer.question.kind,
            "value": answer.value,
            "flag": knockout_match(answer.question.kind, answer.question.knockout, answer.value),
        }
        for position, answer in enumerate(cleaned)
    ]
    # render_nulls: rows with and without a flag share one INSERT instead of one batch each.
    stmt = insert(ApplicationAnswer).returning(ApplicationAnswer).execution_options(render_nulls=True)
    answers = list(db.session.scalars(stmt, rows)) if rows else []
    answers.sort(key=lambda answer: answer.position)
    set_committed_value(application, "answers", answers)
    return answers


def answers_of(actor: User | None, application: Application) -> list[ApplicationAnswer]:
    """The answers, oldest question first, for whoever may see the application.

    Read once per application and request; callers check who sees the flags
    (`sees_flags`): never the candidate.
    """
    if "answers" in application.__dict__:
        return application.answers
    answers = list(
        db.session.scalars(
            select(ApplicationAnswer)
            .where(ApplicationAnswer.application_id == application.id)
            .order_by(ApplicationAnswer.position)
        )
    )
    set_committed_value(application, "answers", answers)
    return answers


def sees_flags(actor: User | None, application: Application) -> bool:
    """Knockout flags are for the company's staff only."""
    return is_member(actor, application.company_id)


def flags_by_application(
    actor: User, company_id: int, application_ids: list[int]
) -> dict[int, list[ApplicationAnswer]]:
    """The flagged answers of these applications, by application (one statement for a whole board)."""
    require_member(actor, company_id, what="That job")
    if not application_ids:
        return {}
    flags: dict[int, list[ApplicationAnswer]] = {}
    rows = db.session.scalars(
        select(ApplicationAnswer)
        .where(
            ApplicationAnswer.company_id == company_id,
            ApplicationAnswer.application_id.in_(application_ids),
            ApplicationAnswer.flag.is_not(None),
        )
        .order_by(ApplicationAnswer.application_id, ApplicationAnswer.position)
    )
    for row in rows:
        flags.setdefault(row.application_id, []).append(row)
    return flags


def flagged_ids(*, job_id: int | None = None, company_id: int | None = None):
    """A subquery of the ids of flagged applications of a job or a company (for `Application.id.in_`)."""
    stmt = select(ApplicationAnswer.application_id).where(ApplicationAnswer.flag.is_not(None))
    if job_id is not None:
        stmt = stmt.where(ApplicationAnswer.job_id == job_id)
    if company_id is not None:
        stmt = stmt.where(ApplicationAnswer.company_id == company_id)
    return stmt


def flagged_counts(job_id: int) -> dict[str, int]:
    """How many flagged applications of a job stand in each stage."""
    rows = db.session.execute(
        select(Application.stage, func.count())
        .where(Application.job_id == job_id, Application.id.in_(flagged_ids(job_id=job_id)))
        .group_by(Application.stage)
    )
    return {stage: count for stage, count in rows}


def display_value(value: Any) -> str:
    """An answer as text: Yes/No, options joined by commas, numbers and dates as given."""
    if value is None:
        return ""
    return _show(value)
