"""How long each hiring report takes through the service layer, on an already seeded database.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ats_bench_reports APP_ENV=development \\
        .venv/bin/python bench/reports_latency.py --runs 7

Point DATABASE_URL at a database filled by `flask seed bench --applications 200000`
(a copy of `ats_bench_seed`, or one of your own; it is only read). The reports run
as the recruiter of the largest company (by applications) and of a typical one
(the median company), with no filter and then with each filter, every report
`--runs` times after one warm-up run. Printed: p50 and max in ms per report, and
the statements each one sent. Nothing is written to the database.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _companies(db) -> tuple[int, int]:
    """(largest company id, median company id) by applications."""
    from sqlalchemy import func, select

    from app.models import Application

    rows = db.session.execute(
        select(Application.company_id, func.count()).group_by(Application.company_id).order_by(func.count().desc())
    ).all()
    return rows[0][0], rows[len(rows) // 2][0]


def _recruiter(db, company_id: int):
    from sqlalchemy import select

    from app.models import User

    return db.session.scalars(
        select(User).where(User.company_id == company_id, User.role == "recruiter").order_by(User.id).limit(1)
    ).one()


def _filters(db, company_id: int) -> dict[str, dict]:
    """Named filter sets: none, the company's busiest job, its department, a source, a month."""
    from sqlalchemy import func, select

    from app.models import Application, Job

    job_id, department = db.session.execute(
        select(Job.id, Job.department)
        .join(Application, Application.job_id == Job.id)
        .where(Job.company_id == company_id)
        .group_by(Job.id, Job.department)
        .order_by(func.count().desc())
        .limit(1)
    ).one()
    today = datetime.now(UTC).date()
    month = {"from": (today - timedelta(days=120)).isoformat(), "to": (today - timedelta(days=90)).isoformat()}
    sets = {"none": {}, "job": {"job_id": str(job_id)}, "source": {"source": "referral"}, "from-to": month}
    if department:
        sets["department"] = {"department": department}
    return sets


def _time(call, runs: int) -> dict:
    from sqlalchemy import event

    from app.extensions import db

    statements = []

    def count(*_args, **_kwargs):
        statements.append(1)

    call()  # warm-up: plans, caches
    times = []
    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        for _ in range(runs):
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
            db.session.rollback()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return {
        "p50_ms": round(statistics.median(times), 1),
        "max_ms": round(max(times), 1),
        "statements": len(statements) // runs,
    }


def measure(runs: int, only_none: bool) -> dict:
    from app import create_app
    from app.extensions import db
    from app.services import analytics

    app = create_app()
    out = {}
    with app.app_context():
        largest, typical = _companies(db)
        for label, company_id in (("largest", largest), ("typical", typical)):
            actor = _recruiter(db, company_id)
            company = {}
            for name, raw in _filters(db, company_id).items():
                if only_none and name != "none":
                    continue
                filters = analytics.parse_filters(raw)
                reports = {
                    "funnel": lambda f=filters, a=actor: analytics.funnel(a, f),
                    "time-in-stage": lambda f=filters, a=actor: analytics.time_in_stage(a, f),
                    "time-to-hire": lambda f=filters, a=actor: analytics.time_to_hire(a, f),
                    "sources": lambda f=filters, a=actor: analytics.sources(a, f),
                    "overview": lambda f=filters, a=actor: analytics.overview(a, f),
                    "page (summary)": lambda f=filters, a=actor: analytics.summary(a, f),
                }
                company[name] = {report: _time(call, runs) for report, call in reports.items()}
            applications = db.session.scalar(
                db.text("SELECT count(*) FROM applications WHERE company_id = :c"), {"c": company_id}
            )
            out[label] = {"company_id": company_id, "applications": applications, "filters": company}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-filters", action="store_true", help="only the unfiltered reports")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    results = measure(args.runs, args.no_filters)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for label, company in results.items():
        print(f"\n{label} company {company['company_id']} ({company['applications']:,} applications)")
        print(f"{'filter':<11} {'report':<15} {'p50 ms':>8} {'max ms':>8} {'stmts':>6}")
        for name, reports in company["filters"].items():
            for report, figures in reports.items():
                print(
                    f"{name:<11} {report:<15} {figures['p50_ms']:>8} {figures['max_ms']:>8} {figures['statements']:>6}"
                )


if __name__ == "__main__":
    main()
