"""`flask storage migrate`: the resumes of a single host's directory move into the database, and back."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.core.storage import DatabaseStorage, LocalStorage, get_storage
from app.extensions import db
from app.models import StoredFile
from app.services import applications
from app.services.resumes import ResumeUpload
from tests.api.conftest import docx_bytes, pdf_bytes
from tests.conftest import _wipe
from tests.factories import Factory


@pytest.fixture
def local_app(make_app, tmp_path):
    """A single host keeping resumes in its upload directory."""
    app = make_app(STORAGE_BACKEND="local", UPLOAD_DIR=str(tmp_path / "uploads"))
    with app.app_context():
        yield app
        db.session.rollback()
        _wipe()


def _applied(resumes: list[ResumeUpload]) -> list[tuple[str, str]]:
    """(resume key, content type) of one new application per upload."""
    factory = Factory()
    tenant = factory.tenant()
    made = [
        applications.apply(factory.candidate(), tenant["job"].id, resume=upload, consent=True) for upload in resumes
    ]
    db.session.commit()
    return [(application.resume_key, application.resume_content_type) for application in made]


def test_local_files_are_copied_into_the_table_once(local_app, make_app):
    uploads = [ResumeUpload("a.pdf", pdf_bytes("first")), ResumeUpload("b.docx", docx_bytes())]
    made = _applied(uploads)
    assert isinstance(get_storage(), LocalStorage)
    directory = Path(local_app.config["UPLOAD_DIR"])
    (directory / "0123abcd").write_bytes(b"left by a failed upload")
    runner = local_app.test_cli_runner()

    result = runner.invoke(args=["storage", "migrate", "--to", "database"])
    assert result.exit_code == 0, result.output
    assert "2 copied, 0 already there, 1 not referenced" in result.output
    db.session.expunge_all()
    for (key, content_type), upload in zip(made, uploads, strict=True):
        row = db.session.get(StoredFile, key)
        assert (row.data, row.content_type) == (upload.data, content_type)
    assert db.session.get(StoredFile, "0123abcd") is None

    again = runner.invoke(args=["storage", "migrate", "--to", "database"])
    assert "0 copied, 2 already there" in again.output

    # A host switched to the database serves the same resumes without the directory.
    for path in directory.iterdir():
        path.unlink()
    switched = make_app(STORAGE_BACKEND="database", UPLOAD_DIR=str(directory))
    with switched.app_context():
        assert isinstance(get_storage(), DatabaseStorage)
        assert get_storage().get(made[0][0]) == uploads[0].data


def test_the_database_can_be_copied_back_to_a_directory(local_app, make_app, tmp_path):
    database_app = make_app(STORAGE_BACKEND="database", UPLOAD_DIR=str(tmp_path / "unused"))
    with database_app.app_context():
        ((key, _content_type),) = _applied([ResumeUpload("cv.pdf", pdf_bytes("kept in the table"))])
        db.session.remove()
    result = local_app.test_cli_runner().invoke(args=["storage", "migrate", "--to", "local"])
    assert result.exit_code == 0, result.output
    assert "1 copied" in result.output
    assert (Path(local_app.config["UPLOAD_DIR"]) / key).read_bytes() == pdf_bytes("kept in the table")
    assert db.session.scalar(select(StoredFile.key)) == key  # a copy: the source stays
