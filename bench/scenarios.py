"""The scenarios: what is requested, by whom, with which data.

Each scenario is a list of requests ("path<TAB>body<TAB>authorization") that
wrk cycles through. A scenario whose endpoint this build does not serve yet is
reported as unavailable with the answer it got, not silently dropped.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from bench import clients, database

# Where each front door lives; one place to change if a route moves.
API_JOBS = "/api/v1/jobs"
API_APPLICATION = "/api/v1/applications/{id}"
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


_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_UNESCAPES = {"\\": "\\", "n": "\n", "r": "\r", "t": "\t"}


def _line(path: str, body: dict | None = None, token: str | None = None) -> str:
    return "\t".join((path, json.dumps(body) if body is not None else "", f"Bearer {token}" if token else ""))


def _raw_line(path: str, raw: bytes, content_type: str) -> str:
    """A request whose body is not JSON (a multipart form): escaped onto one line, its type after it."""
    text = raw.decode("ascii")  # the data file is text; the forms built here are ASCII
    return "\t".join((path, re.sub(r"[\\\n\r\t]", lambda m: _ESCAPES[m.group()], text), "", content_type))


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _UNESCAPES[m.group(1)], text)


def _probe(base: str, scenario: Scenario, ok=(200, 201, 202)) -> Scenario:
    """Send the scenario's first request once; anything but success marks it unavailable."""
    if scenario.unavailable or not scenario.lines:
        return scenario
    # A write is probed with a request of its own, so the load never repeats it.
    line = scenario.lines.pop() if scenario.kind == "write" else scenario.lines[0]
    path, body, auth, content_type = [*line.split("\t"), "", "", ""][:4]
    headers = {"Authorization": auth} if auth else {}
    if scenario.header:
        name, _, value = scenario.header.partition(":")
        headers[name] = value.strip()
    if content_type:
        raw = _unescape(body).encode("ascii")
        status, answer = clients.request(base, path, raw=raw, content_type=content_type, headers=headers)
    else:
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

    def staff_token(self, scenario: Scenario) -> str | None:
        """The recruiter's token; without one the scenario is marked unavailable with the reason."""
        token = self.recruiter_token()
        if token is None:
            scenario.unavailable = self.errors.get("token")
        return token

    @property
    def recruiter_email(self) -> str:
        return self.summary["big_company"]["recruiter_email"]

    @property
    def big_company(self) -> int:
        return self.summary["big_company"]["id"]

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
    name, title = ("pipeline_deep", "Pipeline, deep cursor page") if deep else ("pipeline", "Pipeline, first page")
    scenario = Scenario(name, f"{title} (job of {ctx.summary['big_job']['applications']})", "read")
    token = ctx.staff_token(scenario)
    if token is None:
        return scenario
    query = f"?cursor={ctx.deep_cursor()}" if deep else ""
    scenario.lines = [_line(f"{API_JOBS}/{ctx.big_job}/applications{query}", token=token)]
    return scenario


def application_read(ctx: Context, count: int = 300) -> Scenario:
    """One application with its job, candidate, moves and history: a few hundred of the largest
    company's, spread over its jobs (every 97th id), read in turn by its recruiter."""
    scenario = Scenario("application_read", "Read one application (API, staff)", "read")
    token = ctx.staff_token(scenario)
    if token is None:
        return scenario
    rows = database.query(
        ctx.db_url,
        "SELECT id FROM applications WHERE company_id = :c AND id % 97 = 0 ORDER BY id LIMIT :n",
        c=ctx.big_company,
        n=count,
    )
    scenario.lines = [_line(API_APPLICATION.format(id=row[0]), token=token) for row in rows]
    return scenario


def job_read_staff(ctx: Context) -> Scenario:
    """Every job of the largest company in turn, read with its recruiter's token (never the public cache)."""
    scenario = Scenario("job_read_staff", "Read one job (API, staff)", "read")
    token = ctx.staff_token(scenario)
    if token is None:
        return scenario
    rows = database.query(ctx.db_url, "SELECT id FROM jobs WHERE company_id = :c ORDER BY id", c=ctx.big_company)
    scenario.lines = [_line(f"{API_JOBS}/{row[0]}", token=token) for row in rows]
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
    token = ctx.staff_token(scenario)
    if token is None:
        return scenario
    rows = database.query(
        ctx.db_url,
        "SELECT id FROM applications WHERE company_id = :c AND stage = 'applied' ORDER BY id LIMIT :n",
        c=ctx.big_company,
        n=count,
    )
    body = {"to": "screening", "note": "Moved by the benchmark."}
    scenario.lines = [_line(f"/api/v1/applications/{row[0]}/transitions", body, token) for row in rows]
    return scenario


def note_add(ctx: Context, count: int = 20_000) -> Scenario:
    """A staff note on a different application each request: the largest company's newest outside
    the big job (stage_move takes its oldest applied ones, bulk_move the big job's)."""
    scenario = Scenario("note_add", "Add a note to an application", "write")
    token = ctx.staff_token(scenario)
    if token is None:
        return scenario
    rows = database.query(
        ctx.db_url,
        "SELECT id FROM applications WHERE company_id = :c AND job_id <> :big ORDER BY id DESC LIMIT :n",
        c=ctx.big_company,
        big=ctx.big_job,
        n=count,
    )
    body = {"body": "Spoke with the candidate: available from March, keen on the role."}
    scenario.lines = [_line(f"{API_APPLICATION.format(id=row[0])}/notes", body, token) for row in rows]
    return scenario


