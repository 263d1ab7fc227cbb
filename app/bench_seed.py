"""Data at scale for the benchmark: `flask seed bench --applications 200000`.

Rows are generated in Python with their ids assigned up front and written in
batches: PostgreSQL gets COPY through psycopg, other databases a Core
executemany. Nothing goes through the ORM one object at a time, and one password
hash is computed once and shared by every seeded account.

The data follows the domain rules: staff belong to their company, candidates to
none; every application's history is a legal walk of the stage machine starting
at "applied", its version counts those changes, and its company is its job's.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Table, func, select, text

from app.extensions import db
from app.models import Application, ApplicationSummary, Candidate, Company, Job, JobStageCount, StageChange, User
from app.security import hash_password
from app.services import stage_counts
from app.workflow import PIPELINE, standard_stages_json

# The big job's pipeline: the standard stages (its applications' keys) and four more.
NINE_STAGES = [
    {"key": "applied", "name": "Applied", "category": "applied", "internal": False},
    {"key": "screening", "name": "Recruiter screen", "category": "screening", "internal": False},
    {"key": "phone_screen", "name": "Phone screen", "category": "screening", "internal": False},
    {"key": "take_home", "name": "Take-home", "category": "screening", "internal": True},
    {"key": "interview", "name": "Technical interview", "category": "interview", "internal": False},
    {"key": "onsite", "name": "Onsite", "category": "interview", "internal": False},
    {"key": "references", "name": "References", "category": "interview", "internal": True},
    {"key": "offer", "name": "Offer", "category": "offer", "internal": False},
    {"key": "hired", "name": "Hired", "category": "hired", "internal": False},
]

BENCH_PASSWORD = "bench-password-123"  # noqa: S105 - printed bench login, local data only
BATCH = 10_000

# Final stage of an application and how often it occurs.
STAGE_WEIGHTS = {
    "applied": 34,
    "screening": 18,
    "interview": 11,
    "offer": 4,
    "hired": 3,
    "rejected": 24,
    "withdrawn": 6,
}
REASONS = ("Not enough experience with our stack.", "Salary expectations too far apart.", "Position filled.")
NOTES = ("Strong portfolio.", "Good call, moving on.", "Scheduled with the team.", None, None, None)

_ADJECTIVES = (
    "Northwind", "Blue Harbor", "Copperleaf", "Evergreen", "Ironbridge", "Lumen", "Maple Grove", "Nimbus",
    "Oakridge", "Pinecrest", "Quartz", "Redwood", "Silverline", "Tidewater", "Umbra", "Vertex",
)  # fmt: skip
_NOUNS = ("Robotics", "Logistics", "Health", "Analytics", "Foods", "Energy", "Labs", "Studios", "Systems", "Finance")
_SENIORITY = ("Junior", "", "", "Senior", "Senior", "Staff", "Lead", "Principal")
_ROLES = (
    "Backend Engineer", "Frontend Engineer", "Full Stack Developer", "Data Scientist", "Data Engineer",
    "Product Manager", "DevOps Engineer", "QA Engineer", "Product Designer", "Mobile Developer",
    "Security Engineer", "Site Reliability Engineer", "Account Executive", "Customer Success Manager",
    "Support Specialist", "Marketing Manager", "Technical Writer", "Recruiter", "Financial Analyst", "Nurse",
)  # fmt: skip
_SKILLS = ("Python", "Go", "Rust", "React", "Kotlin", "PostgreSQL", "Kubernetes", "TypeScript", "Java", "Swift")
_LOCATIONS = (
    "Berlin", "Amsterdam", "Lisbon", "Dublin", "Paris", "Madrid", "Warsaw", "Vienna", "Zurich", "Munich",
    "London", "Stockholm", "Copenhagen", "Prague", "Milan", "Barcelona", "Oslo", "Helsinki", "Brussels", "Remote",
)  # fmt: skip
_EMPLOYMENT = ("full_time",) * 6 + ("part_time", "contract", "internship", "temporary")
_FIRST = ("Ada", "Alan", "Grace", "Linus", "Barbara", "Ken", "Margaret", "Edsger", "Frances", "Donald", "Radia",
          "Tim", "Hedy", "John", "Karen", "Niklaus", "Sophie", "Dennis", "Lynn", "Guido")  # fmt: skip
_LAST = ("Lovelace", "Turing", "Hopper", "Torvalds", "Liskov", "Thompson", "Hamilton", "Dijkstra", "Allen",
         "Knuth", "Perlman", "Berners-Lee", "Lamarr", "Backus", "Jones", "Wirth", "Wilson", "Ritchie", "Conway",
         "van Rossum")  # fmt: skip
SEARCH_TERMS = ("python", "engineer", "designer", "kubernetes", "berlin", "data")


@dataclass(frozen=True)
class BenchSize:
    applications: int
    companies: int
    jobs: int
    candidates: int
    big_job: int  # applications of the one job a recruiter pages through
    applicants: int  # candidates with no application yet, for the apply scenario

    @classmethod
    def for_applications(
        cls,
        applications: int,
        *,
        companies: int | None = None,
        jobs: int | None = None,
        candidates: int | None = None,
    ) -> BenchSize:
        """Proportions of a busy installation; 200k applications -> 100 companies, 2,000 jobs, 100k candidates."""
        if applications < 10:
            raise ValueError("--applications must be at least 10")
        big_job = min(5000, applications // 4)
        companies = companies or max(3, min(200, applications // 2000))
        jobs = jobs or max(companies * 4, applications // 100)
        candidates = candidates or max(big_job, applications // 2, 10)
        if companies < 2 or jobs < companies * 2:
            raise ValueError("need at least 2 companies and 2 jobs per company")
        if candidates < big_job:
            raise ValueError(f"--candidates must be at least {big_job} (the largest job's applications)")
        applicants = min(20_000, max(100, applications // 10))
        return cls(applications, companies, jobs, candidates, big_job, applicants)


class _Writer:
    """Writes rows with explicit ids: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.copy = connection.dialect.name == "postgresql"

    def write(self, table: Table, columns: Sequence[str], rows: Iterable[tuple]) -> None:
        if self.copy:
            raw = self.connection.connection.driver_connection
            statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            self.connection.execute(table.insert(), [dict(zip(columns, row, strict=True)) for row in rows])

    def reset_sequences(self, tables: Iterable[Table]) -> None:
        if not self.copy:
            return  # SQLite's INTEGER PRIMARY KEY continues from the largest id by itself
        for table in tables:  # names from the models' own metadata, never from input
            name = table.name
            sql = f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"  # noqa: S608
            self.connection.execute(text(sql))


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _company_name(index: int) -> str:
    adjective, noun = _ADJECTIVES[index % len(_ADJECTIVES)], _NOUNS[(index // len(_ADJECTIVES)) % len(_NOUNS)]
    cycle = index // (len(_ADJECTIVES) * len(_NOUNS))
    return f"{adjective} {noun}" + (f" {cycle + 1}" if cycle else "")


def _description(title: str, company: str, location: str, rng: random.Random) -> str:
    skills = ", ".join(rng.sample(_SKILLS, 3))
    return (
        f"{company} is hiring a {title} in {location}.\n\n"
        f"You will work with {skills} on a product used by thousands of customers, "
        "own features end to end and review each other's work.\n\n"
        "We offer flexible hours, a learning budget and a calm, focused team."
    )


def seed_bench_data(size: BenchSize, *, seed: int = 1, progress: Callable[[int], None] | None = None) -> dict:
    """Fill an empty database; returns a summary for the benchmark harness."""
    started = time.monotonic()
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    connection = db.session.connection()
    writer = _Writer(connection)
    password_hash = hash_password(BENCH_PASSWORD)
    ids = {t: (db.session.scalar(select(func.max(t.c.id))) or 0) + 1 for t in _tables()}

    # Companies, each with an admin, a recruiter and a hiring manager.
    companies, staff = [], []
    first_company, user_id = ids[Company.__table__], ids[User.__table__]
    for index in range(size.companies):
        name = _company_name(index)
        slug = f"{_slug(name)}-{index + 1}"
        created = now - timedelta(days=400 - index % 30)
        companies.append((first_company + index, name, slug, f"https://{slug}.example", f"{name}.", created))
        for role, person in (("admin", "Admin"), ("recruiter", "Recruiter"), ("hiring_manager", "Manager")):
            email = f"{role.replace('_', '-')}@{slug}.example"
            staff.append((user_id, email, f"{name} {person}", password_hash, role, first_company + index, created))
            user_id += 1
    writer.write(Company.__table__, ("id", "name", "slug", "website", "description", "created_at"), companies)
    user_columns = ("id", "email", "full_name", "password_hash", "role", "company_id", "active", "auth_version",
                    "created_at")  # fmt: skip
    writer.write(User.__table__, user_columns, ((*row[:6], True, 1, row[6]) for row in staff))
    recruiter_of = {row[5]: row[0] for row in staff if row[4] == "recruiter"}
    admin_of = {row[5]: row[0] for row in staff if row[4] == "admin"}

    # Candidates (who applied) and applicants (who will apply during the benchmark).
    first_candidate = user_id
    people = size.candidates + size.applicants
    for start in range(0, people, BATCH):
        rows = []
        for n in range(start, min(start + BATCH, people)):
            kind, number = ("candidate", n + 1) if n < size.candidates else ("applicant", n - size.candidates + 1)
            full_name = f"{_FIRST[n % 20]} {_LAST[(n // 20) % 20]}"
            created = now - timedelta(days=200, minutes=n % 10_000)
            rows.append((first_candidate + n, f"{kind}{number}@bench.example", full_name, password_hash,
                         "candidate", None, True, 1, created))  # fmt: skip
        writer.write(User.__table__, user_columns, rows)

    # Jobs: the largest company gets a quarter of them; mostly open, some drafts and closed.
    first_job = ids[Job.__table__]
    jobs, job_company, job_weight = [], [], []
    as_json = json.dumps if writer.copy else list  # COPY takes JSON text, executemany the value
    standard, nine = as_json(standard_stages_json()), as_json(NINE_STAGES)
    for index in range(size.jobs):
        pipeline_value = nine if index == 0 else standard  # the big job's board has nine columns
        company_index = 0 if index % 4 == 0 else 1 + index % (size.companies - 1)
        company_id = first_company + company_index
        status = "draft" if index % 12 == 5 else "closed" if index % 8 == 3 else "open"  # ~8% and ~11%
        seniority = rng.choice(_SENIORITY)
        title = f"{seniority} {rng.choice(_ROLES)}".strip()
        if rng.random() < 0.4:
            title += f" ({rng.choice(_SKILLS)})"
        location = rng.choice(_LOCATIONS)
        remote = location == "Remote" or rng.random() < 0.3
        low = rng.randrange(30, 120) * 1000 if rng.random() < 0.6 else None
        created = now - timedelta(days=rng.randrange(30, 200))
        opened = created if status != "draft" else None
        closed = created + timedelta(days=20) if status == "closed" else None
        description = _description(title, companies[company_index][1], location, rng)
        salary = (low, low + 20000, "EUR") if low else (None, None, None)
        jobs.append(
            (first_job + index, company_id, title, description, location, remote, rng.choice(_EMPLOYMENT), *salary,
             status, recruiter_of[company_id], created, created, opened, closed, pipeline_value)
        )  # fmt: skip
        job_company.append(company_id)
        job_weight.append(0.0 if status == "draft" else (2.0 if company_index == 0 else 1.0) * (0.5 + rng.random()))
    job_columns = ("id", "company_id", "title", "description", "location", "remote", "employment_type", "salary_min",
                   "salary_max", "salary_currency", "status", "created_by_id", "created_at", "updated_at",
                   "opened_at", "closed_at", "pipeline_stages")  # fmt: skip
    writer.write(Job.__table__, job_columns, jobs)

    counts = _spread(size.applications - size.big_job, job_weight[1:], cap=min(size.big_job - 1, size.candidates))
    counts.insert(0, size.big_job)

    # Applications with their history, a batch at a time.
    app_columns = ("id", "job_id", "company_id", "candidate_id", "stage", "cover_letter", "version", "created_at",
                   "updated_at", "stage_entered_at", "stage_category")  # fmt: skip
    change_columns = ("id", "application_id", "company_id", "from_stage", "to_stage", "actor_id", "note", "reason",
                      "created_at", "to_category")  # fmt: skip
    stages, weights = tuple(STAGE_WEIGHTS), tuple(itertools.accumulate(STAGE_WEIGHTS.values()))
    application_id, change_id = ids[Application.__table__], ids[StageChange.__table__]
    apps, changes, stage_totals = [], [], dict.fromkeys(stages, 0)
    # Each company's record of each person who applied there, made on their first application.
    record_of: dict[tuple[int, int], int] = {}
    records: list[tuple] = []
    record_id = ids[Candidate.__table__]
    candidate_columns = ("id", "company_id", "full_name", "email", "links", "source", "user_id", "created_at",
                         "updated_at")  # fmt: skip
    person = {first_candidate + n: (f"{_FIRST[n % 20]} {_LAST[(n // 20) % 20]}", f"candidate{n + 1}@bench.example")
              for n in range(size.candidates)}  # fmt: skip
    links_value = "{}" if writer.copy else {}  # COPY takes JSON text, executemany the value
    for job_index, count in enumerate(counts):
        job_id, company_id = first_job + job_index, job_company[job_index]
        mover = recruiter_of[company_id] if job_index % 3 else admin_of[company_id]
        start = rng.randrange(size.candidates)
        job_created = jobs[job_index][12]
        for k in range(count):
            user = first_candidate + (start + k) % size.candidates
            candidate_id = record_of.get((company_id, user))
            if candidate_id is None:
                candidate_id = record_of[(company_id, user)] = record_id
                records.append((record_id, company_id, *person[user], links_value, "careers_page", user,
                                job_created, job_created))  # fmt: skip
                record_id += 1
            final = rng.choices(stages, cum_weights=weights)[0]
            stage_totals[final] += 1
            if final in PIPELINE:
                path = PIPELINE[: PIPELINE.index(final) + 1]
            else:
                path = (*PIPELINE[: rng.randrange(4) + 1], final)
            at = job_created + timedelta(hours=rng.randrange(1, 24 * 25))
            previous = None
            for stage in path:
                actor = user if stage in ("applied", "withdrawn") else mover
                note = rng.choice(NOTES) if actor == mover else None
                reason = rng.choice(REASONS) if stage == "rejected" else None
                changes.append((change_id, application_id, company_id, previous, stage, actor, note, reason, at, stage))
                change_id += 1
                previous = stage
                at += timedelta(hours=rng.randrange(2, 24 * 4))
            created = changes[-len(path)][8]
            apps.append((application_id, job_id, company_id, candidate_id, final,
                         f"Dear hiring team,\n\nI would like to apply for job {job_id}.", len(path), created,
                         changes[-1][8], changes[-1][8], final))  # fmt: skip
            application_id += 1
            if len(apps) >= BATCH:
                _flush_applications(writer, (candidate_columns, records), app_columns, apps, change_columns, changes,
                                    progress)  # fmt: skip
    _flush_applications(writer, (candidate_columns, records), app_columns, apps, change_columns, changes, progress)
    writer.reset_sequences(_tables())
    stage_counts.rebuild()
    db.session.flush()

    big_company = companies[0]
    open_jobs = [row[0] for row in jobs if row[10] == "open"]
    return {
        "applications": size.applications,
        "size": asdict(size),
        "seed": seed,
        "password": BENCH_PASSWORD,
        "big_company": {
            "id": big_company[0],
            "name": big_company[1],
            "slug": big_company[2],
            "applications": sum(c for c, j in zip(counts, job_company, strict=True) if j == big_company[0]),
            "admin_email": f"admin@{big_company[2]}.example",
            "recruiter_email": f"recruiter@{big_company[2]}.example",
            "hiring_manager_email": f"hiring-manager@{big_company[2]}.example",
        },
        "big_job": {"id": first_job, "title": jobs[0][2], "applications": size.big_job},
        "open_job_ids": open_jobs[:500],
        "applicants": {"first_id": first_candidate + size.candidates, "count": size.applicants},
        "candidate_email": "candidate1@bench.example",
        "search_terms": list(SEARCH_TERMS),
        "stages": stage_totals,
        "stage_changes": change_id - ids[StageChange.__table__],
        "seconds": round(time.monotonic() - started, 1),
    }


def _flush_applications(writer, people, app_columns, apps, change_columns, changes, progress) -> None:
    if not apps:
        return
    candidate_columns, records = people
    if records:
        writer.write(Candidate.__table__, candidate_columns, records)
        records.clear()
    writer.write(Application.__table__, app_columns, apps)
    writer.write(StageChange.__table__, change_columns, changes)
    if progress:
        progress(len(apps))
    apps.clear()
    changes.clear()


def _spread(total: int, weights: list[float], *, cap: int) -> list[int]:
    """Split `total` over the weights, no share above `cap` (the rest goes round the others)."""
    weight_sum = sum(weights)
    if weight_sum <= 0 or cap * sum(1 for w in weights if w > 0) < total:
        raise ValueError("not enough open jobs or candidates for that many applications")
    counts = [min(cap, int(total * w / weight_sum)) for w in weights]
    left = total - sum(counts)
    for index in itertools.cycle([i for i, w in enumerate(weights) if w > 0]):
        if left == 0:
            break
        if counts[index] < cap:
            counts[index] += 1
            left -= 1
    return counts


def _tables() -> tuple[Table, ...]:
    return (
        Company.__table__,
        User.__table__,
        Candidate.__table__,
        Job.__table__,
        Application.__table__,
        StageChange.__table__,
    )


def vacuum_analyze() -> None:
    """Planner statistics and a visibility map after a bulk load (PostgreSQL only), as autovacuum
    would leave them in a running installation; without it index-only scans still visit the heap."""
    engine = db.session.get_bind()
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in (*_tables(), JobStageCount.__table__, ApplicationSummary.__table__):
            conn.execute(text(f"VACUUM ANALYZE {table.name}"))


def run_seed_bench(
    applications: int,
    companies: int | None,
    jobs: int | None,
    candidates: int | None,
    random_seed: int,
    output: str | None,
) -> dict:
    """The `flask seed bench` command: refuse a non-empty database, seed, commit, write the summary."""
    import json
    import os

    import click
    from flask import current_app

    try:
        size = BenchSize.for_applications(applications, companies=companies, jobs=jobs, candidates=candidates)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    if db.session.scalar(select(Company.id).limit(1)) is not None:
        existing = db.session.scalar(select(func.count(Application.id)))
        raise click.ClickException(
            f"The database already has data ({existing} applications); the bench seed only fills an empty "
            "database. Create a fresh one (createdb ats_bench, flask db upgrade) or use `make bench`, "
            "which does it for you."
        )
    click.echo(
        f"Seeding {size.applications} applications over {size.jobs} jobs of {size.companies} companies, "
        f"{size.candidates} candidates (+{size.applicants} who have not applied yet)."
    )
    with click.progressbar(length=size.applications, label="Applications", show_pos=True) as bar:
        summary = seed_bench_data(size, seed=random_seed, progress=bar.update)
    db.session.commit()
    vacuum_analyze()
    path = output or os.path.join(current_app.instance_path, "bench-seed.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(summary, handle, indent=2)
    big = summary["big_company"]
    click.echo(f"Done in {summary['seconds']} s; {summary['stage_changes']} history rows. Summary: {path}")
    click.echo(f"Logins (password for all: {BENCH_PASSWORD}):")
    click.echo(f"  largest company  {big['name']} (id {big['id']}, {big['applications']} applications)")
    for role in ("admin", "recruiter", "hiring_manager"):
        click.echo(f"  {role:<16} {big[role + '_email']}")
    click.echo(f"  candidate        {summary['candidate_email']}")
    click.echo(f"  job with {summary['big_job']['applications']} applications: id {summary['big_job']['id']}")
    return summary
