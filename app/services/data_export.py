"""Building a candidate's export: one ZIP with `data.json` and their own files, stored, then emailed as a link.

What goes in is what the person could see about themselves: their details, each application with its job,
company and stage history as candidates are shown it (internal stages read as their category, no staff
notes, reasons or names), their answers and cover letters, the emails sent to them, their replies and
consents, and their resumes and reply attachments. Never staff notes, interview notes or scorecards.

The request commits first, then `start` hands the job to the worker (on the search queue). Without Redis
nothing heavy runs in the request: the `data_requests.sweep` task builds pending exports (and, with Redis,
those whose job was lost, after RETRY_AFTER).
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import re
import uuid
import zipfile
from datetime import timedelta
from typing import Any

import redis
from flask import Flask, current_app
from sqlalchemy import select, update

from app import workflow
from app.core.periodic import periodic
from app.core.storage import get_storage
from app.core.storage.base import FileMissing
from app.extensions import db
from app.mail.outbox import add_message
from app.models import Application, ApplicationAnswer, Candidate, Company, DataRequest, InboundMessage, User
from app.models.base import utcnow
from app.services import audit, messages
from app.services.status_links import new_token

log = logging.getLogger(__name__)

JOB = "app.services.data_export.build_job"
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def start(app: Flask, request_id: int) -> None:
    """Once the request is committed: a job for the worker; without Redis (or if it fails) the sweep builds it."""
    from app.redis_client import redis_client

    client = redis_client(app)
    if client is None:
        return
    from rq import Queue

    from app.mail.queue import key_stem
    from app.search.queue import queue_name

    try:
        Queue(queue_name(app), connection=client).enqueue(
            JOB, request_id, job_id=f"{key_stem(app)}export-{request_id}-{uuid.uuid4().hex[:8]}",
            job_timeout=600, result_ttl=600, failure_ttl=7 * 24 * 3600, description=f"data export {request_id}",
        )  # fmt: skip
    except redis.RedisError as error:
        log.warning("data export: the queue is unavailable (%s); the sweep builds it", type(error).__name__)


def build_job(request_id: int) -> str:
    """The RQ job: build and commit, in the worker's app context (or one made from the environment)."""
    from flask import has_app_context

    if not has_app_context():
        from app import create_app

        with create_app().app_context():
            return build_job(request_id)
    try:
        outcome = build(request_id)
        db.session.commit()
        return outcome
    except Exception:
        db.session.rollback()
        raise


def build(request_id: int) -> str:
    """Build the ZIP of a pending export, store it, mark the request ready and email the link."""
    from app.services.data_requests import candidates_of, export_link

    row = db.session.get(DataRequest, request_id)
    if row is None or row.kind != "export" or row.status != "pending":
        return "skipped"
    candidates = candidates_of(row)
    data, files = collect(candidates)
    archive = zip_bytes(data, files)
    key = f"export-{uuid.uuid4().hex}"
    get_storage().put(key, archive, "application/zip")
    token, hashed = new_token()
    days = int(current_app.config["DATA_EXPORT_DAYS"])
    row.file_key, row.token_hash, row.status = key, hashed, "ready"
    row.expires_at = utcnow() + timedelta(days=days)
    row.finished_at = utcnow()
    address, name = _recipient(row, candidates)
    if address:
        add_message(
            kind="data_export", to_address=address, to_name=name, company_id=None, template="data_export",
            subject="Your data is ready to download",
            context={"name": name, "expires_days": days, "link": export_link(token)},
        )  # fmt: skip
    audit.record("data_request.export_built", actor_label="", object_type="data_request", object_id=row.id,
                 details={"records": len(candidates), "files": len(files)})  # fmt: skip
    db.session.flush()
    return "built"


