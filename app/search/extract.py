"""Resume text from PDF (pypdf) and DOCX (python-docx) bytes, in the worker only.

An unreadable file (no text layer, damaged) is an answer, never an exception:
`Extracted(status="unreadable", detail=...)`.
"""

from __future__ import annotations

import io
import logging
import zipfile
from dataclasses import dataclass

from app.services.resumes import DOCX, PDF, sniff

log = logging.getLogger(__name__)

TEXT_LIMIT = 200_000  # characters of text kept per resume
MAX_PAGES = 50  # a resume longer than this is read in part
MIN_TEXT = 20  # fewer letters than this: a scan without a text layer


@dataclass(frozen=True)
class Extracted:
    status: str  # ok | unreadable
    text: str = ""
    detail: str | None = None


def clean(text: str) -> str:
    """Whitespace folded, control characters dropped, capped at TEXT_LIMIT."""
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in text)
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)[:TEXT_LIMIT]


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt("")
    parts = []
    for page in reader.pages[:MAX_PAGES]:
        parts.append(page.extract_text() or "")
        if sum(map(len, parts)) > TEXT_LIMIT:
            break
    return "\n".join(parts)


def _docx(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def extract(data: bytes) -> Extracted:
    kind = sniff(data)
    if kind not in (PDF, DOCX):
        return Extracted("unreadable", detail="Not a PDF or DOCX file.")
    try:
        raw = _pdf(data) if kind == PDF else _docx(data)
    except (ValueError, KeyError, OSError, zipfile.BadZipFile, RecursionError, Exception) as error:
        # pypdf and python-docx raise many kinds of error on a damaged file; none may stop the worker.
        log.info("resume text: unreadable %s (%s)", kind, type(error).__name__)
        return Extracted("unreadable", detail=f"The file could not be read ({type(error).__name__}).")
    text = clean(raw)
    if sum(ch.isalpha() for ch in text) < MIN_TEXT:
        return Extracted("unreadable", detail="No text layer (a scanned image?).")
    return Extracted("ok", text=text)
