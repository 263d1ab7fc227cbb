"""Candidate imports: staff upload a CSV (and a ZIP of resumes), confirm the column mapping, the worker runs it.

1. `upload` (recruiters and admins): the file is decoded and its header read in
   the request (bounded by CANDIDATE_IMPORT_MAX_BYTES), the mapping guessed from
   the header's names, the files stored; nothing else is parsed here.
2. `preview` reads the header and the first rows back from the stored file;
   `confirm` checks the mapping (name and email are required) and queues the run.
3. The worker (`app.services.candidate_import_run`) validates every row, then
   writes in batches, each batch in its own transaction with its report lines
   and the progress: a run that stops is resumed after the last committed batch.

Without Redis, or when the job is lost, the periodic `candidate_imports.sweep`
runs queued imports (with Redis, those left queued or stalled for RETRY_AFTER).
A run that raises is tried again after RETRY_AFTER, at most CANDIDATE_IMPORT_MAX_ATTEMPTS
times in all; then the import fails, keeping the batches already committed.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import redis
from flask import Flask, current_app
from sqlalchemy import or_, select, update

from app.after_commit import run_after_commit
from app.core.periodic import periodic
from app.core.storage import FileMissing, get_storage
from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.models import CandidateImport, CandidateImportRow, User
from app.models.base import utcnow
from app.services import audit, import_files
from app.services.access import EDITORS, require_role, require_user
from app.services.import_files import ImportRefused
from app.services.pagination import Page, clamp_limit, decode_cursor, encode_cursor

log = logging.getLogger(__name__)

JOB = "app.services.candidate_import_run.run_job"
_PENDING = "candidate_imports_pending"
RETRY_AFTER = timedelta(minutes=10)
# An upload never confirmed is dropped (its files hold people's data) after this long.
ABANDONED_AFTER = timedelta(days=7)
REPORT_HEADER = ("line", "outcome", "reason", "candidate_id")


def _limits() -> dict:
    config = current_app.config
    return {
        "max_bytes": int(config["CANDIDATE_IMPORT_MAX_BYTES"]),
        "max_rows": int(config["CANDIDATE_IMPORT_MAX_ROWS"]),
    }


def upload_limit() -> int:
    """The largest upload request (the CSV and the ZIP together); other requests keep MAX_CONTENT_LENGTH."""
    config = current_app.config
    return int(config["CANDIDATE_IMPORT_MAX_BYTES"]) + int(config["CANDIDATE_IMPORT_ZIP_UPLOAD_BYTES"]) + 65536


def zip_limits() -> import_files.ZipLimits:
    config = current_app.config
    return import_files.ZipLimits(
        max_entries=int(config["CANDIDATE_IMPORT_ZIP_MAX_ENTRIES"]),
        max_total=int(config["CANDIDATE_IMPORT_ZIP_MAX_BYTES"]),
        max_entry=int(config["RESUME_MAX_BYTES"]),
    )


def _size(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB" if limit >= 1024 * 1024 else f"{max(limit // 1024, 1)} KB"


def _safe_name(name: str | None, fallback: str) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|?*').strip()
    return base[:200] or fallback


def upload(
    actor: User, *, filename: str | None, data: bytes, resumes: bytes | None = None, resumes_filename: str | None = None
) -> CandidateImport:
    """Store an uploaded CSV (and ZIP of resumes) after reading its header; the mapping is guessed."""
    actor = require_user(actor)
    require_role(actor, *EDITORS, action="import candidates")
    limits = _limits()
    if not data:
        raise ImportRefused("Choose a CSV file to import.", errors={"file": ["The file is empty."]})
    if len(data) > limits["max_bytes"]:
        message = f"The file is larger than {_size(limits['max_bytes'])}; split it."
        raise ImportRefused(message, errors={"file": [message]})
    table, _ = import_files.read_table(data)
    if resumes and len(resumes) > int(current_app.config["CANDIDATE_IMPORT_ZIP_UPLOAD_BYTES"]):
        message = (
            f"The ZIP is larger than {current_app.config['CANDIDATE_IMPORT_ZIP_UPLOAD_BYTES'] // (1024 * 1024)} MB."
        )
        raise ImportRefused(message, errors={"resumes": [message]})
    if resumes:
        import_files.check_zip(resumes, zip_limits())
    storage = get_storage()
    file_key = f"import-{secrets.token_hex(16)}"
    storage.put(file_key, data, "text/csv")
    resumes_key = None
    if resumes:
        resumes_key = f"import-{secrets.token_hex(16)}"
        storage.put(resumes_key, resumes, "application/zip")
    row = CandidateImport(
        company_id=actor.company_id,
        created_by_id=actor.id,
        status="uploaded",
        filename=_safe_name(filename, "import.csv"),
        file_key=file_key,
        resumes_key=resumes_key,
        resumes_filename=_safe_name(resumes_filename, "resumes.zip") if resumes else None,
        encoding=table.encoding,
        delimiter=table.delimiter,
        header=table.header,
        mapping=import_files.guess_mapping(table.header),
    )
    db.session.add(row)
    db.session.flush()
    return row


def get(actor: User, import_id: int) -> CandidateImport:
    """An import of the caller's company (anyone else's: not found)."""
    actor = require_user(actor)
    row = db.session.get(CandidateImport, import_id)
    if row is None or not actor.is_staff or row.company_id != actor.company_id:
        raise NotFound("That import was not found.")
    return row


def list_imports(actor: User, *, limit: int | None = None, cursor: str | None = None) -> Page:
    """The company's imports, newest first (keyset)."""
    actor = require_user(actor)
    if not actor.is_staff or actor.company_id is None:
        raise NotFound("Imports are for staff.")
    limit = clamp_limit(limit)
    stmt = select(CandidateImport).where(CandidateImport.company_id == actor.company_id)
    after = decode_cursor(cursor)
    if after is not None:
        stmt = stmt.where(CandidateImport.id < after)
    items = list(db.session.scalars(stmt.order_by(CandidateImport.id.desc()).limit(limit + 1)))
    more = len(items) > limit
    items = items[:limit]
    return Page(items, encode_cursor(items[-1].id) if more else None, limit)


