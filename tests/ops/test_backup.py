"""`flask backup create|restore`: a populated database and its uploads, restored into an empty database."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from app.extensions import db
from app.models import Application, Company, User
from tests.factories import Factory


def migrate(app: Flask) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


def populate(app: Flask, uploads: Path) -> None:
    with app.app_context():
        factory = Factory()
        tenant = factory.tenant()
        for _ in range(3):
            factory.application(factory.candidate(), tenant["job"])
    (uploads / "resumes" / "7").mkdir(parents=True)
    (uploads / "resumes" / "7" / "cv.pdf").write_bytes(b"%PDF-1.4 a resume")


def snapshot(app: Flask) -> dict:
    """Row counts of every table, and a few rows to compare field by field."""
    with app.app_context():
        counts = {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }
        counts["alembic_version"] = db.session.scalar(text("SELECT count(*) FROM alembic_version"))
        rows = {
            "users": db.session.execute(
                select(User.id, User.email, User.role, User.password_hash).order_by(User.id)
            ).all(),
            "companies": db.session.execute(select(Company.id, Company.name, Company.slug).order_by(Company.id)).all(),
            "applications": db.session.execute(
                select(Application.id, Application.stage, Application.candidate_id, Application.created_at).order_by(
                    Application.id
                )
            ).all(),
        }
        db.session.remove()
    return {"counts": counts, "rows": {name: [tuple(row) for row in value] for name, value in rows.items()}}


def round_trip(make_app, source_url: str, target_url: str, tmp_path: Path) -> None:
    source_uploads, target_uploads = tmp_path / "uploads-a", tmp_path / "uploads-b"
    source_uploads.mkdir()
    source = make_app(SQLALCHEMY_DATABASE_URI=source_url, UPLOAD_DIR=str(source_uploads))
    migrate(source)
    populate(source, source_uploads)
    before = snapshot(source)
    assert before["counts"]["applications"] == 3 and before["counts"]["users"] == 6

    archive = tmp_path / "backup.tar"
    created = source.test_cli_runner().invoke(args=["backup", "create", str(archive)])
    assert created.exit_code == 0, created.output
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", "uploads/resumes/7/cv.pdf"} <= names
    assert not list(tmp_path.glob("*.partial"))

    target = make_app(SQLALCHEMY_DATABASE_URI=target_url, UPLOAD_DIR=str(target_uploads))
    restored = target.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
    assert restored.exit_code == 0, restored.output
    after = snapshot(target)
    assert after == before
    assert (target_uploads / "resumes" / "7" / "cv.pdf").read_bytes() == b"%PDF-1.4 a resume"

    # The restored database is a working one: new rows get fresh ids (sequences came along).
    with target.app_context():
        company, _admin = Factory().company("After the restore")
        assert company.id > max(row[0] for row in before["rows"]["companies"])
        db.session.remove()

    # Restoring over a database with data needs --force.
    again = target.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
    assert again.exit_code != 0
    assert "not empty" in again.output


@pytest.mark.postgres
def test_postgres_backup_restores_into_an_empty_database(make_app, new_pg_database, tmp_path):
    round_trip(make_app, new_pg_database(), new_pg_database(), tmp_path)


def test_sqlite_backup_restores_into_an_empty_database(make_app, tmp_path):
    round_trip(make_app, f"sqlite:///{tmp_path / 'live.db'}", f"sqlite:///{tmp_path / 'restored.db'}", tmp_path)


def test_restore_refuses_what_is_not_a_backup(make_app, tmp_path):
    bogus = tmp_path / "bogus.tar"
    with tarfile.open(bogus, "w") as tar:
        tar.add(__file__, arcname="something.py")
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.db'}")
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(bogus)])
    assert result.exit_code != 0
    assert "no manifest.json" in result.output
