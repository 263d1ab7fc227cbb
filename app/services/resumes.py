"""Resume uploads: checked by their content, stored under an unguessable key."""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import zipfile
from dataclasses import dataclass

from flask import current_app

from app.errors import ValidationFailed

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
    content_type = validate(upload)
    key = secrets.token_hex(16)
    directory = current_app.config["UPLOAD_DIR"]
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, key), "xb") as handle:
        handle.write(upload.data)
    return StoredResume(key, _safe_filename(upload.filename, content_type), content_type, len(upload.data))


def path_for(key: str) -> str:
    if not key or not all(ch in "0123456789abcdef" for ch in key):
        raise ValueError("bad resume key")
    return os.path.join(current_app.config["UPLOAD_DIR"], key)


def discard(key: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(path_for(key))
