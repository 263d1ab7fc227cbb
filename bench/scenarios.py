"""The scenarios: what is requested, by whom, with which data.

Each scenario is a list of requests ("path<TAB>body<TAB>authorization") that
wrk cycles through. A scenario whose endpoint this build does not serve yet is
reported as unavailable with the answer it got, not silently dropped.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from bench import clients, database

# Where each front door lives; one place to change if a route moves.
API_JOBS = "/api/v1/jobs"
WEB_LOGIN = "/auth/login"
WEB_DASHBOARD = "/dashboard/"
WEB_JOB_PAGE = "/jobs/{id}"
WEB_PIPELINE = "/dashboard/jobs/{id}"
FEED = "/feeds/jobs.xml"


@dataclass
class Scenario:
    name: str
    title: str
    kind: str  # read | write | token | series (timed requests one after the other, not wrk)
    lines: list[str] = field(default_factory=list)
    header: str = ""
    unavailable: str | None = None
    run: Callable[[], dict] | None = None  # a series: runs it, returns the row's figures


def _line(path: str, body: dict | None = None, token: str | None = None) -> str:
    return "\t".join((path, json.dumps(body) if body is not None else "", f"Bearer {token}" if token else ""))


def _probe(base: str, scenario: Scenario, ok=(200, 201)) -> Scenario:
    """Send the scenario's first request once; anything but success marks it unavailable."""
    if scenario.unavailable or not scenario.lines:
        return scenario
    # A write is probed with a request of its own, so the load never repeats it.
    line = scenario.lines.pop() if scenario.kind == "write" else scenario.lines[0]
    path, body, auth = [*line.split("\t"), "", ""][:3]
    headers = {"Authorization": auth} if auth else {}
    if scenario.header:
        name, _, value = scenario.header.partition(":")
        headers[name] = value.strip()
    status, answer = clients.request(base, path, body=json.loads(body) if body else None, headers=headers)
    if status not in ok:
        detail = answer.get("detail", "") if isinstance(answer, dict) else ""
        scenario.unavailable = f"{path} answered {status} {detail}".strip()
    return scenario


class Context:
    """Logins and ids shared by the scenarios of one served database."""

    def __init__(self, base: str, summary: dict, db_url: str, env: dict) -> None:
        self.base, self.summary, self.db_url, self.env = base, summary, db_url, env
        self._token: str | None = None
        self._cookie: str | None = None
        self.errors: dict[str, str] = {}

    @property
    def has_api(self) -> bool:
        return clients.request(self.base, f"{API_JOBS}?limit=1")[0] == 200

    def recruiter_token(self) -> str | None:
        if self._token is None and "token" not in self.errors:
            try:
                self._token = clients.api_token(self.base, self.recruiter_email, self.summary["password"])
            except RuntimeError as error:
                self.errors["token"] = str(error)
        return self._token

    def cookie(self) -> str | None:
        if self._cookie is None and "cookie" not in self.errors:
            try:
                self._cookie = clients.web_login(self.base, WEB_LOGIN, self.recruiter_email, self.summary["password"])
            except (RuntimeError, OSError) as error:
                self.errors["cookie"] = str(error)
        return self._cookie

    @property
    def recruiter_email(self) -> str:
        return self.summary["big_company"]["recruiter_email"]

    @property
    def big_job(self) -> int:
        return self.summary["big_job"]["id"]

    def deep_cursor(self) -> str:
        from app.services.pagination import encode_cursor

        depth = max(1, int(self.summary["big_job"]["applications"] * 0.8))
        (row,) = database.query(
            self.db_url,
            "SELECT id FROM applications WHERE job_id = :job ORDER BY id DESC OFFSET :depth LIMIT 1",
            job=self.big_job,
            depth=depth,
        )
        return encode_cursor(row[0])


def search(ctx: Context) -> Scenario:
    terms = ctx.summary["search_terms"]
    if ctx.has_api:
        lines = [_line(f"{API_JOBS}?q={term}") for term in terms]
    else:
        lines = [_line(f"/?q={term}") for term in terms]
    return Scenario("search", "Public job search by keyword", "read", lines)


def job_page(ctx: Context) -> Scenario:
    ids = ctx.summary["open_job_ids"][:200]
    web = Scenario("job_page", "A job page", "read", [_line(WEB_JOB_PAGE.format(id=i)) for i in ids])
    if not _probe(ctx.base, web).unavailable:
        return web
    return Scenario("job_page", "A job page (API)", "read", [_line(f"{API_JOBS}/{i}") for i in ids])


def feed(ctx: Context) -> Scenario:
    """The job boards' XML feed: every open job (2,000 in the seeded data), kept for anonymous readers."""
    return Scenario("feed", "Job feed for job boards (every open job)", "read", [_line(FEED)])


