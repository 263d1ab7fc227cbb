"""Building resume texts and candidate search documents (run by the worker, committed by the caller)."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import and_, exists, or_, select

from app.core.storage import FileMissing, get_storage
from app.extensions import db
from app.models import Application, ApplicationAnswer, Candidate, CandidateSearch, Note, ResumeText
from app.models.base import utcnow
from app.search.extract import extract

log = logging.getLogger(__name__)

DOCUMENT_LIMIT = 400_000  # characters per candidate (several resumes, answers and notes)
MARKS = str.maketrans({"\x02": " ", "\x03": " "})  # the snippet markers never occur in a document


def _upsert(model):
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


def extract_resume(key: str) -> str | None:
    """Extract the resume stored under `key` into resume_texts; its status (None: no application has it)."""
    application = db.session.execute(
        select(Application.id, Application.candidate_id, Application.company_id)
        .where(Application.resume_key == key)
        .limit(1)
    ).first()
    if application is None:
        return None
    try:
        stored = get_storage().open(key)
        with stored.file as handle:
            data = handle.read()
    except (FileMissing, ValueError, OSError) as error:
        result_status, text, detail = "failed", "", f"The file is missing ({type(error).__name__})."
    else:
        result = extract(data)
        result_status, text, detail = result.status, result.text, result.detail
    values = {
        "resume_key": key,
        "application_id": application.id,
        "candidate_id": application.candidate_id,
        "company_id": application.company_id,
        "text": text,
        "status": result_status,
        "detail": detail,
        "extracted_at": utcnow(),
    }
    stmt = _upsert(ResumeText).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["resume_key"],
        set_={k: stmt.excluded[k] for k in ("text", "status", "detail", "extracted_at")},
    )
    db.session.execute(stmt)
    return result_status


def _answer_text(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return "" if value is None else str(value)


def index_candidates(ids: list[int]) -> int:
    """(Re)build the search documents of these candidates in four reads and one write; how many."""
    ids = sorted(set(ids))
    if not ids:
        return 0
    started = utcnow()
    people = db.session.execute(
        select(
            Candidate.id,
            Candidate.company_id,
            Candidate.full_name,
            Candidate.email,
            Candidate.phone,
            Candidate.location,
        ).where(Candidate.id.in_(ids))
    ).all()
    if not people:
        return 0
    parts: dict[int, list[str]] = defaultdict(list)
    answers = db.session.execute(
        select(Application.candidate_id, ApplicationAnswer.label, ApplicationAnswer.value)
        .join(Application, Application.id == ApplicationAnswer.application_id)
        .where(Application.candidate_id.in_(ids))
        .order_by(ApplicationAnswer.id)
    )
    for candidate_id, label, value in answers:
        parts[candidate_id].append(f"{label}: {_answer_text(value)}")
    notes = db.session.execute(
        select(Application.candidate_id, Note.body)
        .join(Application, Application.id == Note.application_id)
        .where(Application.candidate_id.in_(ids))
        .order_by(Note.id)
    )
    for candidate_id, body in notes:
        parts[candidate_id].append(body)
    texts = db.session.execute(
        select(ResumeText.candidate_id, ResumeText.text)
        .where(ResumeText.candidate_id.in_(ids), ResumeText.status == "ok")
        .order_by(ResumeText.extracted_at)
    )
    for candidate_id, text in texts:
        parts[candidate_id].append(text)
    rows = []
    for person in people:
        name_email = " ".join(p for p in (person.full_name, person.email) if p).translate(MARKS)
        head = " ".join(p for p in (person.phone, person.location) if p)
        document = "\n".join([head, *parts[person.id]]).translate(MARKS).strip()[:DOCUMENT_LIMIT]
        rows.append(
            {
                "candidate_id": person.id,
                "company_id": person.company_id,
                "name_email": name_email,
                "document": document,
                "indexed_at": started,
            }
        )
    stmt = _upsert(CandidateSearch)
    stmt = stmt.on_conflict_do_update(
        index_elements=["candidate_id"],
        set_={k: stmt.excluded[k] for k in ("company_id", "name_email", "document", "indexed_at")},
    )
    db.session.execute(stmt, rows)
    return len(rows)


def missing_resumes(limit: int, grace_seconds: int = 0) -> list[str]:
    """Resume keys with no text yet, leaving `grace_seconds` to their own job."""
    cutoff = utcnow() - timedelta(seconds=grace_seconds)
    return list(
        db.session.scalars(
            select(Application.resume_key)
            .where(
                Application.resume_key.is_not(None),
                Application.created_at <= cutoff,
                ~exists().where(ResumeText.resume_key == Application.resume_key),
            )
            .order_by(Application.id)
            .limit(limit)
        )
    )


def stale_candidates(limit: int, grace_seconds: int = 0) -> list[int]:
    """Candidates whose document is missing or older than a change to them (edit, new application,
    note, resume text) made more than `grace_seconds` ago."""
    cutoff = utcnow() - timedelta(seconds=grace_seconds)
    search = CandidateSearch
    newer = search.indexed_at
    stmt = (
        select(Candidate.id)
        .outerjoin(search, search.candidate_id == Candidate.id)
        .where(
            or_(
                and_(search.candidate_id.is_(None), Candidate.created_at <= cutoff),
                and_(Candidate.updated_at > newer, Candidate.updated_at <= cutoff),
                exists().where(
                    Application.candidate_id == Candidate.id,
                    Application.created_at > newer,
                    Application.created_at <= cutoff,
                ),
                exists()
                .where(Application.candidate_id == Candidate.id, Note.application_id == Application.id)
                .where(Note.created_at > newer, Note.created_at <= cutoff),
                exists().where(
                    ResumeText.candidate_id == Candidate.id,
                    ResumeText.extracted_at > newer,
                    ResumeText.extracted_at <= cutoff,
                ),
            )
        )
        .order_by(Candidate.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
