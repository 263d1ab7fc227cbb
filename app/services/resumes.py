"""Resume uploads: checked by their content, stored under an unguessable key.

The bytes go to the configured storage backend (app/core/storage/): a local
directory, or the database when several web hosts serve the same company.
"""

from __future__ import annotations

import io
import os
import secrets
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO, NamedTuple

from flask import current_app
from sqlalchemy import select

from app.core.storage import FileMissing, get_storage
from app.errors import NotFound, ValidationFailed
from app.extensions import db

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx"}


@dataclass(frozen=True)
class ResumeUpload:
    filename: str
    data: bytes


@dataclass(frozen=True)
class StoredResume:
    key: str
    filename: str
    content_type: str
    size: int


def sniff(data: bytes) -> str | None:
    """The real type of the file from its bytes, whatever its name says."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
    return None


def _safe_filename(name: str, content_type: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>:/\\|?*').strip() or "resume"
    stem, _ = os.path.splitext(base)
    return f"{stem[:120] or 'resume'}{EXTENSIONS[content_type]}"


def validate(upload: ResumeUpload) -> str:
    limit = current_app.config["RESUME_MAX_BYTES"]
    if not upload.data:
        raise ValidationFailed("The resume is empty.", errors={"resume": ["The file is empty."]})
    if len(upload.data) > limit:
        raise ValidationFailed("The resume is too large.", errors={"resume": [f"Must be at most {_size_text(limit)}."]})
    content_type = sniff(upload.data)
    if content_type is None:
        raise ValidationFailed(
            "The resume must be a PDF or DOCX file.", errors={"resume": ["Upload a PDF or DOCX file."]}
        )
    return content_type


def _size_text(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g} MB"
    return f"{max(limit // 1024, 1)} KB"


def store(upload: ResumeUpload) -> StoredResume:
    """Validate and store the upload (in the caller's transaction with the database backend)."""
    content_type = validate(upload)
    key = secrets.token_hex(16)
    get_storage().put(key, upload.data, content_type)
    return StoredResume(key, _safe_filename(upload.filename, content_type), content_type, len(upload.data))


class ResumeFile(NamedTuple):
    """A resume ready to send: `attachment(*resume_file)` streams it."""

    file: BinaryIO
    filename: str
    content_type: str
    size: int


def open_file(key: str, filename: str, content_type: str) -> ResumeFile:
    """The stored bytes under `key`, opened once; NotFound when they are gone."""
    try:
        stored = get_storage().open(key)
    except (FileMissing, ValueError):
        raise NotFound("The resume file is missing.") from None
    return ResumeFile(stored.file, filename, content_type, stored.size)


def discard(key: str) -> None:
    get_storage().delete(key)


def content_types(keys: Iterable[str]) -> dict[str, str]:
    """{key: content type} for the keys some application points at."""
    from app.models import Application

    wanted = list(keys)
    if not wanted:
        return {}
    rows = db.session.execute(
        select(Application.resume_key, Application.resume_content_type).where(Application.resume_key.in_(wanted))
    )
    return {key: content_type for key, content_type in rows}
