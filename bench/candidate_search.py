"""Candidate search on PostgreSQL: p50/p99 of 1- and 3-word queries over N candidates with ~500-word resumes.

    python bench/candidate_search.py --postgres postgresql://postgres@127.0.0.1:5432/postgres --candidates 200000

Seeds a scratch database in SQL (one company holds every candidate, the worst
case for the company filter; each search document is ~500 words drawn with a
skewed frequency from a resume vocabulary, so common words match most people
and rare ones few), then times `candidate_search.search` (the service the API
calls: one statement, ranked, with snippets for the first page) in-process.
Prints one JSON line per query size.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.database import scratch

VOCABULARY = (  # noqa: SIM905 (a paragraph reads better than 130 quoted words)
    "python java kotlin golang rust typescript javascript react angular vue django flask spring kafka spark hadoop "
    "airflow postgres mysql redis mongodb elasticsearch kubernetes docker terraform ansible aws azure gcp linux "
    "engineer developer manager lead senior junior intern architect analyst scientist designer consultant "
    "data platform backend frontend fullstack mobile ios android embedded firmware security network cloud devops "
    "testing automation agile scrum kanban product marketing sales finance accounting recruiting operations "
    "university bachelor master degree certified experience years team project delivered improved reduced built "
    "designed migrated scaled launched mentored owned stakeholders customers revenue latency throughput pipeline "
    "reporting dashboards analytics machine learning statistics forecasting optimisation compliance audit budget "
    "english german french spanish fluent communication leadership collaboration remote hybrid relocation london "
    "berlin paris madrid lisbon amsterdam warsaw prague vienna zurich dublin stockholm oslo helsinki copenhagen"
).split()


def seed(url: str, candidates: int, words: int) -> float:
    from sqlalchemy import create_engine, text

    started = time.monotonic()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO companies (id, name, slug, created_at) VALUES (1, 'Bench', 'bench', now())"))
        conn.execute(
            text(
                "INSERT INTO candidates (id, company_id, full_name, email, links, source, created_at, updated_at) "
                "SELECT g, 1, 'Person ' || g || ' Surname' || (g % 997), 'person' || g || '@bench.example', "
                "'{}', 'careers_page', now(), now() FROM generate_series(1, :n) g"
            ),
            {"n": candidates},
        )
        # Skewed draws (a power of random()): the first words of the vocabulary are the common ones.
        conn.execute(
            text(
                "INSERT INTO candidate_search (candidate_id, company_id, name_email, document, indexed_at) "
                "SELECT c.id, 1, c.full_name || ' ' || c.email, "
                "(SELECT string_agg((CAST(:vocab AS text[]))[1 + floor(power(random(), 2.5) * :n)::int], ' ') "
                "   FROM generate_series(1, :w) w WHERE c.id > 0), now() "
                "FROM candidates c"
            ),
            {"w": words, "vocab": VOCABULARY, "n": len(VOCABULARY)},
        )
        conn.execute(text("ANALYZE candidate_search"))
        conn.execute(text("ANALYZE candidates"))
    engine.dispose()
    return time.monotonic() - started


def _seeded(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM candidate_search")).scalar()
    finally:
        engine.dispose()


def kept(postgres: str, name: str):
    """The database `name` on the server, created if missing and never dropped (drop it by hand when done)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(postgres.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False), lambda: None


def measure(app, queries: list[str], rounds: int) -> dict:
    from app.extensions import db
    from app.services import candidate_search

    actor = SimpleNamespace(is_authenticated=True, is_staff=True, company_id=1, id=1, role="recruiter", active=True)
    timings = []
    with app.app_context():
        # Untimed: the first search of the process opens the connection and fills PostgreSQL's caches.
        candidate_search.search(actor, q=queries[0], limit=20)
        db.session.rollback()
        for _ in range(rounds):
            for q in queries:
                started = time.perf_counter()
                candidate_search.search(actor, q=q, limit=20)
                timings.append((time.perf_counter() - started) * 1000)
                db.session.rollback()
    timings.sort()
    return {
        "queries": len(timings),
        "p50_ms": round(statistics.median(timings), 2),
        "p99_ms": round(timings[min(len(timings) - 1, int(len(timings) * 0.99))], 2),
        "max_ms": round(timings[-1], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", required=True)
    parser.add_argument("--candidates", type=int, default=200_000)
    parser.add_argument("--words", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--keep",
        metavar="NAME",
        help="seed database NAME once and keep it: a later run with the same NAME migrates it and reuses the data",
    )
    args = parser.parse_args()
    url, drop = kept(args.postgres, args.keep) if args.keep else scratch(args.postgres)
    try:
        from flask_migrate import upgrade

        from app import create_app
        from config import TestingConfig

        app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": ""})
        with app.app_context():
            upgrade()
        seconds = 0.0 if args.keep and _seeded(url) == args.candidates else seed(url, args.candidates, args.words)
        rng = random.Random(7)
        common, rare = VOCABULARY[:20], VOCABULARY[-60:]
        one = [rng.choice(common) for _ in range(10)] + [rng.choice(rare) for _ in range(10)]
        three = [" ".join(rng.sample(VOCABULARY, 3)) for _ in range(20)]
        for size, queries in (("1-word", one), ("3-word", three)):
            timing = measure(app, queries, args.rounds)
            row = {"scenario": "candidate_search", "query": size, "candidates": args.candidates,
                   "words": args.words, "seed_seconds": round(seconds, 1), **timing}  # fmt: skip
            print(json.dumps(row), flush=True)
        with app.app_context():
            from app.extensions import db

            db.engine.dispose()
    finally:
        drop()


if __name__ == "__main__":
    main()