def bulk_move(ctx: Context) -> Scenario:
    """A recruiter moves 500 applications of the big job one stage forward per request (bench/bulk_move.py)."""
    from bench import bulk_move as bulk

    size = int(os.environ.get("BENCH_BULK_SIZE") or 500)
    requests = int(os.environ.get("BENCH_BULK_REQUESTS") or 8)
    scenario = Scenario("bulk_move", f"Bulk move of {size} applications of the big job (one after the other)", "series")
    token = ctx.staff_token(scenario)
    if token is None:
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
    body = {"cover_letter": "Dear hiring team, I would love to join you.", "consent": True}
    scenario.lines = [
        _line(f"{API_JOBS}/{jobs[n % len(jobs)]}/applications", body, token) for n, token in enumerate(tokens)
    ]
    return scenario


# The guest apply job's form: every kind a careers page asks most, none required (the candidates
# of the `apply` scenario, who answer nothing, may apply to the same job), a knockout on the permit.
GUEST_QUESTIONS = [
    {"kind": "yes_no", "label": "Do you hold a work permit for this country?", "required": False,
     "knockout": {"op": "is", "value": False}},
    {"kind": "single_choice", "label": "How did you hear about us?", "required": False,
     "options": ["Job board", "A friend", "Other"]},
    {"kind": "short_text", "label": "Where do you live?", "required": False},
    {"kind": "number", "label": "Years of experience", "required": False},
    {"kind": "date", "label": "Earliest start date", "required": False},
]  # fmt: skip
GUEST_ANSWERS = {"yes_no": False, "single_choice": "Job board", "short_text": "Lisbon", "number": 4,
                 "date": "2027-03-01"}  # fmt: skip
# A small PDF, as the API checks it (by its content); ASCII, so the form fits a line of the data file.
GUEST_RESUME = b"%PDF-1.4\n%guest resume\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    """(body, content type) of a multipart/form-data form."""
    boundary = f"bench{secrets.token_hex(12)}"
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data, content_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def guest_apply(ctx: Context, count: int = 10_000) -> Scenario:
    """Anonymous applies through the public API: a different email each request, with a resume,
    consent and answers to the job's questions (a job of the largest company, set up by its recruiter)."""
    scenario = Scenario("guest_apply", "Guest apply (API, no account, resume and answers)", "write")
    token = ctx.staff_token(scenario)
    if token is None:
        return scenario
    rows = database.query(
        ctx.db_url,
        "SELECT id FROM jobs WHERE company_id = :c AND status = 'open' AND id <> :big ORDER BY id LIMIT 1",
        c=ctx.big_company,
        big=ctx.big_job,
    )
    job_id = rows[0][0]
    status, answer = clients.request(
        ctx.base, f"{API_JOBS}/{job_id}/questions", body={"questions": GUEST_QUESTIONS}, token=token, method="PUT"
    )
    if status != 200:
        scenario.unavailable = f"PUT {API_JOBS}/{job_id}/questions answered {status}"
        return scenario
    answers = json.dumps({str(q["id"]): GUEST_ANSWERS[q["kind"]] for q in answer["questions"]})
    run = secrets.token_hex(3)
    for n in range(count):
        fields = {
            "candidate.full_name": f"Guest Applicant {n}",
            "candidate.email": f"guest{n}.{run}@bench.example",
            "candidate.phone": "+351 210 000 000",
            "consent": "true",
            "cover_letter": "Dear hiring team, I would love to join you.",
            "answers": answers,
            "utm_source": "bench",
        }
        body, content_type = _multipart(fields, {"resume": ("cv.pdf", GUEST_RESUME, "application/pdf")})
        scenario.lines.append(_raw_line(f"{API_JOBS}/{job_id}/applications", body, content_type))
    return scenario


def issue_token(ctx: Context) -> Scenario:
    scenario = Scenario("token", "Issue an API token (argon2id verify)", "token")
    if not ctx.has_api:
        scenario.unavailable = f"{API_JOBS} not served"
        return scenario
    body = {"email": ctx.recruiter_email, "password": ctx.summary["password"]}
    scenario.lines = [_line("/api/v1/auth/token", body)]
    return scenario


REPORTS = ("funnel", "time-in-stage", "time-to-hire", "sources", "overview")


def reports_api(ctx: Context) -> Scenario:
    """The five reports over the recruiter's whole company, in turn."""
    scenario = Scenario("reports_api", "Hiring reports API (five reports in turn, whole company)", "read")
    token = ctx.staff_token(scenario)
    if token is None:
        return scenario
    scenario.lines = [_line(f"/api/v1/reports/{name}", token=token) for name in REPORTS]
    return scenario


def reports_page(ctx: Context) -> Scenario:
    scenario = Scenario(
        "reports_page", f"Reports page, largest company ({ctx.summary['big_company']['applications']})", "read"
    )
    cookie = ctx.cookie()
    if cookie is None:
        scenario.unavailable = ctx.errors.get("cookie")
        return scenario
    scenario.header = f"Cookie: {cookie}"
    scenario.lines = [_line("/dashboard/reports")]
    return scenario


def for_large(ctx: Context) -> list[Scenario]:
    """Reads first (the data as seeded), then writes, then the deliberately slow token."""
    builders = (
        search,
        job_page,
        feed,
        application_read,
        job_read_staff,
        lambda c: pipeline(c, deep=False),
        lambda c: pipeline(c, deep=True),
        pipeline_board,
        dashboard,
        reports_api,
        reports_page,
        apply,
        guest_apply,
        stage_move,
        note_add,
        bulk_move,
        issue_token,
    )
    return [_probe(ctx.base, build(ctx)) for build in builders]


def for_small(ctx: Context) -> list[Scenario]:
    builders = (lambda c: pipeline(c, deep=False), pipeline_board, dashboard)
    return [_probe(ctx.base, build(ctx)) for build in builders]