def pipeline(ctx: Context, *, deep: bool) -> Scenario:
    token = ctx.recruiter_token()
    name, title = ("pipeline_deep", "Pipeline, deep cursor page") if deep else ("pipeline", "Pipeline, first page")
    scenario = Scenario(name, f"{title} (job of {ctx.summary['big_job']['applications']})", "read")
    if token is None:
        scenario.unavailable = ctx.errors.get("token")
        return scenario
    query = f"?cursor={ctx.deep_cursor()}" if deep else ""
    scenario.lines = [_line(f"{API_JOBS}/{ctx.big_job}/applications{query}", token=token)]
    return scenario


def pipeline_board(ctx: Context) -> Scenario:
    scenario = Scenario("pipeline_board", "Pipeline board page (web)", "read")
    cookie = ctx.cookie()
    if cookie is None:
        scenario.unavailable = ctx.errors.get("cookie")
        return scenario
    scenario.header = f"Cookie: {cookie}"
    scenario.lines = [_line(WEB_PIPELINE.format(id=ctx.big_job))]
    return scenario


def dashboard(ctx: Context) -> Scenario:
    scenario = Scenario(
        "dashboard", f"Dashboard home, largest company ({ctx.summary['big_company']['applications']})", "read"
    )
    cookie = ctx.cookie()
    if cookie is None:
        scenario.unavailable = ctx.errors.get("cookie")
        return scenario
    scenario.header = f"Cookie: {cookie}"
    scenario.lines = [_line(WEB_DASHBOARD)]
    return scenario


def stage_move(ctx: Context, count: int = 40_000) -> Scenario:
    scenario = Scenario("stage_move", "Stage move applied -> screening", "write")
    token = ctx.recruiter_token()
    if token is None:
        scenario.unavailable = ctx.errors.get("token")
        return scenario
    rows = database.query(
        ctx.db_url,
        "SELECT id FROM applications WHERE company_id = :c AND stage = 'applied' ORDER BY id LIMIT :n",
        c=ctx.summary["big_company"]["id"],
        n=count,
    )
    body = {"to": "screening", "note": "Moved by the benchmark."}
    scenario.lines = [_line(f"/api/v1/applications/{row[0]}/transitions", body, token) for row in rows]
    return scenario


def bulk_move(ctx: Context) -> Scenario:
    """A recruiter moves 500 applications of the big job one stage forward per request (bench/bulk_move.py)."""
    from bench import bulk_move as bulk

    size = int(os.environ.get("BENCH_BULK_SIZE") or 500)
    requests = int(os.environ.get("BENCH_BULK_REQUESTS") or 8)
    scenario = Scenario("bulk_move", f"Bulk move of {size} applications of the big job (one after the other)", "series")
    token = ctx.recruiter_token()
    if token is None:
        scenario.unavailable = ctx.errors.get("token")
        return scenario

    def run() -> dict:
        row = bulk.series(ctx.base, ctx.db_url, ctx.big_job, token, requests=requests, size=size)
        row["in_process"] = bulk.count_statements(ctx.env, ctx.db_url, ctx.big_job, ctx.recruiter_email, size)
        return row

    scenario.run = run
    return scenario


def apply(ctx: Context) -> Scenario:
    """A new candidate each request: seeded candidates who have not applied, with tokens minted up front."""
    from bench.tokens import mint

    scenario = Scenario("apply", "Apply (a new candidate each request)", "write")
    if not ctx.has_api:
        scenario.unavailable = f"{API_JOBS} not served"
        return scenario
    first, count = ctx.summary["applicants"]["first_id"], ctx.summary["applicants"]["count"]
    tokens = mint(ctx.env, range(first, first + count))
    jobs = ctx.summary["open_job_ids"]
    body = {"cover_letter": "Dear hiring team, I would love to join you."}
    scenario.lines = [
        _line(f"{API_JOBS}/{jobs[n % len(jobs)]}/applications", body, token) for n, token in enumerate(tokens)
    ]
    return scenario


def issue_token(ctx: Context) -> Scenario:
    scenario = Scenario("token", "Issue an API token (argon2id verify)", "token")
    if not ctx.has_api:
        scenario.unavailable = f"{API_JOBS} not served"
        return scenario
    body = {"email": ctx.recruiter_email, "password": ctx.summary["password"]}
    scenario.lines = [_line("/api/v1/auth/token", body)]
    return scenario


def for_large(ctx: Context) -> list[Scenario]:
    """Reads first (the data as seeded), then writes, then the deliberately slow token."""
    builders = (
        search,
        job_page,
        feed,
        lambda c: pipeline(c, deep=False),
        lambda c: pipeline(c, deep=True),
        pipeline_board,
        dashboard,
        apply,
        stage_move,
        bulk_move,
        issue_token,
    )
    return [_probe(ctx.base, build(ctx)) for build in builders]


def for_small(ctx: Context) -> list[Scenario]:
    builders = (lambda c: pipeline(c, deep=False), pipeline_board, dashboard)
    return [_probe(ctx.base, build(ctx)) for build in builders]
