"""Fixtures of the import tests: a messy CSV, a ZIP of resumes, running an import through the service."""

from __future__ import annotations

import io
import zipfile

import pytest

from app.extensions import db
from app.models import CandidateImport
from app.services import candidate_import_run, candidate_imports
from tests.api.conftest import api, token, world  # noqa: F401 (fixtures)

PDF = b"%PDF-1.4\n%resume\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def csv_bytes(lines: list[str], encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def run_import():
    """run_import(actor, data, mapping=None, resumes=None) -> the finished CandidateImport (committed)."""

    def run(actor, data: bytes, mapping: dict | None = None, resumes: bytes | None = None) -> CandidateImport:
        row = candidate_imports.upload(actor, filename="people.csv", data=data, resumes=resumes)
        db.session.commit()
        candidate_imports.confirm(actor, row.id, mapping if mapping is not None else row.mapping)
        db.session.commit()
        assert candidate_import_run.run(row.id) == "done", db.session.get(CandidateImport, row.id).error
        db.session.expire_all()
        return db.session.get(CandidateImport, row.id)

    return run
