"""The traffic the fault scenarios send, and what they check afterwards.

A round is what a candidate and a recruiter do together: sign in through the
API, apply, sign in again, move the application to screening, sign in on the
web and open a signed-in page, and look at the public board.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.models import Application, OutboxMessage, StageChange
from tests.factories import PASSWORD, Factory
from tests.faults.servers import CountingSMTP, wait_until
from tests.web.conftest import csrf_from


@dataclass
class Figures:
    """What one fault scenario sent and checked."""

    fault: str
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    unavailable: int = 0  # 503 with Retry-After: the documented answer
    errors: list[str] = field(default_factory=list)  # any other 5xx: a failure
    writes_checked: int = 0
    mails_checked: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def see(self, what: str, response):
        with self._lock:
            self.requests += 1
            self.statuses[response.status_code] += 1
            if response.status_code == 503 and response.headers.get("Retry-After", "").isdigit():
                self.unavailable += 1
            elif response.status_code >= 500:
                self.errors.append(f"{what}: {response.status_code} {response.get_data(as_text=True)[:300]}")
        return response

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)

    def assert_no_5xx_but_documented_503s(self) -> None:
        assert self.errors == [], f"{self.fault}: {len(self.errors)} undocumented 5xx, first: {self.errors[:3]}"

    def line(self) -> str:
        return (
            f"{self.fault}: {self.requests} requests, {self.server_errors} 5xx "
            f"({self.unavailable} documented 503 + Retry-After, {len(self.errors)} other), "
            f"{self.writes_checked} writes checked, {self.mails_checked} mails checked"
        )


class Visitor:
    """One browser or script, counting every answer in `figures`."""

    def __init__(self, app: Flask, figures: Figures) -> None:
        self.client = app.test_client()
        self.figures = figures

    def api(self, method: str, path: str, *, token: str | None = None, **kwargs):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)
        return self.figures.see(f"{method} /api/v1{path}", response)

    def token(self, email: str, password: str) -> str | None:
        response = self.api("POST", "/auth/token", json={"email": email, "password": password})
        return response.get_json()["access_token"] if response.status_code == 200 else None

    def page(self, path: str):
        return self.figures.see(f"GET {path}", self.client.get(path))

    def web_login(self, email: str, password: str) -> int:
        """The sign-in form, as a browser fills it in: 302 when signed in."""
        form = self.page("/auth/login")
        if form.status_code != 200:
            return form.status_code
        data = {"email": email, "password": password, "csrf_token": csrf_from(form.get_data(as_text=True))}
        return self.figures.see("POST /auth/login", self.client.post("/auth/login", data=data)).status_code


@dataclass
class Hiring:
    recruiter: str
    jobs: list[int]
    candidates: list[str]
    applied: list[int] = field(default_factory=list)  # answered 201
    moved: list[int] = field(default_factory=list)  # answered 200
    sign_ins: Counter = field(default_factory=Counter)  # "api"/"web" -> failed sign-ins
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def next_candidate(self) -> str | None:
        with self._lock:
            return self.candidates.pop() if self.candidates else None

    def give_back(self, email: str) -> None:
        """A candidate whose application was not taken applies again in a later round."""
        with self._lock:
            self.candidates.insert(0, email)


def hiring(app: Flask, candidates: int) -> Hiring:
    """A company with a recruiter, three open jobs and `candidates` candidate accounts."""
    with app.app_context():
        factory = Factory()
        tenant = factory.tenant()
        jobs = [tenant["job"].id, factory.job(tenant["recruiter"]).id, factory.job(tenant["recruiter"]).id]
        emails = [factory.candidate().email for _ in range(candidates)]
        recruiter = tenant["recruiter"].email
        db.session.remove()
    return Hiring(recruiter=recruiter, jobs=jobs, candidates=emails)


def one_round(app: Flask, figures: Figures, world: Hiring, number: int) -> bool:
    """One candidate's round; False when no candidate is left."""
    email = world.next_candidate()
    if email is None:
        return False
    script = Visitor(app, figures)
    job = world.jobs[number % len(world.jobs)]
    token = script.token(email, PASSWORD)
    applied = None
    if token is None:
        world.sign_ins["api"] += 1
    else:
        response = script.api(
            "POST", f"/jobs/{job}/applications", token=token, json={"cover_letter": "Hello", "consent": True}
        )
        if response.status_code == 201:
            applied = response.get_json()["id"]
            world.applied.append(applied)
        script.api("GET", "/me", token=token)
    staff = script.token(world.recruiter, PASSWORD)
    if staff is None:
        world.sign_ins["api"] += 1
    elif applied is not None:
        response = script.api("POST", f"/applications/{applied}/transitions", token=staff, json={"to": "screening"})
        if response.status_code == 200:
            world.moved.append(applied)
    if applied is None:
        world.give_back(email)
    browser = Visitor(app, figures)
    if browser.web_login(email, PASSWORD) == 302:
        browser.page("/me/applications")
    else:
        world.sign_ins["web"] += 1
    Visitor(app, figures).page("/")
    return True


