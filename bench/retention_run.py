"""The retention run over the 200k bench data: how long anonymising ~20,000 candidates takes, batch by batch.

    python bench/retention_run.py --postgres postgresql://postgres@127.0.0.1:5432/postgres

Uses the bench seed (`ats_bench_seed`, made by `make bench` or here the first time) through a copy of its
own (`ats_bench_retention`, dropped afterwards). Every company gets the same policy, "anonymise N days
after the last application ended", with N the largest that makes at least `--due` candidates due; then the
daily task runs (`retention.run_policies`: batches of RETENTION_BATCH, one transaction each) while a
second connection keeps reading a page of applications and writing one row of a company's own, as the
site would: their latencies show whether the run blocks anyone. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import database

ROOT = Path(__file__).resolve().parent.parent
NAME = "ats_bench_retention"
DAYS = (180, 150, 120, 100, 90, 75, 60, 45, 30, 20, 10, 5)


def _quantiles(values: list[float]) -> dict:
    values = sorted(values)
    if not values:
        return {"count": 0}
    return {
        "count": len(values),
        "p50_ms": round(statistics.median(values), 1),
        "p99_ms": round(values[min(len(values) - 1, int(len(values) * 0.99))], 1),
        "max_ms": round(values[-1], 1),
    }


class SiteTraffic(threading.Thread):
    """A read of a page of applications and a one-row write, over and over, on a connection of its own."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        from sqlalchemy import create_engine

        self.engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        self.stop = threading.Event()
        self.reads: list[float] = []
        self.writes: list[float] = []

    def run(self) -> None:
        from sqlalchemy import text

        with self.engine.connect() as conn:
            job_id = conn.execute(text("SELECT id FROM jobs WHERE status = 'open' ORDER BY id LIMIT 1")).scalar_one()
            conn.commit()
            while not self.stop.is_set():
                started = time.perf_counter()
                page = text("SELECT id, stage FROM applications WHERE job_id = :j ORDER BY id DESC LIMIT 20")
                conn.execute(page, {"j": job_id}).all()
                conn.commit()
                self.reads.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                conn.execute(text("UPDATE jobs SET updated_at = now() WHERE id = :j"), {"j": job_id})
                conn.commit()
                self.writes.append((time.perf_counter() - started) * 1000)
                time.sleep(0.05)
        self.engine.dispose()


def _choose_days(app, target: int) -> tuple[int, int]:
    """The largest number of days (from DAYS) that makes at least `target` candidates due, and how many."""
    from app.extensions import db
    from app.models import Company
    from app.services import retention

    companies = db.session.scalars(db.select(Company)).all()
    due = 0
    for days in DAYS:
        for company in companies:
            company.retention_days = days
        db.session.flush()
        due = sum(len(retention.due(company)) for company in companies)
        if due >= target:
            break
    db.session.commit()
    return days, due


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--applications", type=int, default=200_000)
    parser.add_argument("--due", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="ats-bench-retention-"))
    seed_env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "DATABASE_", "REDIS_"))}
    seed_env.update(APP_ENV="development", INSTANCE_PATH=str(workdir), REDIS_URL="", MAIL_BACKEND="file")
    summary_dir = ROOT / "instance"
    summary_dir.mkdir(exist_ok=True)
    database.prepare(args.postgres, "ats_bench", args.applications, seed_env, summary_dir)
    database.clone(args.postgres, "ats_bench_seed", NAME)
    url = database.database_url(args.postgres, NAME)
    try:
        from app import create_app
        from config import TestingConfig

        app = create_app(
            TestingConfig,
            {"SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://", 1), "REDIS_URL": "",
             "RETENTION_BATCH": args.batch, "UPLOAD_DIR": str(workdir / "uploads")},
        )  # fmt: skip
        from app.extensions import db
        from app.models import RetentionRun
        from app.services import retention

        with app.app_context():
            days, due = _choose_days(app, args.due)
            traffic = SiteTraffic(url)
            traffic.start()
            started = time.monotonic()
            anonymised = retention.run_policies(app)
            seconds = time.monotonic() - started
            traffic.stop.set()
            traffic.join()
            runs = db.session.scalars(db.select(RetentionRun)).all()
            batch_ms = [(r.finished_at - r.started_at).total_seconds() * 1000 for r in runs]
            db.engine.dispose()
        row = {
            "scenario": "retention_run",
            "applications": args.applications,
            "policy_days": days,
            "due": due,
            "anonymised": anonymised,
            "seconds": round(seconds, 1),
            "candidates_per_s": round(anonymised / seconds, 1) if seconds else None,
            "batch_size": args.batch,
            "batches": len(runs),
            "batch": _quantiles(batch_ms),
            "site_read": _quantiles(traffic.reads),
            "site_write": _quantiles(traffic.writes),
        }
        print(json.dumps(row), flush=True)
    finally:
        database.drop(args.postgres, NAME)


if __name__ == "__main__":
    main()
