"""Migration 0010: every job takes the Standard pipeline; the downgrade folds custom stages into categories."""

from __future__ import annotations

import json

import pytest
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.migration_data import insert as _insert
from tests.migration_data import round_trip_on_postgres, round_trip_on_sqlite
from tests.migration_data import rows as _rows
from tests.migration_data import run as _run
from tests.migration_data import user as _user

BEFORE = "0006_candidates"
AFTER = "0010_pipelines"
T0, T1, T2 = "2026-01-01 09:00:00", "2026-01-02 09:00:00", "2026-01-03 09:00:00"
CHILDREN_FIRST = (
    "outbox_messages",
    "consents",
    "privacy_notices",
    "notes",
    "stage_changes",
    "rejection_reasons",
    "job_stage_counts",
    "applications",
    "candidates",
    "jobs",
    "stage_templates",
    "users",
    "companies",
)


def _seed_at_0006() -> dict:
    """A company, a job and two applications: one in screening, one rejected, with their history."""
    ids: dict = {"company": _insert("companies", name="Acme", slug="acme", created_at=T0)}
    ids["recruiter"] = _user("r@acme.example", "Rita", "recruiter", ids["company"])
    ids["job"] = _insert(
        "jobs", company_id=ids["company"], title="Engineer", description="", location="", remote=False,
        employment_type="full_time", status="open", created_at=T0, updated_at=T0,
    )  # fmt: skip
    paths = {"screened": ("applied", "screening"), "rejected": ("applied", "screening", "rejected")}
    for name, path in paths.items():
        record = _insert(
            "candidates", company_id=ids["company"], full_name=name, email=f"{name}@people.example", links="{}",
            source="careers_page", created_at=T0, updated_at=T0,
        )  # fmt: skip
        ids[name] = _insert(
            "applications", job_id=ids["job"], company_id=ids["company"], candidate_id=record, stage=path[-1],
            cover_letter="", source="careers_page", version=len(path), created_at=T0, updated_at=T0,
        )  # fmt: skip
        for n, (before, after) in enumerate(zip((None, *path), path, strict=False)):
            _insert(
                "stage_changes", application_id=ids[name], company_id=ids["company"], from_stage=before,
                to_stage=after, actor_id=ids["recruiter"], reason="No" if after == "rejected" else None,
                created_at=(T0, T1, T2)[n],
            )  # fmt: skip
    for stage in ("screening", "rejected"):
        _run(
            "INSERT INTO job_stage_counts (job_id, stage, company_id, count) VALUES (:job, :stage, :company, 1)",
            job=ids["job"], stage=stage, company=ids["company"],
        )  # fmt: skip
    return ids


def _check_round_trip(ids: dict) -> None:
    upgrade(revision=AFTER)
    ((name, stages, default),) = _rows("SELECT name, stages, is_default FROM stage_templates")
    stages = json.loads(stages) if isinstance(stages, str) else stages
    assert name == "Standard" and bool(default)
    assert [(s["key"], s["category"]) for s in stages] == [
        (k, k) for k in ("applied", "screening", "interview", "offer", "hired")
    ]
    assert _rows("SELECT COUNT(*) FROM rejection_reasons")[0][0] == 4
    ((job_stages, template_id),) = _rows("SELECT pipeline_stages, pipeline_template_id FROM jobs")
    job_stages = json.loads(job_stages) if isinstance(job_stages, str) else job_stages
    assert job_stages == stages and template_id is not None
    rows = {row[0]: row[1:] for row in _rows("SELECT id, stage, stage_category, stage_entered_at FROM applications")}
    assert rows[ids["screened"]][:2] == ("screening", "screening")
    assert str(rows[ids["screened"]][2]).startswith("2026-01-02")  # when it entered screening, from its history
    assert str(rows[ids["rejected"]][2]).startswith("2026-01-03")
    assert sorted(_rows("SELECT to_stage, to_category FROM stage_changes WHERE from_stage IS NOT NULL")) == [
        ("rejected", "rejected"), ("screening", "screening"), ("screening", "screening"),
    ]  # fmt: skip
    assert sorted(_rows("SELECT stage, category, count FROM job_stage_counts")) == [
        ("rejected", "rejected", 1), ("screening", "screening", 1),
    ]  # fmt: skip

    # A custom stage made after the upgrade: the screened application moves into it.
    custom = [*stages[:2], {"key": "take_home", "name": "Take-home", "category": "screening", "internal": True},
              *stages[2:]]  # fmt: skip
    _run("UPDATE jobs SET pipeline_stages = :stages", stages=json.dumps(custom))
    _run("UPDATE applications SET stage = 'take_home' WHERE id = :id", id=ids["screened"])
    _insert(
        "stage_changes", application_id=ids["screened"], company_id=ids["company"], from_stage="screening",
        to_stage="take_home", to_category="screening", actor_id=ids["recruiter"], created_at=T2,
    )  # fmt: skip
    _run("UPDATE job_stage_counts SET stage = 'take_home' WHERE stage = 'screening'")

    downgrade(revision=BEFORE)
    assert dict(_rows("SELECT id, stage FROM applications")) == {
        ids["screened"]: "screening",
        ids["rejected"]: "rejected",
    }
    assert ("screening", "screening") in _rows("SELECT from_stage, to_stage FROM stage_changes")
    assert sorted(_rows("SELECT stage, count FROM job_stage_counts")) == [("rejected", 1), ("screening", 1)]
    tables = set(db.inspect(db.engine).get_table_names())
    assert "stage_templates" not in tables and "rejection_reasons" not in tables


def test_upgrade_and_downgrade_with_data_on_sqlite(make_app, tmp_path):
    round_trip_on_sqlite(make_app, tmp_path / "pipelines.db", BEFORE, lambda: _check_round_trip(_seed_at_0006()))
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'pipelines.db'}")
    with app.app_context():
        assert "stage_templates" in db.inspect(db.engine).get_table_names()
        db.engine.dispose()


@pytest.mark.postgres
def test_upgrade_and_downgrade_with_data_on_postgres(app):
    round_trip_on_postgres(BEFORE, lambda: _check_round_trip(_seed_at_0006()), CHILDREN_FIRST)
