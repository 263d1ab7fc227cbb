"""Both storage backends keep the same promises: put, open, get, exists, delete, keys."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.core.storage import FileMissing, Storage, build, check_key, get_storage
from app.core.storage.database import DatabaseStorage
from app.core.storage.local import LocalStorage
from app.extensions import db
from app.models import StoredFile
from tests.api.conftest import pdf_bytes

PDF = "application/pdf"


@pytest.fixture(params=["local", "database"])
def storage(request, app) -> Storage:
    return build(request.param, app)


def test_put_then_read_back_byte_for_byte(storage):
    data = pdf_bytes("round trip") + bytes(range(256))
    storage.put("a1b2", data, PDF)
    db.session.commit()
    assert storage.exists("a1b2")
    assert storage.get("a1b2") == data
    stored = storage.open("a1b2")
    with stored.file as handle:
        assert handle.read() == data
    assert stored.size == len(data)
    assert list(storage.keys()) == ["a1b2"]


def test_missing_keys_are_reported_not_crashed_on(storage):
    assert not storage.exists("nothing")
    with pytest.raises(FileMissing):
        storage.open("nothing")
    with pytest.raises(FileMissing):
        storage.get("nothing")
    storage.delete("nothing")  # no error: deleting is idempotent


def test_delete_forgets_the_file(storage):
    storage.put("gone", b"%PDF-1.4 x", PDF)
    db.session.commit()
    storage.delete("gone")
    db.session.commit()
    assert not storage.exists("gone")
    assert list(storage.keys()) == []


def test_a_key_is_used_once(storage):
    storage.put("once", b"first", PDF)
    db.session.commit()
    db.session.expunge_all()  # as another process would see it
    with pytest.raises((FileExistsError, IntegrityError)):
        storage.put("once", b"second", PDF)
        db.session.flush()
    db.session.rollback()
    assert storage.get("once") == b"first"


@pytest.mark.parametrize("key", ["../etc/passwd", "a/b", ".hidden", "", "x" * 65, "nul\x00", "back\\slash"])
def test_keys_that_could_be_paths_are_refused(storage, key):
    with pytest.raises(ValueError):
        storage.put(key, b"data", PDF)
    with pytest.raises(ValueError):
        storage.open(key)
    with pytest.raises(ValueError):
        check_key(key)


def test_the_database_backend_records_size_type_and_checksum(app):
    data = pdf_bytes("checksum")
    DatabaseStorage().put("sum", data, PDF)
    db.session.commit()
    db.session.expunge_all()
    row = db.session.get(StoredFile, "sum")
    assert (row.size, row.content_type, row.sha256) == (len(data), PDF, hashlib.sha256(data).hexdigest())
    assert row.created_at.tzinfo is not None


def test_database_writes_belong_to_the_callers_transaction(app):
    DatabaseStorage().put("undone", b"%PDF-1.4", PDF)
    db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(StoredFile.key)) is None


def test_deleting_a_file_put_in_the_same_transaction_writes_nothing(app, count_statements):
    storage = DatabaseStorage()
    storage.put("pending", b"%PDF-1.4", PDF)
    with count_statements() as log:
        storage.delete("pending")
        db.session.commit()
    assert log.count == 0, log.report()
    assert not storage.exists("pending")


def test_local_backend_writes_into_the_upload_directory(app):
    directory = Path(app.config["UPLOAD_DIR"])
    storage = LocalStorage(str(directory))
    storage.put("abc", b"bytes", PDF)
    assert (directory / "abc").read_bytes() == b"bytes"
    (directory / "subdir").mkdir()
    (directory / ".tmp").write_bytes(b"")
    assert list(storage.keys()) == ["abc"]  # directories and non-key names are not files of the store


def test_the_configured_backend_is_used(app, make_app):
    assert isinstance(get_storage(), DatabaseStorage)
    local = make_app(STORAGE_BACKEND="local")
    with local.app_context():
        assert isinstance(get_storage(), LocalStorage)


def test_an_unknown_backend_refuses_to_start(make_app):
    with pytest.raises(RuntimeError, match="STORAGE_BACKEND"):
        make_app(STORAGE_BACKEND="s3")