def run_rounds(app: Flask, figures: Figures, world: Hiring, rounds: int, start: int = 0) -> None:
    for number in range(start, start + rounds):
        one_round(app, figures, world, number)


class Traffic:
    """Rounds from a few threads at once, until stopped, `max_rounds` ran or no candidate is left.

    `pace` seconds between a thread's rounds spread a bounded number of rounds over the fault.
    """

    def __init__(
        self, app: Flask, figures: Figures, world: Hiring, *, max_rounds: int, threads: int = 4, pace: float = 0
    ) -> None:
        self.stop = threading.Event()
        self.max_rounds = max_rounds
        self.pace = pace
        self.counter = iter(range(1_000_000))
        self.lock = threading.Lock()
        self.failures: list[BaseException] = []
        self.threads = [
            threading.Thread(target=self._run, args=(app, figures, world), daemon=True) for _ in range(threads)
        ]

    def _run(self, app: Flask, figures: Figures, world: Hiring) -> None:
        try:
            while not self.stop.is_set():
                with self.lock:
                    number = next(self.counter)
                if number >= self.max_rounds or not one_round(app, figures, world, number):
                    return
                self.stop.wait(self.pace)
        except BaseException as error:  # surfaced by join()
            self.failures.append(error)

    def __enter__(self) -> Traffic:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(60)
        if self.failures:
            raise self.failures[0]


def check_writes(app: Flask, figures: Figures, world: Hiring) -> None:
    """Every application answered 201 exists; every move answered 200 is in its stage with its history row."""
    with app.app_context():
        found = set(db.session.scalars(select(Application.id).where(Application.id.in_(world.applied))))
        assert found == set(world.applied), f"lost applications: {sorted(set(world.applied) - found)}"
        stages = dict(
            db.session.execute(select(Application.id, Application.stage).where(Application.id.in_(world.moved))).all()
        )
        assert all(stages[i] == "screening" for i in world.moved), "a move answered 200 is not in the database"
        history = set(
            db.session.scalars(
                select(StageChange.application_id).where(
                    StageChange.application_id.in_(world.moved), StageChange.to_stage == "screening"
                )
            )
        )
        assert history == set(world.moved), "a move answered 200 has no history row"
        db.session.remove()
    figures.writes_checked += len(world.applied) + len(world.moved)


def pending_mail(app: Flask) -> int:
    """Outbox rows not sent yet; the test's own look may meet a connection a fault just ended: look again."""
    for _ in range(5):
        with app.app_context():
            try:
                count = db.session.scalar(
                    select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status != "sent")
                )
                db.session.remove()
                return count
            except OperationalError:
                # The fault may end the connection between the count and its rollback: the
                # failed close has already discarded it, so the next look takes a fresh one.
                _discard_session()
                time.sleep(0.2)
    raise AssertionError("the database did not answer the test")


def _discard_session() -> None:
    with contextlib.suppress(OperationalError):
        db.session.remove()


def check_mail_delivered_once(app: Flask, figures: Figures, smtp: CountingSMTP, timeout: float = 60) -> None:
    """Wait for the worker to send every outbox message, then: each arrived exactly once."""
    wait_until(lambda: pending_mail(app) == 0, timeout, "every outbox message to be sent", interval=0.2)
    with app.app_context():
        expected = set(db.session.scalars(select(OutboxMessage.message_id)))
        db.session.remove()
    received = Counter(smtp.message_ids)
    duplicated = {message_id: n for message_id, n in received.items() if n > 1}
    assert duplicated == {}, f"sent more than once: {duplicated}"
    assert set(received) == expected, (
        f"missing: {len(expected - set(received))}, unknown: {len(set(received) - expected)}"
    )
    figures.mails_checked += len(expected)
