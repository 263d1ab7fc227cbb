"""The worker's side of a candidate import: validate every row, then write in batches.

All rows are read and checked first, without writing: a file over the row
limit, or one that cannot be read, fails whole with nothing imported. Then the
rows are written BATCH at a time, each batch in its own transaction with its
report lines and the import's progress: a batch is all-or-nothing, and a run
that stops (a worker killed, a deploy) resumes after `processed_rows`, the last
committed batch, so no row is imported twice.

A run that raises (a bug, a stored file the checks do not catch) is counted in
`failed_attempts`, and `error` says "Attempt N of MAX failed (...)" while the
import waits for the retry. The attempt that reaches
CANDIDATE_IMPORT_MAX_ATTEMPTS fails the import: nothing is retried, the
committed batches are kept, the reason says how far it got.

Per batch: one look-up of the company's records by email, phone and LinkedIn
keys (app/services/dedupe_keys.py); one INSERT of the new candidates (RETURNING
them), their tags, applications, first history rows and the jobs' counts in a
statement each; one INSERT of the `candidate.created` / `application.created`
events (app/webhooks/record.py), as one application would write them. A record
with the same email is skipped (never merged); one sharing only a phone or a
LinkedIn profile is created and the duplicates pass proposes the pair.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app, has_app_context
from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from app import workflow
from app.core.storage import FileMissing, get_storage
from app.errors import DomainError
from app.extensions import db
from app.models import (
    Application,
    Candidate,
    CandidateImport,
    CandidateImportRow,
    CandidateTag,
    Job,
    JobStatus,
    StageChange,
    Tag,
)
from app.models.base import utcnow
from app.models.candidates import SOURCES
from app.models.tags import TAG_NAME_MAX
from app.services import audit, dedupe_keys, import_files, phones, resumes, stage_counts
from app.services.validation import Checker

log = logging.getLogger(__name__)

BATCH = 1000
MAX_TAGS = 20


@dataclass
class Row:
    line: int  # the row's number as a spreadsheet shows it: the header is row 1
    full_name: str | None = None
    email: str | None = None
    phone: str | None = None
    phone_e164: str | None = None
    location: str | None = None
    links: dict = field(default_factory=dict)
    source: str = "import"
    tags: list[str] = field(default_factory=list)
    job: Job | None = None
    resume: str | None = None
    problem: str | None = None  # the reason it is skipped
    notes: list[str] = field(default_factory=list)  # said with a created row


def run_job(import_id: int) -> str:
    """The RQ job (and the sweep's call): run, in the worker's app context."""
    if not has_app_context():
        from app import create_app

        with create_app().app_context():
            return run_job(import_id)
    try:
        return run(import_id)
    except Exception as error:
        db.session.rollback()
        try:
            failed_attempt(import_id, error)
        except Exception:
            db.session.rollback()
            log.exception("candidate import %s: the failed attempt could not be recorded", import_id)
        raise


def attempts(row: CandidateImport) -> int:
    """How many runs of this import raised so far (0 once it ended well)."""
    return row.failed_attempts or 0


def max_attempts() -> int:
    return max(1, int(current_app.config["CANDIDATE_IMPORT_MAX_ATTEMPTS"]))


def failed_attempt(import_id: int, error: BaseException) -> str | None:
    """Count a run that raised: noted for the retry, or (the last allowed attempt) the import fails.

    Only the exception's type is kept: its message may quote a row's values (people's data)."""
    from app.services.candidate_imports import RETRY_AFTER

    row = db.session.get(CandidateImport, import_id, populate_existing=True)
    if row is None or row.status not in ("queued", "running"):
        db.session.rollback()
        return None
    made, limit, kind = attempts(row) + 1, max_attempts(), type(error).__name__
    log.error("candidate import %s: attempt %s of %s failed (%s)", import_id, made, limit, kind)
    row.failed_attempts = made
    if made >= limit:
        times = "once" if made == 1 else f"{made} times"
        return fail(row, f"Its run failed {times} ({kind}), so it is not retried.")
    minutes = int(RETRY_AFTER.total_seconds() // 60)
    row.error = f"Attempt {made} of {limit} failed ({kind}); it is tried again in {minutes} minutes."
    row.updated_at = utcnow()  # the retry waits RETRY_AFTER from now
    db.session.commit()
    return "retry"


def fail(row: CandidateImport, message: str) -> str:
    """End the import as failed, its files deleted; batches already committed stay, and the reason says so."""
    if row.processed_rows:
        message += (
            f" {row.processed_rows:,} of {row.total_rows or row.processed_rows:,} rows were done before it"
            " stopped and are kept (see the report); import the rest from a file without them."
        )
    row.status, row.error, row.finished_at, row.updated_at = "failed", message[:500], utcnow(), utcnow()
    _discard_files(row)
    db.session.commit()
    return "failed"


def _discard_files(row: CandidateImport) -> None:
    storage = get_storage()
    for key in (row.file_key, row.resumes_key):
        if key:
            try:
                storage.delete(key)
            except (FileMissing, ValueError, OSError):
                log.warning("candidate import: stored file %s was already gone", key)
    row.file_key = row.resumes_key = None


def run(import_id: int) -> str:
    """Claim a queued (or stalled) import and run it to the end; committed batch by batch."""
    now = utcnow()
    claimed = db.session.execute(
        update(CandidateImport)
        .where(CandidateImport.id == import_id, CandidateImport.status.in_(("queued", "running")))
        .values(status="running", updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        db.session.rollback()
        return "skipped"
    row = db.session.get(CandidateImport, import_id, populate_existing=True)
    row.started_at = row.started_at or now
    db.session.commit()
    try:
        data = get_storage().get(row.file_key) if row.file_key else None
        zipped = get_storage().get(row.resumes_key) if row.resumes_key else None
    except (FileMissing, ValueError, OSError):
        data = None
    if data is None:
        return fail(row, "The uploaded file is gone; upload it again.")
    try:
        rows = prepare(row, data, zipped)
    except DomainError as error:
        return fail(row, error.detail)
    row.total_rows = len(rows)
    db.session.commit()
    context = Context.load(row, zipped)
    for start in range(row.processed_rows, len(rows), BATCH):
        write_batch(row, rows[start : start + BATCH], context)
        row.processed_rows = min(start + BATCH, len(rows))
        row.updated_at = utcnow()
        db.session.commit()
    row.status, row.error, row.finished_at, row.updated_at = "done", None, utcnow(), utcnow()
    row.failed_attempts = 0
    _discard_files(row)
    audit.record(
        "candidate_import.finished", actor_label="", company_id=row.company_id, object_type="candidate_import",
        object_id=row.id, details={"rows": row.total_rows, "created": row.created_count, "skipped": row.skipped_count},
    )  # fmt: skip
    db.session.commit()
    return "done"


# --- reading and checking every row (no writes) ---


def prepare(row: CandidateImport, data: bytes, zipped: bytes | None) -> list[Row]:
    """Every data row parsed and checked; DomainError when the file as a whole cannot be imported."""
    from app.services.candidate_imports import _limits, zip_limits

    text, _ = import_files.decode(data)
    records = import_files.rows(text, row.delimiter)
    header = [cell.strip() for cell in next(records, [])]
    index = {name: n for n, name in enumerate(header)}
    columns = {name: index[column] for name, column in row.mapping.items() if column in index}
    max_rows = _limits()["max_rows"]
    raw: list[tuple[int, list[str]]] = []
    for line, record in enumerate(records, start=2):
        if not any(cell.strip() for cell in record):
            continue
        raw.append((line, record))
        if len(raw) > max_rows:
            raise import_files.ImportRefused(
                f"The file has more than {max_rows:,} rows; split it into files of at most {max_rows:,} rows.",
            )
    jobs = _company_jobs(row.company_id) if "job" in columns else None
    limits = zip_limits()
    entries = import_files.check_zip(zipped, limits) if zipped else {}
    seen: dict[str, int] = {}
    out = []
    for line, record in raw:
        parsed = _check_row(line, record, columns, jobs, entries)
        if parsed.problem is None and parsed.resume:
            parsed.problem = _check_resume(zipped, entries[parsed.resume], limits)
        if parsed.problem is None:
            key = dedupe_keys.email_key(parsed.email)
            if key in seen:
                parsed.problem = f"Duplicate of row {seen[key]} in this file (same email)."
            else:
                seen[key] = line
        out.append(parsed)
    return out


def _cell(record: list[str], columns: dict[str, int], name: str) -> str | None:
    n = columns.get(name)
    if n is None or n >= len(record):
        return None
    return record[n].strip() or None


def _check_row(line: int, record: list[str], columns: dict[str, int], jobs, entries: dict) -> Row:
    row = Row(line)
    check = Checker()
    name = _cell(record, columns, "full_name")
    if "first_name" in columns:
        name = " ".join(p for p in (_cell(record, columns, "first_name"), _cell(record, columns, "last_name")) if p)
    row.full_name = check.line("full_name", name or None, required=True, max_len=200)
    email = _cell(record, columns, "email")
    if email is None:
        return _skip(row, "Missing email.")
    if not row.full_name:
        return _skip(row, "Missing name." if "full_name" in check.errors else "Name is not valid.")
    if check.errors:
        return _skip(row, f"Name: {check.errors['full_name'][0]}")
    row.email = check.email("email", email)
    if row.email is None:
        return _skip(row, "Not a valid email address.")
    phone = _cell(record, columns, "phone")
    if phone:
        if len(phone) > 50 or not all(ch.isdigit() or ch in " +-().x/" for ch in phone):
            return _skip(row, "Not a phone number (use digits, spaces and + - ( ) only).")
        parsed = phones.normalise(phone)
        if parsed.error:
            return _skip(row, f"Phone: {parsed.error}")
        row.phone = parsed.value
        row.phone_e164 = parsed.value if parsed.normalised else None
        if not parsed.normalised:
            row.notes.append("Phone kept as typed (no country code).")
    row.location = check.line("location", _cell(record, columns, "location"), max_len=200) or None
    if check.errors:
        return _skip(row, "Location: must be a single line of at most 200 characters.")
    for kind in ("linkedin", "github", "portfolio"):
        url = _cell(record, columns, kind)
        if not url:
            continue
        if "://" not in url and kind != "portfolio":
            url = "https://" + url
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
            return _skip(row, f"{import_files.LABELS[kind]}: not an http(s) address.")
        row.links[kind] = url
    source = _cell(record, columns, "source")
    if source:
        folded = source.strip().lower().replace(" ", "_").replace("-", "_")
        if folded in SOURCES:
            row.source = folded
        else:
            row.notes.append(f"Unknown source recorded as import (known: {', '.join(SOURCES)}).")
    tags = _cell(record, columns, "tags")
    if tags:
        names = [t.strip() for t in tags.replace(";", ",").split(",") if t.strip()]
        if len(names) > MAX_TAGS or any(len(t) > TAG_NAME_MAX for t in names):
            return _skip(row, f"Tags: at most {MAX_TAGS}, each at most {TAG_NAME_MAX} characters.")
        row.tags = list(dict.fromkeys(names))
    wanted = _cell(record, columns, "job")
    if wanted and jobs is not None:
        job, problem = _match_job(wanted, jobs)
        if problem:
            return _skip(row, problem)
        row.job = job
    resume = _cell(record, columns, "resume")
    if resume:
        if row.job is None:
            return _skip(row, "A resume needs a job to attach it to (its application holds it).")
        if resume.replace("\\", "/").rsplit("/", 1)[-1].casefold() not in entries:
            return _skip(row, "Resume file not found in the ZIP.")
        row.resume = resume.replace("\\", "/").rsplit("/", 1)[-1].casefold()
    return row


def _check_resume(zipped: bytes, entry, limits: import_files.ZipLimits) -> str | None:
    """Why the resume cannot be attached (checked by its content, like an upload), or None."""
    content = import_files.read_entry(zipped, entry, limits)
    if content is None:
        return "Resume: too large or damaged in the ZIP."
    try:
        resumes.validate(resumes.ResumeUpload(entry.filename, content))
    except DomainError as error:
        return f"Resume: {error.detail}"
    return None


def _skip(row: Row, reason: str) -> Row:
    row.problem = reason
    return row


@dataclass(frozen=True)
class Jobs:
    by_id: dict[int, Job]
    by_name: dict[str, list[Job]]


def _company_jobs(company_id: int) -> Jobs:
    """The company's jobs, by id and by folded title (one statement)."""
    jobs = list(db.session.scalars(select(Job).where(Job.company_id == company_id)))
    by_name: dict[str, list[Job]] = defaultdict(list)
    for job in jobs:
        by_name[job.title.strip().casefold()].append(job)
    return Jobs({job.id: job for job in jobs}, by_name)


def _match_job(wanted: str, jobs: Jobs) -> tuple[Job | None, str | None]:
    if wanted.isdigit():
        job = jobs.by_id.get(int(wanted))
        matches = [job] if job else []
    else:
        matches = jobs.by_name.get(wanted.casefold(), [])
    if not matches:
        return None, "Unknown job: no job of the company has this id or title."
    if len(matches) > 1:
        return None, "Several jobs have this title: use the job's id."
    if matches[0].status == JobStatus.CLOSED:
        return None, "The job is closed; reopen it to add people."
    return matches[0], None


# --- writing one batch ---


@dataclass
class Context:
    company_id: int
    actor_id: int | None
    tags: dict[str, int]  # folded name -> id
    zipped: bytes | None
    entries: dict  # folded base name -> ZipInfo

    @classmethod
    def load(cls, row: CandidateImport, zipped: bytes | None) -> Context:
        from app.services.candidate_imports import zip_limits

        tags = {t.key: t.id for t in db.session.scalars(select(Tag).where(Tag.company_id == row.company_id))}
        entries = import_files.check_zip(zipped, zip_limits()) if zipped else {}
        return cls(row.company_id, row.created_by_id, tags, zipped, entries)


def _existing(company_id: int, rows: list[Row]) -> tuple[dict, dict, dict]:
    """The company's records sharing an email, phone or LinkedIn key with these rows (one statement)."""
    emails = {r.email for r in rows} | {dedupe_keys.email_key(r.email) for r in rows}
    phones_ = {r.phone_e164 for r in rows if r.phone_e164}
    linkedins = {k for r in rows if (k := dedupe_keys.linkedin_key(r.links))}
    conditions = [Candidate.email.in_(emails), Candidate.email_key.in_(emails)]
    if phones_:
        conditions.append(Candidate.phone_e164.in_(phones_))
    if linkedins:
        conditions.append(Candidate.linkedin_key.in_(linkedins))
    found = db.session.execute(
        select(Candidate.id, Candidate.email, Candidate.email_key, Candidate.phone_e164, Candidate.linkedin_key).where(
            Candidate.company_id == company_id, Candidate.merged_into_id.is_(None), or_(*conditions)
        )
    ).all()
    by_email, by_phone, by_linkedin = {}, {}, {}
    for f in found:
        for key in (f.email, f.email_key):
            if key:
                by_email.setdefault(key, f.id)
        if f.phone_e164:
            by_phone.setdefault(f.phone_e164, f.id)
        if f.linkedin_key:
            by_linkedin.setdefault(f.linkedin_key, f.id)
    return by_email, by_phone, by_linkedin


def write_batch(row: CandidateImport, rows: list[Row], context: Context) -> None:
    """Create this batch's candidates (and applications, tags, events) and its report lines; flushes only."""
    now = utcnow()
    valid = [r for r in rows if r.problem is None]
    if valid:
        by_email, by_phone, by_linkedin = _existing(context.company_id, valid)
        for r in valid:
            found = by_email.get(r.email) or by_email.get(dedupe_keys.email_key(r.email))
            if found:
                r.problem = f"Already a candidate (#{found}, same email): skipped, not merged."
                continue
            twin = by_phone.get(r.phone_e164) if r.phone_e164 else None
            reason = "phone"
            if twin is None and (key := dedupe_keys.linkedin_key(r.links)):
                twin, reason = by_linkedin.get(key), "LinkedIn"
            if twin:
                r.notes.append(f"Possible duplicate of #{twin} (same {reason}): proposed for review.")
    creating = [r for r in rows if r.problem is None]
    people = _insert_candidates(context, creating, now) if creating else []
    ids = {r.line: c.id for r, c in zip(creating, people, strict=True)}
    _insert_tags(context, creating, people, now)
    applications, resume_keys = _insert_applications(context, creating, people, now)
    _record_events(people, applications)
    if people:
        from app.search.queue import schedule

        schedule(candidate_ids=[c.id for c in people], resume_keys=resume_keys)
    report = [
        {
            "import_id": row.id,
            "line": r.line,
            "outcome": "skipped" if r.problem else "created",
            "reason": (r.problem or " ".join(r.notes))[:300],
            "candidate_id": ids.get(r.line),
        }
        for r in rows
    ]
    if report:
        db.session.execute(insert(CandidateImportRow), report)
    row.created_count += len(people)
    row.skipped_count += len(rows) - len(people)
    if people:
        # Compared by the duplicates job after the commit, as any new record (or by the periodic pass).
        from app.services import duplicates_tasks

        duplicates_tasks.compare_after_commit([c.id for c in people])


def _insert_candidates(context: Context, rows: list[Row], now: datetime) -> list[Candidate]:
    values = [
        {
            "company_id": context.company_id,
            "full_name": r.full_name,
            "email": r.email,
            "phone": r.phone,
            "location": r.location,
            "links": r.links,
            "source": r.source,
            "version": 1,
            "created_at": now,
            "updated_at": now,
            # The keys of dedupe_keys.keys_for; the phone's was found while checking the row.
            "email_key": dedupe_keys.email_key(r.email),
            "phone_e164": r.phone_e164,
            "linkedin_key": dedupe_keys.linkedin_key(r.links),
            "name_key": dedupe_keys.name_key(r.full_name),
        }
        for r in rows
    ]
    return _insert_returning(Candidate, values)


def _insert_returning(model, values: list[dict]) -> list:
    """Core INSERT ... RETURNING id for many rows (in their order), then detached objects for the events'
    payloads: the ORM's own bulk RETURNING builds and tracks an instance per row, several times slower."""
    table = model.__table__
    ids = db.session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), values).scalars()
    return [model(id=new_id, **row) for new_id, row in zip(ids, values, strict=True)]


def _insert_tags(context: Context, rows: list[Row], people: list[Candidate], now: datetime) -> None:
    wanted = {t.casefold(): t for r in rows for t in r.tags}
    missing = [{"company_id": context.company_id, "name": name, "key": key, "created_at": now}
               for key, name in wanted.items() if key not in context.tags]  # fmt: skip
    if missing:
        made = db.session.execute(insert(Tag.__table__).returning(Tag.__table__.c.id, Tag.__table__.c.key), missing)
        context.tags.update({m.key: m.id for m in made})
    links = [
        {"candidate_id": c.id, "tag_id": context.tags[t.casefold()], "added_by_id": context.actor_id, "added_at": now}
        for r, c in zip(rows, people, strict=True)
        for t in r.tags
    ]
    if links:
        db.session.execute(insert(CandidateTag.__table__), links)


def _insert_applications(
    context: Context, rows: list[Row], people: list[Candidate], now: datetime
) -> tuple[list[Application], list[str]]:
    """One application per row naming a job, at the job's first stage, with its history row and counts."""
    pairs = [(r, c) for r, c in zip(rows, people, strict=True) if r.job is not None]
    if not pairs:
        return [], []
    values, resume_keys = [], []
    for r, c in pairs:
        stored = _store_resume(context, r) if r.resume else None
        if stored:
            resume_keys.append(stored.key)
        values.append({
            "job_id": r.job.id, "company_id": context.company_id, "candidate_id": c.id,
            "stage": workflow.for_job(r.job).first_key, "stage_category": "applied", "stage_entered_at": now,
            "cover_letter": "", "source": r.source, "added_by_id": context.actor_id, "version": 1,
            "created_at": now, "updated_at": now,
            "resume_key": stored.key if stored else None, "resume_filename": stored.filename if stored else None,
            "resume_content_type": stored.content_type if stored else None,
            "resume_size": stored.size if stored else None,
        })  # fmt: skip
    applications = _insert_returning(Application, values)
    changes = []
    per_job: dict[int, tuple[Job, dict[str, int]]] = {}
    for (r, c), application in zip(pairs, applications, strict=True):
        set_committed_value(application, "job", r.job)
        set_committed_value(application, "candidate", c)
        changes.append({
            "application_id": application.id, "company_id": context.company_id, "from_stage": None,
            "to_stage": application.stage, "to_category": "applied", "actor_id": context.actor_id, "created_at": now,
        })  # fmt: skip
        job, deltas = per_job.setdefault(r.job.id, (r.job, {}))
        deltas[application.stage] = deltas.get(application.stage, 0) + 1
    db.session.execute(insert(StageChange.__table__), changes)
    for job, deltas in per_job.values():
        stage_counts._bump_many(job, deltas)
    return applications, resume_keys


def _store_resume(context: Context, row: Row) -> resumes.StoredResume | None:
    """The row's resume from the ZIP, checked by content like an upload; None (and a note) when unusable."""
    from app.services.candidate_imports import zip_limits

    limits = zip_limits()
    entry = context.entries.get(row.resume or "")
    content = import_files.read_entry(context.zipped, entry, limits) if entry else None
    if content is None:
        row.notes.append("Resume not attached: too large or damaged.")
        return None
    try:
        return resumes.store(resumes.ResumeUpload(entry.filename.rsplit("/", 1)[-1], content))
    except DomainError as error:
        row.notes.append(f"Resume not attached: {error.detail}")
        return None


def _record_events(people: list[Candidate], applications: list[Application]) -> None:
    """The events one application writes, for the whole batch in one INSERT."""
    from app.webhooks.listeners import application_event, candidate_event
    from app.webhooks.record import record

    record(
        [candidate_event(c, "candidate.created") for c in people]
        + [application_event(a, "application.created") for a in applications]
    )