@dataclass(frozen=True)
class Preview:
    row: CandidateImport
    header: list[str]
    rows: list[list[str]]


def preview(actor: User, import_id: int) -> Preview:
    """The header and first rows, read back from the stored file (they are not kept in the database)."""
    row = get(actor, import_id)
    rows: list[list[str]] = []
    if row.file_key:
        try:
            _, rows = import_files.read_table(get_storage().get(row.file_key))
        except (FileMissing, ValueError, ImportRefused):
            rows = []
    return Preview(row, list(row.header), rows)


def confirm(actor: User, import_id: int, mapping: dict) -> CandidateImport:
    """Check the mapping and queue the run (once: a second confirm is a conflict)."""
    row = get(actor, import_id)
    require_role(actor, *EDITORS, action="import candidates")
    if row.status != "uploaded":
        raise Conflict("This import was already started.")
    cleaned = import_files.check_mapping(row.header, mapping)
    if "resume" in cleaned and not row.resumes_key:
        raise ValidationFailed(
            "A resume column needs a ZIP of resumes: upload the CSV again with one.",
            errors={"mapping.resume": ["No ZIP of resumes was uploaded with this file."]},
        )
    claimed = db.session.execute(
        update(CandidateImport)
        .where(CandidateImport.id == row.id, CandidateImport.status == "uploaded")
        .values(status="queued", mapping=cleaned, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise Conflict("This import was already started.")
    db.session.refresh(row)
    audit.record(
        "candidate_import.started", actor=actor, object_type="candidate_import", object_id=row.id,
        details={"filename": row.filename, "columns": sorted(cleaned), "resumes": bool(row.resumes_key)},
    )  # fmt: skip
    db.session().info.setdefault(_PENDING, set()).add(row.id)
    return row


def report_lines(actor: User, import_id: int) -> Iterator[list]:
    """The report's CSV lines (REPORT_HEADER's columns) in file order, streamed in pages of 1,000.

    The import is looked up now, so another company's is a 404 before an answer starts, not an empty file.
    """
    rows = _report_rows(get(actor, import_id))
    return ([r.line, r.outcome, r.reason, r.candidate_id] for r in rows)


def _report_rows(row: CandidateImport) -> Iterator[CandidateImportRow]:
    after = 0
    while True:
        page = list(
            db.session.scalars(
                select(CandidateImportRow)
                .where(CandidateImportRow.import_id == row.id, CandidateImportRow.line > after)
                .order_by(CandidateImportRow.line)
                .limit(1000)
            )
        )
        yield from page
        if len(page) < 1000:
            return
        after = page[-1].line


def first_report_rows(row: CandidateImport, limit: int = 200) -> list[CandidateImportRow]:
    stmt = (
        select(CandidateImportRow)
        .where(CandidateImportRow.import_id == row.id)
        .order_by(CandidateImportRow.line)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def progress(row: CandidateImport) -> int | None:
    """Percent done (None until the worker has counted the rows)."""
    if row.status == "done":
        return 100
    if not row.total_rows:
        return None
    return min(100, row.processed_rows * 100 // row.total_rows)


# --- the worker's job ---


def start(app: Flask, import_ids: set[int]) -> None:
    """Once committed: one job per import on the search queue; without Redis (or on failure) the sweep runs it."""
    from app.redis_client import redis_client

    client = redis_client(app)
    if client is None or not import_ids:
        return
    from rq import Queue

    from app.mail.queue import key_stem
    from app.search.queue import queue_name

    try:
        queue = Queue(queue_name(app), connection=client)
        for import_id in sorted(import_ids):
            queue.enqueue(
                JOB, import_id, job_id=f"{key_stem(app)}import-{import_id}-{uuid.uuid4().hex[:8]}",
                job_timeout=3600, result_ttl=600, failure_ttl=7 * 24 * 3600,
                description=f"candidate import {import_id}",
            )  # fmt: skip
    except redis.RedisError as error:
        log.warning("candidate import: the queue is unavailable (%s); the sweep runs it", type(error).__name__)
    except Exception:  # committed; the sweep picks it up
        log.exception("candidate import: enqueueing failed; the sweep runs it")


run_after_commit(_PENDING, start)


@periodic("candidate_imports.sweep", every=60)
def sweep_task(app: Flask) -> int:
    """Every minute: run imports left queued (without Redis: all of them) or stalled mid-run (a lost worker);
    uploads never confirmed within ABANDONED_AFTER fail and lose their files."""
    from app.services import candidate_import_run

    abandoned = list(
        db.session.scalars(
            select(CandidateImport)
            .where(CandidateImport.status == "uploaded", CandidateImport.created_at <= utcnow() - ABANDONED_AFTER)
            .limit(100)
        )
    )
    for row in abandoned:
        candidate_import_run.fail(row, "Not confirmed within 7 days; the uploaded files were deleted.")
    grace = RETRY_AFTER if app.config.get("REDIS_URL") else timedelta(0)
    stalled = utcnow() - RETRY_AFTER
    due = list(
        db.session.scalars(
            select(CandidateImport.id)
            .where(
                or_(
                    (CandidateImport.status == "queued") & (CandidateImport.updated_at <= utcnow() - grace),
                    (CandidateImport.status == "running") & (CandidateImport.updated_at <= stalled),
                )
            )
            .order_by(CandidateImport.id)
            .limit(5)
        )
    )
    db.session.rollback()
    for import_id in due:
        try:
            candidate_import_run.run_job(import_id)
        except Exception:  # counted on the import (run_job); the others still run
            log.exception("candidate import %s: the run failed", import_id)
    return len(due)