def _recipient(row: DataRequest, candidates: list[Candidate]) -> tuple[str | None, str]:
    if row.user_id is not None:
        user = db.session.get(User, row.user_id)
        return (user.email, user.full_name) if user and user.active else (None, "")
    return (candidates[0].email, candidates[0].full_name) if candidates else (None, "")


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def collect(candidates: list[Candidate]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """(data.json's content, [(path in the ZIP, storage key)]) for these records."""
    files: list[tuple[str, str]] = []
    records = []
    for candidate in candidates:
        company = db.session.get(Company, candidate.company_id)
        apps = db.session.scalars(
            select(Application).where(Application.candidate_id == candidate.id).order_by(Application.id)
        ).all()
        records.append({
            "company": company.name if company else None,
            "details": {"full_name": candidate.full_name, "email": candidate.email, "phone": candidate.phone,
                        "location": candidate.location, "links": candidate.links or {},
                        "preferred_language": candidate.preferred_language,
                        "created_at": _iso(candidate.created_at)},
            "applications": [_application(application, files) for application in apps],
        })  # fmt: skip
    return {"generated_at": _iso(utcnow()), "records": records}, files


def _application(application: Application, files: list[tuple[str, str]]) -> dict[str, Any]:
    from app.services.applications import history_of

    flow = workflow.for_job(application.job)
    answers = db.session.scalars(
        select(ApplicationAnswer).where(ApplicationAnswer.application_id == application.id)
        .order_by(ApplicationAnswer.position)
    ).all()  # fmt: skip
    replies = db.session.scalars(
        select(InboundMessage).where(InboundMessage.application_id == application.id).order_by(InboundMessage.id)
    ).all()
    resume = None
    if application.resume_key:
        resume = f"files/application-{application.id}/{_SAFE.sub('_', application.resume_filename or 'resume')}"
        files.append((resume, application.resume_key))
    reply_items = []
    for reply in replies:
        names = []
        for n, attachment in enumerate(reply.attachments or []):
            if attachment.get("key"):
                path = f"files/application-{application.id}/reply-{reply.id}-{n}-"
                path += _SAFE.sub("_", attachment.get("filename") or "attachment")
                files.append((path, attachment["key"]))
                names.append(path)
        reply_items.append({"subject": reply.subject, "text": reply.text_body, "received_at": _iso(reply.received_at),
                            "attachments": names})  # fmt: skip
    return {
        "job_title": application.job.title,
        "stage": flow.public_key(application.stage),
        "applied_at": _iso(application.created_at),
        "source": application.source,
        "cover_letter": application.cover_letter,
        "resume": resume,
        "stage_history": [
            {"from": entry.from_stage, "to": entry.to_stage, "at": _iso(entry.created_at)}
            for entry in history_of(None, application)
        ],
        "answers": [{"question": a.label, "answer": a.value} for a in answers],
        "messages_received": [
            {"subject": m.subject, "text": m.body, "sent_at": _iso(m.sent_at)} for m in messages.received(application)
        ],
        "replies": reply_items,
        "consent": {"privacy_notice_version": application.consent_notice_version,
                    "consented_at": _iso(application.consented_at)},
    }  # fmt: skip


def zip_bytes(data: dict[str, Any], files: list[tuple[str, str]]) -> bytes:
    """The archive: data.json, then every file still in storage (a missing one is skipped)."""
    buffer = io.BytesIO()
    storage = get_storage()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False, default=str))
        for path, key in files:
            try:
                archive.writestr(path, storage.get(key))
            except (FileMissing, ValueError, OSError):
                log.warning("data export: stored file %s is missing", key)
    return buffer.getvalue()


RETRY_AFTER = timedelta(minutes=10)


@periodic("data_requests.sweep", every=60)
def sweep_task(app: Flask) -> int:
    """Every minute: expired exports lose their ZIP and link, expired erasure links end, and pending
    exports are built (with Redis only those left pending RETRY_AFTER: a lost job), each claimed once."""
    try:
        done = sweep(RETRY_AFTER if app.config.get("REDIS_URL") else timedelta(0))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return done


def sweep(grace: timedelta = timedelta(0)) -> int:
    now = utcnow()
    table = DataRequest.__table__
    count = 0
    due = db.session.execute(
        select(table.c.id, table.c.file_key).where(
            table.c.kind == "export", table.c.status == "ready", table.c.expires_at <= now
        )
    ).all()
    for row in due:
        claimed = db.session.execute(
            update(table).where(table.c.id == row.id, table.c.status == "ready")
            .values(status="expired", token_hash=None, file_key=None)
        ).rowcount  # fmt: skip
        if claimed and row.file_key:
            with contextlib.suppress(FileMissing, ValueError, OSError):
                get_storage().delete(row.file_key)
        count += claimed or 0
    count += db.session.execute(
        update(table).where(table.c.kind == "erase", table.c.status == "pending", table.c.expires_at <= now)
        .values(status="expired", token_hash=None)
    ).rowcount or 0  # fmt: skip
    stale = db.session.execute(
        select(table.c.id, table.c.created_at).where(
            table.c.kind == "export", table.c.status == "pending", table.c.created_at <= now - grace
        )
    ).all()
    for row in stale:
        claimed = db.session.execute(
            update(table).where(table.c.id == row.id, table.c.created_at == row.created_at).values(created_at=now)
        ).rowcount  # fmt: skip
        if claimed:
            build(row.id)
            count += 1
    return count
