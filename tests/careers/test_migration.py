"""0007_careers on a database that already has jobs and applications."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import column, insert, inspect, select, table

from app.extensions import db
from app.models import Job
from app.models.base import utcnow


def test_existing_jobs_keep_showing_their_salary_and_the_way_back_works(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'careers.db'}")
    with app.app_context():
        upgrade(revision="0003_company_stage_totals")
        now = utcnow().replace(tzinfo=None)
        rows = {
            "companies": [{"id": 1, "name": "A", "slug": "a", "created_at": now}],
            "users": [{"id": 1, "email": "c@x.example", "full_name": "C", "role": "candidate", "active": True,
                       "auth_version": 1, "created_at": now}],
            "jobs": [{"id": 1, "company_id": 1, "title": "T", "description": "", "location": "", "remote": False,
                      "employment_type": "full_time", "status": "open", "salary_min": 10, "created_at": now,
                      "updated_at": now}],
            "applications": [{"id": 1, "job_id": 1, "company_id": 1, "candidate_id": 1, "stage": "applied",
                              "version": 1, "cover_letter": "", "created_at": now, "updated_at": now}],
        }  # fmt: skip
        for name, values in rows.items():
            db.session.execute(insert(table(name, *(column(key) for key in values[0]))), values)
        db.session.commit()

        upgrade()
        job = db.session.execute(select(Job.salary_visible, Job.headcount, Job.department, Job.closes_at)).one()
        assert tuple(job) == (True, 1, "", None)
        db.session.commit()

        downgrade(revision="0003_company_stage_totals")
        columns = {c["name"] for c in inspect(db.engine).get_columns("jobs")}
        assert not columns & {"salary_visible", "headcount", "department", "closes_at"}
        assert db.session.execute(select(column("id")).select_from(table("applications"))).scalar() == 1
        db.session.remove()
        db.engine.dispose()
