"""Candidate import on PostgreSQL: a generated CSV of N rows imported through the service, timed.

    python bench/candidate_import.py --postgres postgresql://postgres@127.0.0.1:5432/postgres --rows 10000

Makes a scratch database, a company with a recruiter and 20 open jobs, 1,000
people already known (so about 1 row in 20 is skipped as an existing
candidate), and a CSV of N rows the way a spreadsheet exports them: name,
email, a phone with its country code, LinkedIn, source, two tags, and a job
(by title) on every other row; a few rows are bad (an invalid email, a
duplicate within the file, an unknown job). Then it times what the worker does,
`candidate_import_run.run` (read and check every row, then batches of 1,000
candidates, tags, applications, history, counts and events), in-process.
Prints one JSON line.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.database import scratch

JOBS = 20
KNOWN = 1000


def make_csv(rows: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["Full name", "E-mail", "Phone number", "LinkedIn", "Source", "Tags", "Job"])
    for n in range(rows):
        email = f"known{n % KNOWN}@bench.example" if n % 20 == 7 else f"person{n}@bench.example"
        if n % 500 == 3:
            email = "not-an-email"
        if n % 500 == 4:
            email = f"person{n - 1}@bench.example"  # the row above again
        job = "" if n % 2 else f"Role {n % JOBS}"
        if n % 1000 == 5:
            job = "No such role"
        writer.writerow([
            f"Person {n} Surname{n % 997}", email, f"+44 20 7946 {n % 10000:04d}",
            f"linkedin.com/in/person-{n}", ("referral", "sourced", "LinkedIn")[n % 3],
            f"python, level-{n % 5}", job,
        ])  # fmt: skip
    return buffer.getvalue().encode()


def setup(app) -> object:
    from sqlalchemy import insert

    from app.extensions import db
    from app.models import Candidate
    from app.models.base import utcnow
    from app.services import companies, jobs

    with app.app_context():
        company, admin = companies.create_company(
            name="Bench", admin_email="admin@bench.example", admin_password="bench password 1",
            admin_full_name="Admin",
        )  # fmt: skip
        recruiter = companies.add_staff(
            admin, company.id, email="recruiter@bench.example", full_name="Recruiter", role="recruiter",
            password="bench password 1",
        )  # fmt: skip
        for n in range(JOBS):
            jobs.create_job(recruiter, title=f"Role {n}", status="open")
        now = utcnow()
        db.session.execute(
            insert(Candidate),
            [{"company_id": company.id, "full_name": f"Known {n}", "email": f"known{n}@bench.example",
              "email_key": f"known{n}@bench.example", "links": {}, "source": "sourced", "version": 1,
              "created_at": now, "updated_at": now} for n in range(KNOWN)],
        )  # fmt: skip
        db.session.commit()
        return recruiter.id


def measure(app, recruiter_id: int, data: bytes) -> dict:
    from app.extensions import db
    from app.models import CandidateImport, User
    from app.services import candidate_import_run, candidate_imports

    with app.app_context():
        recruiter = db.session.get(User, recruiter_id)
        row = candidate_imports.upload(recruiter, filename="bench.csv", data=data)
        candidate_imports.confirm(recruiter, row.id, row.mapping)
        db.session.commit()
        import_id = row.id
        started = time.perf_counter()
        outcome = candidate_import_run.run(import_id)
        seconds = time.perf_counter() - started
        done = db.session.get(CandidateImport, import_id)
        return {"outcome": outcome, "rows": done.total_rows, "created": done.created_count,
                "skipped": done.skipped_count, "seconds": round(seconds, 2),
                "rows_per_s": round(done.total_rows / seconds, 1)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", required=True)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    url, drop = scratch(args.postgres)
    try:
        from flask_migrate import upgrade

        from app import create_app
        from config import TestingConfig

        app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": "",
                                         "CANDIDATE_IMPORT_MAX_BYTES": 200 * 1024 * 1024})  # fmt: skip
        with app.app_context():
            upgrade()
        recruiter_id = setup(app)
        data = make_csv(args.rows)
        row = {"scenario": "candidate_import", "bytes": len(data), **measure(app, recruiter_id, data)}
        print(json.dumps(row), flush=True)
        with app.app_context():
            from app.extensions import db

            db.engine.dispose()
    finally:
        drop()


if __name__ == "__main__":
    main()
