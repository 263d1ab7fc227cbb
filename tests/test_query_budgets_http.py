"""Query budgets of every API endpoint and every dashboard page, through HTTP.

Each case runs once on a small world (a job with 5 applications, one of each
list item) and once more after the world has grown (150 more applications,
100 more jobs, notes, members, applications of the candidate, mail). The
number of SQL statements must be the same both times and at most BUDGET.
A completeness test fails when an endpoint or a dashboard page has no case.
"""

from __future__ import annotations

import io
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select, update

from app.api.auth import issue_tokens
from app.extensions import db
from app.models import Application, Job, Note, OutboxMessage, User
from app.models.base import utcnow
from app.services import applications as application_service
from app.services import email_templates as email_template_service
from app.services import logos, rejection_reasons, status_links
from app.services import questions as question_service
from app.services.pagination import encode_cursor
from app.services.resumes import ResumeUpload
from app.services.status_links import digest
from tests import bulk
from tests import guests as status_links_for_tests
from tests.api.conftest import pdf_bytes
from tests.careers.images import png
from tests.factories import PASSWORD
from tests.plugins.statements import APPLY_BUDGET, BUDGET, BULK_UNDO_BUDGET
from tests.web.conftest import csrf, login

_unique = itertools.count(1)


@dataclass
class World:
    """Ids only: the session is emptied before each measured request."""

    company: int
    slug: str
    admin: int
    recruiter: int
    manager: int
    job: int
    candidate: int
    application: int
    message: int
    questions: list[int] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)

    def grow(self, factory) -> None:
        """100+ of every list item; the job's 5 applications become 160."""
        bulk.flags(bulk.applications(self.job, 150))
        for stage in ("screening", "interview", "offer", "hired", "rejected", "withdrawn"):
            bulk.applications(self.job, 5, stage=stage)
        bulk.jobs(self.company, self.recruiter, 100)
        bulk.jobs(self.company, self.recruiter, 100, status="draft")
        for job_id in bulk.jobs(self.company, self.recruiter, 100):
            bulk.applications(job_id, 1, candidate_ids=[self.candidate])
        bulk.staff(self.company, 100)
        now = utcnow()
        db.session.execute(
            insert(Note),
            [{"application_id": self.application, "author_id": self.manager, "body": "Note", "created_at": now}] * 100,
        )
        bulk.messages(self.company, 100)
        db.session.commit()

    def fresh_application(self) -> int:
        (application_id,) = bulk.applications(self.job, 1)
        return application_id

    def fresh_applications(self, n: int = 3) -> list[int]:
        return bulk.applications(self.job, n)

    def fresh_batch(self) -> str:
        """A bulk move of two fresh applications by the recruiter, still undoable."""
        from app.services import bulk as bulk_actions

        result = bulk_actions.run(
            self.user("recruiter"), action="move", items=self.fresh_applications(2), to="screening"
        )
        db.session.commit()
        return result.batch_id

    def fresh_job(self) -> int:
        (job_id,) = bulk.jobs(self.company, self.recruiter, 1)
        return job_id

    def guest_link(self) -> str:
        """A new guest application's private link (its token)."""
        token = status_links_for_tests.guest_link(self.job, answers=self.answers())
        db.session.commit()
        return token

    def guest_application(self) -> int:
        token = self.guest_link()
        return status_links.open_link(token).id

    def moved_application(self) -> int:
        """A new application the recruiter has just moved (its email still waiting: no worker runs)."""
        application_id = self.fresh_application()
        application_service.move_stage(self.user("recruiter"), application_id, "screening")
        db.session.commit()
        return application_id

    def waiting_message(self) -> int:
        """A message delayed by an hour."""
        message_id = self.fresh_message()
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(status="pending", due_at=utcnow() + timedelta(hours=1))
        )
        db.session.commit()
        return message_id

    def fresh_message(self) -> int:
        (message_id,) = bulk.messages(self.company, 1, status="failed")
        return message_id

    def fresh_question(self) -> int:
        question = question_service.add_question(self.user("recruiter"), self.job, {"kind": "date", "label": "Start"})
        db.session.commit()
        return question.id

    def question_specs(self, rename: bool = False) -> list[dict]:
        """The job's 20 questions, kept by id (and relabelled when `rename`)."""
        suffix = f" {_n()}" if rename else ""
        return [
            {"id": question_id, **spec, "label": spec["label"] + suffix}
            for question_id, spec in zip(self.questions, TWENTY_QUESTIONS, strict=True)
        ]

    def web_answers(self) -> dict[str, object]:
        """The same answers as the apply page's fields send them."""
        typed: dict[str, object] = {}
        for question_id, value in self.answers().items():
            if isinstance(value, bool):
                value = "yes" if value else "no"
            typed[f"answers-q{question_id}"] = value if isinstance(value, list) else str(value)
        return typed

    def answers(self) -> dict[str, object]:
        """An answer to each of the job's 20 questions."""
        pairs = zip(self.questions, TWENTY_QUESTIONS, strict=True)
        return {str(question_id): ANSWERS[spec["kind"]] for question_id, spec in pairs}

    def logo(self) -> str:
        """The company's logo key (a fresh upload)."""
        admin = db.session.get(User, self.admin)
        company = logos.set_logo(admin, self.company, logos.LogoUpload("logo.png", png()))
        db.session.commit()
        return company.logo_key

    def fresh_candidate(self) -> User:
        (candidate_id,) = bulk.candidates(1)
        return db.session.get(User, candidate_id)

    def user(self, who: str) -> User | None:
        return None if who == "anonymous" else db.session.get(User, getattr(self, who))

    def reason_key(self) -> str:
        """The email template key of the company's first rejection reason."""
        reason = rejection_reasons.list_reasons(self.user("admin"))[0]
        return f"stage_rejected.reason_{reason.id}"

    def saved_template(self) -> str:
        """A key the company has its own template for (freshly saved)."""
        email_template_service.save_template(self.user("admin"), "stage_offer", **self.template())
        db.session.commit()
        return "stage_offer"

    def template(self) -> dict:
        return {"subject": f"Offer {_n()} for {{{{ job.title }}}}", "text_body": "Hi {{ candidate.first_name }}",
                "html_body": "<p>{{ stage.name }}</p>"}  # fmt: skip


@pytest.fixture
def app(make_app, redis_url, redis_prefix):
    """Configured as in production: Redis holds web sessions, the token blocklist and the mail queue."""
    import redis

    from tests.conftest import _wipe

    app = make_app(REDIS_URL=redis_url, REDIS_KEY_PREFIX=redis_prefix)
    with app.app_context():
        from app.api import blocklist

        blocklist.is_revoked("warm-up")  # steady state: Redis already holds the complete blocklist
        yield app
        db.session.rollback()
        _wipe()
    client = redis.Redis.from_url(redis_url)
    stem = redis_prefix.replace(":", "-")
    keys = [k for pattern in (f"rq:*{redis_prefix}*", f"rq:*{stem}*") for k in client.scan_iter(match=pattern)]
    if keys:
        client.delete(*keys)


KINDS = ("short_text", "long_text", "yes_no", "single_choice", "multiple_choice", "number", "date")
TWENTY_QUESTIONS = [
    {"kind": kind, "label": f"Question {n}", "required": n < 7, "options": ["A", "B"] if "choice" in kind else [],
     "knockout": {"op": "is", "value": False} if kind == "yes_no" else None}
    for n, kind in enumerate((KINDS * 3)[:20])
]  # fmt: skip
ANSWERS = {"short_text": "Berlin", "long_text": "Because.", "yes_no": False, "single_choice": "A",
           "multiple_choice": ["A", "B"], "number": 3, "date": "2027-01-01"}  # fmt: skip


@pytest.fixture
def world(factory) -> World:
    """A job with 20 questions (a knockout on each yes/no), and an application that answered them all."""
    tenant = factory.tenant()
    candidate = factory.candidate()
    asked = question_service.replace_questions(tenant["recruiter"], tenant["job"].id, TWENTY_QUESTIONS)
    db.session.commit()
    answers = {str(question.id): ANSWERS[question.kind] for question in asked}
    application = application_service.apply(
        candidate,
        tenant["job"].id,
        cover_letter="Hello",
        resume=ResumeUpload("cv.pdf", pdf_bytes()),
        answers=answers,
        consent=True,
    )
    db.session.commit()
    bulk.applications(tenant["job"].id, 3)
    bulk.applications(tenant["job"].id, 1, stage="interview")
    (message,) = bulk.messages(tenant["company"].id, 1)
    return World(
        company=tenant["company"].id,
        slug=tenant["company"].slug,
        admin=tenant["admin"].id,
        recruiter=tenant["recruiter"].id,
        manager=tenant["hiring_manager"].id,
        job=tenant["job"].id,
        candidate=candidate.id,
        application=application.id,
        message=message,
        questions=[question.id for question in asked],
    )


@dataclass(frozen=True)
class Case:
    method: str
    rule: str  # the route as Flask knows it
    who: str  # anonymous | candidate | recruiter | manager | admin | fresh (a new candidate)
    url: Callable[[World], str]
    body: Callable[[World], dict] | None = None
    ok: tuple[int, ...] = (200,)
    multipart: bool = False  # an API body sent as multipart/form-data (file uploads)
    budget: int = BUDGET

    @property
    def web(self) -> bool:
        return not self.rule.startswith("/api/")

    def __str__(self) -> str:
        return f"{self.method} {self.rule} as {self.who}"


def _n() -> int:
    return next(_unique)


# Erasing a record is a fixed set of bulk statements (one per table holding the person's data, see
# app/services/anonymise.py), the same for one application or a thousand.
ERASE_BUDGET = 32
A = "/api/v1"
CASES = [
    # The API
    Case("GET", f"{A}/jobs", "anonymous", lambda w: f"{A}/jobs?limit=100"),
    Case("GET", f"{A}/candidates", "recruiter", lambda w: f"{A}/candidates?limit=100&has_resume=false"),
    Case("GET", f"{A}/candidates", "manager", lambda w: f"{A}/candidates?q=note+or+python&stage=applied&limit=100"),
    Case("GET", f"{A}/candidates/export.csv", "recruiter", lambda w: f"{A}/candidates/export.csv?q=python"),
    Case("GET", f"{A}/jobs", "recruiter", lambda w: f"{A}/jobs?status=draft&limit=100"),
    Case("POST", f"{A}/jobs", "recruiter", lambda w: f"{A}/jobs", lambda w: {"title": f"Job {_n()}"}, (201,)),
    Case("GET", f"{A}/jobs/<int:job_id>", "anonymous", lambda w: f"{A}/jobs/{w.job}"),
    Case("PATCH", f"{A}/jobs/<int:job_id>", "recruiter", lambda w: f"{A}/jobs/{w.job}",
         lambda w: {"location": f"City {_n()}"}),
    Case("DELETE", f"{A}/jobs/<int:job_id>", "recruiter", lambda w: f"{A}/jobs/{w.fresh_job()}", ok=(204,)),
    Case("GET", f"{A}/jobs/<int:job_id>/applications", "recruiter",
         lambda w: f"{A}/jobs/{w.job}/applications?limit=100"),
    Case("GET", f"{A}/jobs/<int:job_id>/applications", "manager",
         lambda w: f"{A}/jobs/{w.job}/applications?stage=interview&limit=100"),
    Case("POST", f"{A}/jobs/<int:job_id>/applications", "fresh", lambda w: f"{A}/jobs/{w.job}/applications",
         lambda w: {"cover_letter": "Hi", "answers": w.answers(), "consent": True}, (201,), budget=APPLY_BUDGET),
    Case("POST", f"{A}/jobs/<int:job_id>/applications", "anonymous", lambda w: f"{A}/jobs/{w.job}/applications",
         lambda w: {"candidate.full_name": "Guest", "candidate.email": f"guest{_n()}@example.com", "consent": "true",
                    "answers": json.dumps(w.answers()), "resume": (io.BytesIO(pdf_bytes()), "cv.pdf")}, (202,),
         multipart=True),
    Case("POST", f"{A}/jobs/<int:job_id>/applications", "recruiter", lambda w: f"{A}/jobs/{w.job}/applications",
         lambda w: {"candidate": {"full_name": "Found", "email": f"found{_n()}@example.com"}, "source": "sourced",
                    "note": "Met at a meetup"}, (201,)),
    Case("GET", f"{A}/jobs/<int:job_id>/applications", "recruiter",
         lambda w: f"{A}/jobs/{w.job}/applications?flagged=true&limit=100"),
    Case("GET", f"{A}/jobs/<int:job_id>/questions", "manager", lambda w: f"{A}/jobs/{w.job}/questions"),
    Case("PUT", f"{A}/jobs/<int:job_id>/questions", "recruiter", lambda w: f"{A}/jobs/{w.job}/questions",
         lambda w: {"questions": w.question_specs(rename=True)}),
    Case("GET", f"{A}/jobs/<int:job_id>/form", "anonymous", lambda w: f"{A}/jobs/{w.job}/form"),
    Case("GET", f"{A}/applications", "recruiter", lambda w: f"{A}/applications?limit=100"),
    Case("GET", f"{A}/applications", "candidate", lambda w: f"{A}/applications?limit=100"),
    Case("GET", f"{A}/applications", "recruiter", lambda w: f"{A}/applications?flagged=true&limit=100"),
    Case("GET", f"{A}/applications/<int:application_id>", "recruiter", lambda w: f"{A}/applications/{w.application}"),
    Case("GET", f"{A}/applications/<int:application_id>", "candidate", lambda w: f"{A}/applications/{w.application}"),
    Case("POST", f"{A}/applications/<int:application_id>/transitions", "recruiter",
         lambda w: f"{A}/applications/{w.fresh_application()}/transitions", lambda w: {"to": "screening"}),
    Case("GET", f"{A}/applications/<int:application_id>/history", "recruiter",
         lambda w: f"{A}/applications/{w.application}/history"),
    Case("GET", f"{A}/applications/<int:application_id>/resume", "recruiter",
         lambda w: f"{A}/applications/{w.application}/resume"),
    Case("GET", f"{A}/applications/<int:application_id>/notes", "manager",
         lambda w: f"{A}/applications/{w.application}/notes"),
    Case("POST", f"{A}/applications/<int:application_id>/notes", "manager",
         lambda w: f"{A}/applications/{w.application}/notes", lambda w: {"body": "Seen"}, (201,)),
    Case("POST", f"{A}/applications/<int:application_id>/undo", "recruiter",
         lambda w: f"{A}/applications/{w.moved_application()}/undo", lambda w: {}),
    Case("POST", f"{A}/applications/bulk", "recruiter", lambda w: f"{A}/applications/bulk",
         lambda w: {"action": "move", "ids": w.fresh_applications(), "to": "screening", "note": "Batch"}),
    Case("POST", f"{A}/applications/bulk", "manager", lambda w: f"{A}/applications/bulk",
         lambda w: {"action": "note", "ids": w.fresh_applications(), "note": "Seen"}),
    Case("POST", f"{A}/applications/bulk/<batch_id>/undo", "recruiter",
         lambda w: f"{A}/applications/bulk/{w.fresh_batch()}/undo", budget=BULK_UNDO_BUDGET),
    Case("POST", f"{A}/applications/<int:application_id>/status-link", "recruiter",
         lambda w: f"{A}/applications/{w.guest_application()}/status-link", ok=(202,)),
    Case("DELETE", f"{A}/applications/<int:application_id>/status-link", "recruiter",
         lambda w: f"{A}/applications/{w.guest_application()}/status-link", ok=(204,)),
    Case("POST", f"{A}/auth/register", "anonymous", lambda w: f"{A}/auth/register",
         lambda w: {"email": f"new{_n()}@example.com", "password": PASSWORD, "full_name": "New"}, (201,)),
    Case("POST", f"{A}/auth/token", "anonymous", lambda w: f"{A}/auth/token",
         lambda w: {"email": w.user("recruiter").email, "password": PASSWORD}),
    Case("POST", f"{A}/auth/refresh", "refresh", lambda w: f"{A}/auth/refresh"),
    Case("POST", f"{A}/auth/revoke", "recruiter", lambda w: f"{A}/auth/revoke", ok=(204,)),
    Case("GET", f"{A}/me", "recruiter", lambda w: f"{A}/me"),
    Case("POST", f"{A}/companies", "anonymous", lambda w: f"{A}/companies",
         lambda w: {"name": f"Co {_n()}", "admin": {"email": f"boss{_n()}@example.com", "password": PASSWORD,
                                                     "full_name": "Boss"}}, (201,)),
    Case("GET", f"{A}/companies/<int:company_id>", "anonymous", lambda w: f"{A}/companies/{w.company}"),
    Case("PATCH", f"{A}/companies/<int:company_id>", "admin", lambda w: f"{A}/companies/{w.company}",
         lambda w: {"description": f"We build {_n()}.", "website": "https://acme.example"}),
    Case("PUT", f"{A}/companies/<int:company_id>/logo", "admin", lambda w: f"{A}/companies/{w.company}/logo",
         lambda w: {"logo": (io.BytesIO(png()), "logo.png")}, multipart=True),
    Case("DELETE", f"{A}/companies/<int:company_id>/logo", "admin", lambda w: f"{A}/companies/{w.company}/logo"),
    Case("GET", f"{A}/companies/<int:company_id>/privacy-notice", "anonymous",
         lambda w: f"{A}/companies/{w.company}/privacy-notice"),
    Case("PUT", f"{A}/companies/<int:company_id>/privacy-notice", "admin",
         lambda w: f"{A}/companies/{w.company}/privacy-notice", lambda w: {"text": f"Notice {_n()}"}),
    Case("GET", f"{A}/companies/<int:company_id>/members", "admin", lambda w: f"{A}/companies/{w.company}/members"),
    Case("GET", f"{A}/companies/<int:company_id>/members", "recruiter",
         lambda w: f"{A}/companies/{w.company}/members?limit=2&cursor={encode_cursor(w.manager)}"),
    Case("POST", f"{A}/companies/<int:company_id>/members", "admin", lambda w: f"{A}/companies/{w.company}/members",
         lambda w: {"email": f"staff{_n()}@example.com", "full_name": "Staff", "role": "recruiter"}, (201,)),
    Case("PATCH", f"{A}/companies/<int:company_id>/members/<int:user_id>", "admin",
         lambda w: f"{A}/companies/{w.company}/members/{w.manager}", lambda w: {"role": "hiring_manager"}),
    Case("GET", f"{A}/email-templates", "manager", lambda w: f"{A}/email-templates?language=de"),
    Case("GET", f"{A}/email-templates/<key>", "recruiter", lambda w: f"{A}/email-templates/{w.reason_key()}"),
    Case("PUT", f"{A}/email-templates/<key>", "admin", lambda w: f"{A}/email-templates/{w.reason_key()}",
         lambda w: w.template()),
    Case("DELETE", f"{A}/email-templates/<key>", "admin", lambda w: f"{A}/email-templates/{w.saved_template()}",
         ok=(204,)),
    Case("POST", f"{A}/email-templates/<key>/preview", "manager",
         lambda w: f"{A}/email-templates/application_received/preview", lambda w: {"application_id": w.application}),
    Case("POST", f"{A}/email-templates/<key>/preview", "recruiter",
         lambda w: f"{A}/email-templates/{w.reason_key()}/preview",
         lambda w: {"application_id": w.application, **w.template()}),
    Case("GET", f"{A}/reports/funnel", "manager", lambda w: f"{A}/reports/funnel"),
    Case("GET", f"{A}/reports/funnel", "recruiter", lambda w: f"{A}/reports/funnel?job_id={w.job}&from=2020-01-01"),
    Case("GET", f"{A}/reports/time-in-stage", "manager", lambda w: f"{A}/reports/time-in-stage?source=careers_page"),
    Case("GET", f"{A}/reports/time-to-hire", "recruiter", lambda w: f"{A}/reports/time-to-hire?department=Sales"),
    Case("GET", f"{A}/reports/sources", "admin", lambda w: f"{A}/reports/sources"),
    Case("GET", f"{A}/reports/overview", "manager", lambda w: f"{A}/reports/overview"),
    # The dashboard
    Case("GET", "/dashboard/", "recruiter", lambda w: "/dashboard/"),
    Case("GET", "/dashboard/jobs", "manager", lambda w: "/dashboard/jobs"),
    Case("GET", "/dashboard/candidates", "manager", lambda w: f"/dashboard/candidates?q=python&job_id={w.job}"),
    Case("GET", "/dashboard/candidates/export.csv", "recruiter", lambda w: "/dashboard/candidates/export.csv"),
    Case("GET", "/dashboard/reports", "manager", lambda w: "/dashboard/reports"),
    Case("GET", "/dashboard/reports", "recruiter", lambda w: f"/dashboard/reports?job_id={w.job}&from=2020-01-01"),
    Case("GET", "/dashboard/reports/<name>.csv", "manager", lambda w: "/dashboard/reports/sources.csv?source=referral"),
    Case("GET", "/dashboard/jobs/new", "recruiter", lambda w: "/dashboard/jobs/new"),
    Case("POST", "/dashboard/jobs/new", "recruiter", lambda w: "/dashboard/jobs/new",
         lambda w: {"title": f"Job {_n()}", "employment_type": "full_time", "status": "open"}, (302,)),
    Case("GET", "/dashboard/jobs/<int:job_id>/edit", "recruiter", lambda w: f"/dashboard/jobs/{w.job}/edit"),
    Case("POST", "/dashboard/jobs/<int:job_id>/edit", "recruiter", lambda w: f"/dashboard/jobs/{w.job}/edit",
         lambda w: {"title": f"Renamed {_n()}", "employment_type": "full_time"}, (302,)),
    Case("POST", "/dashboard/jobs/<int:job_id>/status", "recruiter", lambda w: f"/dashboard/jobs/{w.job}/status",
         lambda w: {"status": "open"}, (302,)),
    Case("GET", "/dashboard/jobs/<int:job_id>", "recruiter", lambda w: f"/dashboard/jobs/{w.job}"),
    Case("GET", "/dashboard/jobs/<int:job_id>", "manager", lambda w: f"/dashboard/jobs/{w.job}?stage=applied"),
    Case("GET", "/dashboard/jobs/<int:job_id>", "recruiter", lambda w: f"/dashboard/jobs/{w.job}?flagged=1"),
    Case("GET", "/dashboard/jobs/<int:job_id>", "manager",
         lambda w: f"/dashboard/jobs/{w.job}?flagged=1&stage=applied"),
    Case("GET", "/dashboard/jobs/<int:job_id>/questions", "recruiter", lambda w: f"/dashboard/jobs/{w.job}/questions"),
    Case("POST", "/dashboard/jobs/<int:job_id>/questions", "recruiter", lambda w: f"/dashboard/jobs/{w.job}/questions",
         lambda w: {"kind": "single_choice", "label": f"Shift {_n()}", "options": "Day\nNight",
                    "knockout_op": "any_of", "knockout_value": "Night"}, (302,)),
    Case("GET", "/dashboard/jobs/<int:job_id>/questions/<int:question_id>", "recruiter",
         lambda w: f"/dashboard/jobs/{w.job}/questions/{w.questions[0]}"),
    Case("POST", "/dashboard/jobs/<int:job_id>/questions/<int:question_id>", "recruiter",
         lambda w: f"/dashboard/jobs/{w.job}/questions/{w.questions[0]}",
         lambda w: {"kind": "short_text", "label": f"City {_n()}"}, (302,)),
    Case("POST", "/dashboard/jobs/<int:job_id>/questions/<int:question_id>/move", "recruiter",
         lambda w: f"/dashboard/jobs/{w.job}/questions/{w.questions[5]}/move", lambda w: {"direction": "up"}, (302,)),
    Case("POST", "/dashboard/jobs/<int:job_id>/questions/<int:question_id>/delete", "recruiter",
         lambda w: f"/dashboard/jobs/{w.job}/questions/{w.fresh_question()}/delete", ok=(302,)),
    Case("GET", "/dashboard/applications/<int:application_id>", "recruiter",
         lambda w: f"/dashboard/applications/{w.application}"),
    Case("POST", "/dashboard/applications/<int:application_id>/notes", "manager",
         lambda w: f"/dashboard/applications/{w.application}/notes", lambda w: {"body": "Seen"}, (302,)),
    Case("POST", "/dashboard/applications/<int:application_id>/move", "recruiter",
         lambda w: f"/dashboard/applications/{w.fresh_application()}/move",
         lambda w: {"to": "screening", "confirm": "1"}, (302,)),
    Case("GET", "/dashboard/applications/<int:application_id>/reject", "recruiter",
         lambda w: f"/dashboard/applications/{w.application}/reject"),
    Case("POST", "/dashboard/applications/<int:application_id>/reject", "recruiter",
         lambda w: f"/dashboard/applications/{w.fresh_application()}/reject", lambda w: {"reason": "No"}, (302,)),
    Case("GET", "/dashboard/applications/<int:application_id>/resume", "recruiter",
         lambda w: f"/dashboard/applications/{w.application}/resume"),
    Case("GET", "/dashboard/jobs/<int:job_id>/candidates/new", "recruiter",
         lambda w: f"/dashboard/jobs/{w.job}/candidates/new"),
    Case("POST", "/dashboard/jobs/<int:job_id>/candidates/new", "recruiter",
         lambda w: f"/dashboard/jobs/{w.job}/candidates/new",
         lambda w: {"full_name": "Rita Referred", "email": f"rita{_n()}@example.com", "source": "referral",
                    "referrer": "Sam Staff", "note": "Strong"}, (302,), budget=APPLY_BUDGET),
    Case("POST", "/dashboard/applications/<int:application_id>/status-link/revoke", "recruiter",
         lambda w: f"/dashboard/applications/{w.guest_application()}/status-link/revoke", ok=(302,)),
    Case("POST", "/dashboard/applications/<int:application_id>/status-link", "recruiter",
         lambda w: f"/dashboard/applications/{w.guest_application()}/status-link", ok=(302,)),
    Case("GET", "/dashboard/privacy-notice", "admin", lambda w: "/dashboard/privacy-notice"),
    Case("POST", "/dashboard/privacy-notice", "admin", lambda w: "/dashboard/privacy-notice",
         lambda w: {"text": f"Our notice {_n()}"}, (302,)),
    Case("GET", "/dashboard/team", "admin", lambda w: "/dashboard/team"),
    Case("POST", "/dashboard/team/invite", "admin", lambda w: "/dashboard/team/invite",
         lambda w: {"email": f"invited{_n()}@example.com", "full_name": "Invited", "role": "recruiter"}, (302,)),
    Case("POST", "/dashboard/team/<int:user_id>/role", "admin", lambda w: f"/dashboard/team/{w.manager}/role",
         lambda w: {f"member-{w.manager}-role": "hiring_manager"}, (302,)),
    Case("POST", "/dashboard/team/<int:user_id>/active", "admin", lambda w: f"/dashboard/team/{w.manager}/active",
         lambda w: {"active": "1"}, (302,)),
    Case("GET", "/dashboard/company", "admin", lambda w: "/dashboard/company"),
    Case("POST", "/dashboard/company", "admin", lambda w: "/dashboard/company",
         lambda w: {"name": f"Acme {_n()}", "website": "https://acme.example", "logo": (io.BytesIO(png()), "l.png")},
         ok=(302,)),
    Case("GET", "/dashboard/mail", "admin", lambda w: "/dashboard/mail"),
    Case("POST", "/dashboard/mail/<int:message_id>/retry", "admin",
         lambda w: f"/dashboard/mail/{w.fresh_message()}/retry", ok=(302,)),
    Case("POST", "/dashboard/mail/<int:message_id>/cancel", "recruiter",
         lambda w: f"/dashboard/mail/{w.waiting_message()}/cancel", ok=(302,)),
    Case("POST", "/dashboard/mail/<int:message_id>/send-now", "admin",
         lambda w: f"/dashboard/mail/{w.waiting_message()}/send-now", ok=(302,)),
    Case("GET", "/dashboard/email-templates", "manager", lambda w: "/dashboard/email-templates"),
    Case("GET", "/dashboard/email-templates/<key>", "admin", lambda w: f"/dashboard/email-templates/{w.reason_key()}"),
    Case("POST", "/dashboard/email-templates/<key>", "admin",
         lambda w: f"/dashboard/email-templates/{w.reason_key()}", lambda w: w.template(), (302,)),
    Case("POST", "/dashboard/email-templates/<key>/preview", "recruiter",
         lambda w: "/dashboard/email-templates/application_received/preview",
         lambda w: {**w.template(), "application_id": str(w.application)}),
    Case("POST", "/dashboard/email-templates/<key>/reset", "admin",
         lambda w: f"/dashboard/email-templates/{w.saved_template()}/reset", ok=(302,)),
    # The pipeline board: filters, the list view, the email confirmation, undo
    Case("GET", "/dashboard/jobs/<int:job_id>", "recruiter",
         lambda w: f"/dashboard/jobs/{w.job}?q=cand&source=careers_page&flagged=1"),
    Case("GET", "/dashboard/jobs/<int:job_id>", "recruiter", lambda w: f"/dashboard/jobs/{w.job}?view=list&sort=name"),
    Case("GET", "/dashboard/jobs/<int:job_id>", "manager",
         lambda w: f"/dashboard/jobs/{w.job}?view=list&sort=stage&q=bulk&stage=applied"),
    Case("POST", "/dashboard/applications/<int:application_id>/move", "recruiter",
         lambda w: f"/dashboard/applications/{w.fresh_application()}/move", lambda w: {"to": "screening"}),
    Case("POST", "/dashboard/applications/<int:application_id>/undo", "recruiter",
         lambda w: f"/dashboard/applications/{w.moved_application()}/undo", lambda w: {"next": "/dashboard/"},
         (302,)),
    Case("POST", "/dashboard/jobs/<int:job_id>/bulk", "recruiter", lambda w: f"/dashboard/jobs/{w.job}/bulk",
         lambda w: {"ids": [str(i) for i in w.fresh_applications()], "action": "move", "to": "screening",
                    "confirm": "1", "note": "Batch"}, (302,)),
    Case("POST", "/dashboard/jobs/<int:job_id>/bulk", "recruiter", lambda w: f"/dashboard/jobs/{w.job}/bulk",
         lambda w: {"ids": [str(i) for i in w.fresh_applications()], "action": "move", "to": "screening"}),
    Case("POST", "/dashboard/jobs/<int:job_id>/bulk", "manager", lambda w: f"/dashboard/jobs/{w.job}/bulk",
         lambda w: {"all": "y", "stage": "interview", "action": "note", "note": "Seen"}, (302,)),
    Case("POST", "/dashboard/bulk/<batch_id>/undo", "recruiter", lambda w: f"/dashboard/bulk/{w.fresh_batch()}/undo",
         lambda w: {"next": "/dashboard/"}, (302,), budget=BULK_UNDO_BUDGET),
    # Public and candidate pages
    Case("GET", "/", "anonymous", lambda w: "/"),
    Case("GET", "/", "anonymous", lambda w: "/?q=Job"),
    Case("GET", "/jobs/<int:job_id>", "anonymous", lambda w: f"/jobs/{w.job}"),
    Case("GET", "/jobs/<int:job_id>", "candidate", lambda w: f"/jobs/{w.job}"),
    Case("GET", "/jobs/<int:job_id>", "fresh", lambda w: f"/jobs/{w.job}"),
    Case("GET", "/companies/<slug>", "anonymous", lambda w: f"/companies/{w.slug}"),
    Case("GET", "/logos/<key>", "anonymous", lambda w: f"/logos/{w.logo()}"),
    # Feeds and the sitemap: every open job in one query
    Case("GET", "/feeds/jobs.xml", "anonymous", lambda w: "/feeds/jobs.xml"),
    Case("GET", "/feeds/jobs.rss", "anonymous", lambda w: "/feeds/jobs.rss"),
    Case("GET", "/sitemap.xml", "anonymous", lambda w: "/sitemap.xml"),
    Case("GET", "/companies/<slug>/feeds/jobs.xml", "anonymous", lambda w: f"/companies/{w.slug}/feeds/jobs.xml"),
    Case("GET", "/companies/<slug>/feeds/jobs.rss", "anonymous", lambda w: f"/companies/{w.slug}/feeds/jobs.rss"),
    Case("GET", "/jobs/<int:job_id>/apply", "anonymous", lambda w: f"/jobs/{w.job}/apply?utm_source=board"),
    Case("POST", "/jobs/<int:job_id>/apply", "anonymous", lambda w: f"/jobs/{w.job}/apply",
         lambda w: {"full_name": "Guest", "email": f"webguest{_n()}@example.com", "consent": "y",
                    "resume": (io.BytesIO(pdf_bytes()), "cv.pdf"), **w.web_answers()}, (302,)),
    Case("GET", "/status/<token>", "anonymous", lambda w: f"/status/{w.guest_link()}"),
    Case("POST", "/status/<token>/withdraw", "anonymous", lambda w: f"/status/{w.guest_link()}/withdraw", ok=(302,)),
    Case("GET", "/me/applications", "candidate", lambda w: "/me/applications"),
    Case("GET", "/me/applications/<int:application_id>", "candidate",
         lambda w: f"/me/applications/{w.application}"),
    # Retention, erasure, legal holds, withdrawn consent.
    Case("GET", f"{A}/retention-policy", "admin", lambda w: f"{A}/retention-policy"),
    Case("PUT", f"{A}/retention-policy", "admin", lambda w: f"{A}/retention-policy",
         lambda w: {"retention_days": 300 + _n(), "retention_hired_days": None}),
    Case("GET", f"{A}/retention-policy/preview", "admin", lambda w: f"{A}/retention-policy/preview"),
    Case("GET", f"{A}/retention-runs", "admin", lambda w: f"{A}/retention-runs"),
    Case("POST", f"{A}/retention-runs", "admin", lambda w: f"{A}/retention-runs", ok=(201,)),
    # An erasure: one DELETE a table holding personal data (the equal-opportunity answers: +1).
    Case("POST", f"{A}/candidates/<int:candidate_id>/erase", "admin",
         lambda w: f"{A}/candidates/{_fresh_record(w)}/erase", budget=ERASE_BUDGET),
    Case("PUT", f"{A}/candidates/<int:candidate_id>/legal-hold", "admin",
         lambda w: f"{A}/candidates/{_fresh_record(w)}/legal-hold", lambda w: {"reason": "Tribunal"}),
    Case("DELETE", f"{A}/candidates/<int:candidate_id>/legal-hold", "admin",
         lambda w: f"{A}/candidates/{_held_record(w)}/legal-hold"),
    Case("POST", f"{A}/candidates/<int:candidate_id>/consent-withdrawal", "recruiter",
         lambda w: f"{A}/candidates/{_fresh_record(w)}/consent-withdrawal"),
    Case("GET", "/dashboard/privacy/retention", "admin", lambda w: "/dashboard/privacy/retention"),
    Case("POST", "/dashboard/privacy/retention", "admin", lambda w: "/dashboard/privacy/retention",
         lambda w: {"retention_days": str(300 + _n()), "retention_hired_days": ""}, (302,)),
    Case("POST", "/dashboard/privacy/retention/run", "admin", lambda w: "/dashboard/privacy/retention/run",
         ok=(302,)),
    Case("POST", "/dashboard/candidates/<int:candidate_id>/erase", "admin",
         lambda w: f"/dashboard/candidates/{_fresh_record(w)}/erase", ok=(302,), budget=ERASE_BUDGET),
    Case("POST", "/dashboard/candidates/<int:candidate_id>/legal-hold", "admin",
         lambda w: f"/dashboard/candidates/{_fresh_record(w)}/legal-hold", lambda w: {"reason": "Tribunal"}, (302,)),
    Case("POST", "/dashboard/candidates/<int:candidate_id>/legal-hold/lift", "admin",
         lambda w: f"/dashboard/candidates/{_held_record(w)}/legal-hold/lift", ok=(302,)),
    Case("POST", "/dashboard/candidates/<int:candidate_id>/consent-withdrawal", "recruiter",
         lambda w: f"/dashboard/candidates/{_fresh_record(w)}/consent-withdrawal", ok=(302,)),
]  # fmt: skip


# Pipelines: stage templates, each job's pipeline, rejection reasons (both doors).
def _admin(w: World) -> User:
    return db.session.get(User, w.admin)


def _fresh_template(w: World) -> int:
    from app.services import pipelines

    template = pipelines.create_template(_admin(w), name=f"Team {_n()}", stages=STAGE_SPECS)
    db.session.commit()
    return template.id


def _reason_id(w: World) -> int:

    (first, *_rest) = rejection_reasons.list_reasons(_admin(w))
    db.session.commit()
    return first.id


def _fresh_reason(w: World, archived: bool = False) -> int:

    reason = rejection_reasons.create_reason(_admin(w), label=f"Reason {_n()}")
    if archived:
        rejection_reasons.archive_reason(_admin(w), reason.id)
    db.session.commit()
    return reason.id


def _fresh_key(w: World) -> int:
    from app.services import api_keys

    made = api_keys.create_key(_admin(w), name=f"Key {_n()}", scopes=["jobs:read"])
    db.session.commit()
    return made.key.id


_REMEMBERED: list[int] = []


def _remember(value: int) -> int:
    """An id the URL was made with, for the body's field names (the body is built just after the URL)."""
    _REMEMBERED.append(value)
    return value


def _pipeline_body(w: World) -> dict:
    """The job's pipeline with its screening stage renamed (each stage kept by its key)."""
    job = db.session.get(Job, w.job)
    stages = [dict(stage) for stage in job.pipeline_stages]
    stages[1]["name"] = f"Call {_n()}"
    return {"stages": stages}


def _template_rows(w: World) -> dict:
    from tests.web.test_stage_templates import ENGINEERING, rows

    return rows(ENGINEERING, name=f"Team {_n()}")


def _job_rows(w: World) -> dict:
    from tests.web.test_stage_templates import rows

    job = db.session.get(Job, w.job)
    stages = [(s["name"], s["category"], {"key": s["key"]}) for s in job.pipeline_stages]
    stages[1] = (f"Call {_n()}", stages[1][1], stages[1][2])
    return rows(stages)


STAGE_SPECS = [{"name": "New", "category": "applied"}, {"name": "Call", "category": "screening"},
               {"name": "Offer", "category": "offer"}, {"name": "Hired", "category": "hired"}]  # fmt: skip
CASES += [
    Case("GET", f"{A}/stage-templates", "manager", lambda w: f"{A}/stage-templates"),
    Case("POST", f"{A}/stage-templates", "admin", lambda w: f"{A}/stage-templates",
         lambda w: {"name": f"Team {_n()}", "stages": STAGE_SPECS}, (201,)),
    Case("GET", f"{A}/stage-templates/<int:template_id>", "recruiter",
         lambda w: f"{A}/stage-templates/{_fresh_template(w)}"),
    Case("PATCH", f"{A}/stage-templates/<int:template_id>", "admin",
         lambda w: f"{A}/stage-templates/{_fresh_template(w)}", lambda w: {"name": f"Renamed {_n()}",
                                                                           "is_default": True}),
    Case("DELETE", f"{A}/stage-templates/<int:template_id>", "admin",
         lambda w: f"{A}/stage-templates/{_fresh_template(w)}", ok=(204,)),
    Case("GET", f"{A}/jobs/<int:job_id>/pipeline", "manager", lambda w: f"{A}/jobs/{w.job}/pipeline"),
    Case("PUT", f"{A}/jobs/<int:job_id>/pipeline", "recruiter", lambda w: f"{A}/jobs/{w.job}/pipeline",
         _pipeline_body),
    Case("GET", f"{A}/rejection-reasons", "recruiter", lambda w: f"{A}/rejection-reasons?include_archived=true"),
    Case("POST", f"{A}/rejection-reasons", "admin", lambda w: f"{A}/rejection-reasons",
         lambda w: {"label": f"Reason {_n()}"}, (201,)),
    Case("PATCH", f"{A}/rejection-reasons/<int:reason_id>", "admin",
         lambda w: f"{A}/rejection-reasons/{_fresh_reason(w)}", lambda w: {"label": f"Relabelled {_n()}"}),
    Case("DELETE", f"{A}/rejection-reasons/<int:reason_id>", "admin",
         lambda w: f"{A}/rejection-reasons/{_fresh_reason(w)}", ok=(204,)),
    Case("POST", f"{A}/applications/<int:application_id>/transitions", "recruiter",
         lambda w: f"{A}/applications/{w.fresh_application()}/transitions",
         lambda w: {"to": "rejected", "reason_id": _reason_id(w)}),
    Case("GET", "/dashboard/stage-templates", "manager", lambda w: "/dashboard/stage-templates"),
    Case("GET", "/dashboard/stage-templates/new", "admin", lambda w: "/dashboard/stage-templates/new"),
    Case("POST", "/dashboard/stage-templates/new", "admin", lambda w: "/dashboard/stage-templates/new",
         _template_rows, (302,)),
    Case("GET", "/dashboard/stage-templates/<int:template_id>", "admin",
         lambda w: f"/dashboard/stage-templates/{_fresh_template(w)}"),
    Case("POST", "/dashboard/stage-templates/<int:template_id>", "admin",
         lambda w: f"/dashboard/stage-templates/{_fresh_template(w)}", _template_rows, (302,)),
    Case("POST", "/dashboard/stage-templates/<int:template_id>/default", "admin",
         lambda w: f"/dashboard/stage-templates/{_fresh_template(w)}/default", ok=(302,)),
    Case("POST", "/dashboard/stage-templates/<int:template_id>/delete", "admin",
         lambda w: f"/dashboard/stage-templates/{_fresh_template(w)}/delete", ok=(302,)),
    Case("GET", "/dashboard/jobs/<int:job_id>/pipeline", "recruiter", lambda w: f"/dashboard/jobs/{w.job}/pipeline"),
    Case("GET", "/dashboard/jobs/<int:job_id>/pipeline", "manager", lambda w: f"/dashboard/jobs/{w.job}/pipeline"),
    Case("POST", "/dashboard/jobs/<int:job_id>/pipeline", "recruiter", lambda w: f"/dashboard/jobs/{w.job}/pipeline",
         _job_rows, (302,)),
    Case("GET", "/dashboard/rejection-reasons", "admin", lambda w: "/dashboard/rejection-reasons"),
    Case("POST", "/dashboard/rejection-reasons", "admin", lambda w: "/dashboard/rejection-reasons",
         lambda w: {"label": f"Reason {_n()}"}, (302,)),
    Case("POST", "/dashboard/rejection-reasons/<int:reason_id>", "admin",
         lambda w: f"/dashboard/rejection-reasons/{_remember(_fresh_reason(w))}",
         lambda w: {f"reason-{_REMEMBERED[-1]}-label": f"Relabelled {_n()}"}, (302,)),
    Case("POST", "/dashboard/rejection-reasons/<int:reason_id>/move", "admin",
         lambda w: f"/dashboard/rejection-reasons/{_fresh_reason(w)}/move", lambda w: {"direction": "up"}, (302,)),
    Case("POST", "/dashboard/rejection-reasons/<int:reason_id>/archive", "admin",
         lambda w: f"/dashboard/rejection-reasons/{_fresh_reason(w)}/archive", ok=(302,)),
    Case("POST", "/dashboard/rejection-reasons/<int:reason_id>/restore", "admin",
         lambda w: f"/dashboard/rejection-reasons/{_fresh_reason(w, archived=True)}/restore", ok=(302,)),
    Case("POST", "/dashboard/applications/<int:application_id>/reject", "recruiter",
         lambda w: f"/dashboard/applications/{w.fresh_application()}/reject",
         lambda w: {"reason_id": str(_reason_id(w)), "note": "Filled internally"}, (302,)),
    # API keys (admins, both doors).
    Case("GET", f"{A}/api-keys", "admin", lambda w: f"{A}/api-keys?limit=100"),
    Case("POST", f"{A}/api-keys", "admin", lambda w: f"{A}/api-keys",
         lambda w: {"name": f"Key {_n()}", "scopes": ["jobs:read"]}, (201,)),
    Case("GET", f"{A}/api-keys/<int:key_id>", "admin", lambda w: f"{A}/api-keys/{_fresh_key(w)}"),
    Case("DELETE", f"{A}/api-keys/<int:key_id>", "admin", lambda w: f"{A}/api-keys/{_fresh_key(w)}"),
    Case("GET", "/dashboard/api-keys", "admin", lambda w: "/dashboard/api-keys"),
    Case("POST", "/dashboard/api-keys", "admin", lambda w: "/dashboard/api-keys",
         lambda w: {"name": f"Key {_n()}", "scopes": ["jobs:read", "reports:read"]}),
    Case("POST", "/dashboard/api-keys/<int:key_id>/revoke", "admin",
         lambda w: f"/dashboard/api-keys/{_fresh_key(w)}/revoke", ok=(302,)),
    # The audit log (admins).
    Case("GET", f"{A}/audit-events", "admin", lambda w: f"{A}/audit-events?limit=100&action=api_key.created"),
    Case("GET", "/dashboard/audit", "admin", lambda w: "/dashboard/audit"),
    Case("GET", "/dashboard/audit.csv", "admin", lambda w: "/dashboard/audit.csv"),
    # Requests from candidates: download my data, erase me (account page, status page, the emailed links).
    Case("GET", "/me/privacy", "candidate", lambda w: "/me/privacy"),
    Case("POST", "/me/privacy/export", "candidate", lambda w: "/me/privacy/export", ok=(302,)),
    Case("POST", "/me/privacy/erase", "candidate", lambda w: "/me/privacy/erase", ok=(302,)),
    Case("POST", "/status/<token>/my-data", "anonymous", lambda w: f"/status/{w.guest_link()}/my-data", ok=(302,)),
    Case("POST", "/status/<token>/erase", "anonymous", lambda w: f"/status/{w.guest_link()}/erase", ok=(302,)),
    Case("GET", "/my-data/<token>", "anonymous", lambda w: f"/my-data/{_export_token(w)}"),
    Case("GET", "/erase-me/<token>", "anonymous", lambda w: f"/erase-me/{_erase_token(w)}"),
    # Confirming runs the erasure itself (anonymise: a fixed set of bulk statements per record).
    Case("POST", "/erase-me/<token>", "anonymous", lambda w: f"/erase-me/{_erase_token(w)}", budget=40),
]  # fmt: skip


# The API's own description and its documentation page touch no table.
NOT_BUDGETED = {"/api/v1/openapi.json", "/api/docs"}


def _client_for(app, world: World, who: str, case: Case):
    """A test client signed in as `who` (web: a session; API: a bearer token in `headers`)."""
    client = app.test_client()
    headers: dict[str, str] = {}
    if who == "anonymous":
        return client, headers
    user = world.fresh_candidate() if who == "fresh" else world.user("recruiter" if who == "refresh" else who)
    if case.web:
        assert login(client, user).status_code == 302
    else:
        tokens = issue_tokens(user)
        db.session.commit()
        headers["Authorization"] = f"Bearer {tokens['refresh_token' if who == 'refresh' else 'access_token']}"
    return client, headers


def _measure(app, world: World, case: Case, count_statements):
    client, headers = _client_for(app, world, case.who, case)
    url = case.url(world)
    body = case.body(world) if case.body else None
    kwargs: dict = {"headers": headers}
    if case.web and case.method == "POST":
        kwargs["data"] = {"csrf_token": csrf(client), **(body or {})}
    elif case.multipart:
        kwargs["data"], kwargs["content_type"] = body, "multipart/form-data"
    elif body is not None:
        kwargs["data" if case.multipart else "json"] = body
    db.session.remove()
    with count_statements() as log:
        response = client.open(url, method=case.method, **kwargs)
    status, text = response.status_code, response.get_data().decode(errors="replace")  # images are bytes
    response.close()  # a file download holds its file open until closed
    assert status in case.ok, f"{case}: {status} {text[:500]}"
    db.session.remove()
    return log


@pytest.mark.parametrize("case", CASES, ids=str)
def test_budget(app, world, factory, count_statements, case):
    small = _measure(app, world, case, count_statements)
    world.grow(factory)
    large = _measure(app, world, case, count_statements)
    assert small.count <= case.budget, f"{case}\n{small.report()}"
    assert large.count == small.count, f"{case}\nsmall: {small.report()}\nlarge: {large.report()}"


def _bare(rule: str) -> str:
    """/jobs/<int(min=1):job_id> -> /jobs/<job_id>: converters differ between the doors, names do not."""
    return re.sub(r"<(?:[^:<>]+:)?([A-Za-z_]+)>", r"<\1>", rule)


def test_every_endpoint_and_dashboard_page_has_a_budget(app):
    covered = {(case.method, _bare(case.rule)) for case in CASES}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.rule in NOT_BUDGETED or rule.endpoint.endswith("static"):  # files, no database
            continue
        if not rule.rule.startswith(("/api/", "/dashboard")):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if (method, _bare(rule.rule)) not in covered:
                missing.append(f"{method} {rule.rule}")
    assert missing == []


# Replies by email: an application's replies (a keyset page), revoking its reply address.
def _with_replies(w: World) -> int:
    """The world's application with 60 more replies each time (the grown world has more)."""
    from app.models import InboundMessage

    n = _n()
    rows = [{"company_id": w.company, "application_id": w.application, "from_address": "ada@example.com",
             "from_name": "Ada", "subject": "Re: hello", "text_body": "Thanks", "message_id": f"<{n}.{i}@x>",
             "attachments": [], "dropped": [], "size": 10, "received_at": utcnow()} for i in range(60)]  # fmt: skip
    db.session.execute(insert(InboundMessage), rows)
    db.session.commit()
    return w.application


def _with_reply_address(w: World) -> int:
    """A fresh application with a live reply address (as the mail worker makes it)."""
    from app.services import replies

    application_id = w.fresh_application()
    replies.live_token(db.session.connection(), application_id, w.company)
    db.session.commit()
    return application_id


def _reply_attachment(w: World) -> str:
    """A new reply to the world's application with a PDF kept: its path under the application."""
    from app.services import replies

    token = replies.live_token(db.session.connection(), w.application, w.company)
    db.session.commit()
    target = replies.resolve(replies.reply_address(token, "r.example"), "r.example")
    reply = replies.Reply(from_address="ada@example.com", from_name="Ada", subject="Re", text="CV attached",
                          message_id=f"<cv{_n()}@x>", in_reply_to=None,
                          attachments=[replies.Attachment("cv.pdf", pdf_bytes())])  # fmt: skip
    (stored,) = replies.store([target], reply)
    return f"{w.application}/replies/{stored.id}/attachments/{stored.attachments[0]['key']}"


CASES += [
    Case("GET", f"{A}/applications/<int:application_id>/replies/<int:reply_id>/attachments/<key>", "manager",
         lambda w: f"{A}/applications/{_reply_attachment(w)}"),
    Case("GET", "/dashboard/applications/<int:application_id>/replies/<int:reply_id>/attachments/<key>", "recruiter",
         lambda w: f"/dashboard/applications/{_reply_attachment(w)}"),
    Case("GET", f"{A}/applications/<int:application_id>/replies", "manager",
         lambda w: f"{A}/applications/{_with_replies(w)}/replies?limit=50"),
    Case("DELETE", f"{A}/applications/<int:application_id>/reply-address", "recruiter",
         lambda w: f"{A}/applications/{_with_reply_address(w)}/reply-address", ok=(204,)),
    Case("GET", "/dashboard/applications/<int:application_id>", "manager",
         lambda w: f"/dashboard/applications/{_with_replies(w)}"),
    Case("POST", "/dashboard/applications/<int:application_id>/reply-address/revoke", "recruiter",
         lambda w: f"/dashboard/applications/{_with_reply_address(w)}/reply-address/revoke", ok=(302,)),
]  # fmt: skip


# Messages to candidates and the activity timeline: each source one statement, merged in Python.
def _with_activity(w: World) -> int:
    """The world's application with 30 more notes, replies, moves and messages each time (grown: more)."""
    from app.services import messages

    _with_replies(w)
    now = utcnow()
    db.session.execute(insert(Note), [{"application_id": w.application, "author_id": w.manager, "body": "N",
                                       "created_at": now}] * 30)  # fmt: skip
    db.session.commit()
    for _ in range(3):
        messages.send(_admin(w), w.application, subject="Hi {{ candidate.first_name }}", body="Hello",
                      send_at=now + timedelta(hours=1))  # fmt: skip
    db.session.commit()
    return w.application


def _waiting_message(w: World) -> str:
    """A staff message to the world's application, waiting an hour: its path under the application."""
    from app.services import messages

    view = messages.send(_admin(w), w.application, subject="Later", body="Hello",
                         send_at=utcnow() + timedelta(hours=1))  # fmt: skip
    db.session.commit()
    return f"{w.application}/messages/{view.id}"


MESSAGE_BODY = {"subject": "About {{ job.title }}", "body": "Hello {{ candidate.first_name }}"}
CASES += [
    Case("POST", f"{A}/applications/<int:application_id>/messages", "manager",
         lambda w: f"{A}/applications/{w.application}/messages", lambda w: MESSAGE_BODY, (201,)),
    Case("GET", f"{A}/applications/<int:application_id>/messages", "recruiter",
         lambda w: f"{A}/applications/{_with_activity(w)}/messages?limit=50"),
    Case("POST", f"{A}/applications/<int:application_id>/messages/<int:message_id>/cancel", "admin",
         lambda w: f"{A}/applications/{_waiting_message(w)}/cancel"),
    Case("POST", f"{A}/applications/<int:application_id>/messages/<int:message_id>/send-now", "admin",
         lambda w: f"{A}/applications/{_waiting_message(w)}/send-now"),
    Case("GET", f"{A}/applications/<int:application_id>/activity", "manager",
         lambda w: f"{A}/applications/{_with_activity(w)}/activity?limit=50"),
    Case("GET", f"{A}/applications/<int:application_id>/activity", "recruiter",
         lambda w: f"{A}/applications/{_with_activity(w)}/activity?limit=5&cursor={_activity_cursor(w)}"),
]  # fmt: skip


def _activity_cursor(w: World) -> str:
    from app.services import activity
    from app.services.applications import get_application

    page = activity.timeline_of(get_application(_admin(w), w.application), limit=10)
    return page.next_cursor


CASES += [
    Case("GET", "/dashboard/applications/<int:application_id>", "recruiter",
         lambda w: f"/dashboard/applications/{_with_activity(w)}?template=stage_offer"),
    Case("GET", "/dashboard/applications/<int:application_id>", "manager",
         lambda w: f"/dashboard/applications/{_with_activity(w)}?before={_activity_cursor(w)}"),
    Case("POST", "/dashboard/applications/<int:application_id>/messages", "manager",
         lambda w: f"/dashboard/applications/{w.application}/messages", lambda w: MESSAGE_BODY, (302,)),
    Case("POST", "/dashboard/applications/<int:application_id>/messages", "recruiter",
         lambda w: f"/dashboard/applications/{w.application}/messages",
         lambda w: {"subject": "Hi", "body": "{{ candidate.salary }}"}, (422,)),
    Case("POST", "/dashboard/applications/<int:application_id>/messages/<int:message_id>/cancel", "recruiter",
         lambda w: f"/dashboard/applications/{_waiting_message(w)}/cancel", ok=(302,)),
    Case("POST", "/dashboard/applications/<int:application_id>/messages/<int:message_id>/send-now", "recruiter",
         lambda w: f"/dashboard/applications/{_waiting_message(w)}/send-now", ok=(302,)),
]  # fmt: skip
CASES += [
    Case("POST", f"{A}/applications/bulk", "manager", lambda w: f"{A}/applications/bulk",
         lambda w: {"action": "email", "ids": w.fresh_applications(), **MESSAGE_BODY}),
    Case("POST", "/dashboard/jobs/<int:job_id>/bulk", "manager", lambda w: f"/dashboard/jobs/{w.job}/bulk",
         lambda w: {"all": "y", "stage": "interview", "action": "email", **MESSAGE_BODY}, (302,)),
]  # fmt: skip


# Notifications: a member's list (a keyset page), marking read, the settings, mentions in notes.
def _with_notifications(w: World) -> int:
    """30 more notifications for the world's recruiter each time (the grown world has more); the newest id."""
    from app.models import Notification

    rows = [{"user_id": w.recruiter, "company_id": w.company, "kind": "mention", "application_id": w.application,
             "note_id": None, "actor_id": w.manager, "created_at": utcnow()} for _ in range(30)]  # fmt: skip
    db.session.execute(insert(Notification), rows)
    db.session.commit()
    return db.session.query(func.max(Notification.id)).scalar()


_DIGEST = itertools.cycle([False, True])  # every PATCH changes the setting, so every one writes


def _mentions(w: World) -> dict:
    return {"body": f"Ask @[R](user:{w.recruiter}) and @[A](user:{w.admin}) {_n()}"}


CASES += [
    Case("GET", f"{A}/notifications", "recruiter",
         lambda w: f"{A}/notifications?limit=50&unread=true" if _with_notifications(w) else ""),
    Case("POST", f"{A}/notifications/<int:notification_id>/read", "recruiter",
         lambda w: f"{A}/notifications/{_with_notifications(w)}/read", ok=(204,)),
    Case("POST", f"{A}/notifications/read-all", "recruiter",
         lambda w: f"{A}/notifications/read-all" if _with_notifications(w) else ""),
    Case("GET", f"{A}/me/settings", "manager", lambda w: f"{A}/me/settings"),
    Case("PATCH", f"{A}/me/settings", "manager", lambda w: f"{A}/me/settings",
         lambda w: {"digest": next(_DIGEST)}),
    Case("POST", f"{A}/applications/<int:application_id>/notes", "manager",
         lambda w: f"{A}/applications/{w.application}/notes", _mentions, (201,)),
    Case("GET", "/dashboard/notifications", "recruiter",
         lambda w: "/dashboard/notifications" if _with_notifications(w) else ""),
    Case("POST", "/dashboard/notifications/<int:notification_id>/read", "recruiter",
         lambda w: f"/dashboard/notifications/{_with_notifications(w)}/read", ok=(302,)),
    Case("POST", "/dashboard/notifications/read-all", "recruiter",
         lambda w: "/dashboard/notifications/read-all" if _with_notifications(w) else "", ok=(302,)),
    Case("GET", "/dashboard/settings", "manager", lambda w: "/dashboard/settings"),
    Case("POST", "/dashboard/settings", "manager", lambda w: "/dashboard/settings", lambda w: {"digest": "y"},
         (302,)),
    Case("GET", "/dashboard/mentions/members", "manager", lambda w: "/dashboard/mentions/members"),
    Case("POST", "/dashboard/applications/<int:application_id>/notes", "manager",
         lambda w: f"/dashboard/applications/{w.application}/notes", _mentions, (302,)),
    Case("GET", "/dashboard/", "recruiter", lambda w: "/dashboard/" if _with_notifications(w) else ""),
]  # fmt: skip


# Webhooks and the event feed: endpoints, their delivery log and replays, the feed.
PUBLIC_URL = "https://93.184.215.14/hooks"  # a public address written as such: saved without a DNS look-up


def _hook(w: World) -> int:
    """A new endpoint of the company's with 60 more deliveries (and events) each time: the grown world has more."""
    from app.models import Event, WebhookDelivery
    from app.services import webhooks

    endpoint = webhooks.create_endpoint(_admin(w), url=PUBLIC_URL, description=f"Hook {_n()}").endpoint
    now = utcnow()
    payload = {"id": w.application, "stage": "applied"}
    events = [{"company_id": w.company, "type": "application.created", "occurred_at": now,
               "object_type": "application", "object_id": w.application, "payload": payload}] * 60  # fmt: skip
    event_ids = list(db.session.scalars(insert(Event).returning(Event.id), events))
    rows = [{"company_id": w.company, "event_id": i, "endpoint_id": endpoint.id, "status": "delivered", "attempts": 1,
             "due_at": now, "response_code": 200, "duration_ms": 5, "response_snippet": "ok", "created_at": now,
             "updated_at": now} for i in event_ids]  # fmt: skip
    db.session.execute(insert(WebhookDelivery), rows)
    db.session.commit()
    return endpoint.id


def _hook_delivery(w: World) -> str:
    from app.models import WebhookDelivery

    endpoint_id = _hook(w)
    delivery_id = db.session.scalar(
        select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == endpoint_id).limit(1)
    )
    return f"{endpoint_id}/deliveries/{delivery_id}"


def _feed_after(w: World) -> str:
    """The feed from an event 60 back (the grown world has more before it)."""
    from app.models import Event

    _hook(w)
    last = db.session.scalar(select(func.max(Event.id)))
    return encode_cursor(last - 60)


HOOK = "/webhooks/<int:endpoint_id>"
CASES += [
    Case("GET", f"{A}/webhooks", "admin", lambda w: f"{A}/webhooks?_={_hook(w)}"),
    Case("POST", f"{A}/webhooks", "admin", lambda w: f"{A}/webhooks",
         lambda w: {"url": PUBLIC_URL, "event_types": ["application.created"]}, (201,)),
    Case("GET", f"{A}{HOOK}", "admin", lambda w: f"{A}/webhooks/{_hook(w)}"),
    Case("PATCH", f"{A}{HOOK}", "admin", lambda w: f"{A}/webhooks/{_hook(w)}",
         lambda w: {"description": "Renamed", "active": False}),
    Case("DELETE", f"{A}{HOOK}", "admin", lambda w: f"{A}/webhooks/{_hook(w)}", ok=(204,)),
    Case("POST", f"{A}{HOOK}/rotate-secret", "admin", lambda w: f"{A}/webhooks/{_hook(w)}/rotate-secret"),
    Case("POST", f"{A}{HOOK}/test", "admin", lambda w: f"{A}/webhooks/{_hook(w)}/test", ok=(202,)),
    Case("GET", f"{A}{HOOK}/deliveries", "admin", lambda w: f"{A}/webhooks/{_hook(w)}/deliveries?limit=50"),
    Case("POST", f"{A}{HOOK}/deliveries/<int:delivery_id>/replay", "admin",
         lambda w: f"{A}/webhooks/{_hook_delivery(w)}/replay", ok=(202,)),
    Case("GET", f"{A}/events", "recruiter", lambda w: f"{A}/events?limit=50&after={_feed_after(w)}"),
    Case("GET", "/dashboard/webhooks", "admin", lambda w: f"/dashboard/webhooks?_={_hook(w)}"),
    Case("POST", "/dashboard/webhooks", "admin", lambda w: "/dashboard/webhooks",
         lambda w: {"url": PUBLIC_URL, "description": "New", "event_types": "job.opened"}, (201,)),
    Case("GET", f"/dashboard{HOOK}", "admin", lambda w: f"/dashboard/webhooks/{_hook(w)}"),
    Case("POST", f"/dashboard{HOOK}", "admin", lambda w: f"/dashboard/webhooks/{_hook(w)}",
         lambda w: {"url": PUBLIC_URL, "description": "Edited", "active": "y"}, (302,)),
    Case("POST", f"/dashboard{HOOK}/rotate-secret", "admin", lambda w: f"/dashboard/webhooks/{_hook(w)}/rotate-secret"),
    Case("POST", f"/dashboard{HOOK}/test", "admin", lambda w: f"/dashboard/webhooks/{_hook(w)}/test", ok=(302,)),
    Case("POST", f"/dashboard{HOOK}/deliveries/<int:delivery_id>/replay", "admin",
         lambda w: f"/dashboard/webhooks/{_hook_delivery(w)}/replay", ok=(302,)),
    Case("POST", f"/dashboard{HOOK}/delete", "admin", lambda w: f"/dashboard/webhooks/{_hook(w)}/delete", ok=(302,)),
]  # fmt: skip


# Candidate profiles, tags and talent pools (both doors).
def _record(w: World) -> int:
    """The company's record of the world's candidate (who applied)."""
    from app.models import Application

    return db.session.get(Application, w.application).candidate_id


def _fresh_record(w: World) -> int:
    """The record of a candidate who just applied (erasing or holding it twice would be refused)."""
    from app.models import Application

    return db.session.get(Application, w.fresh_application()).candidate_id


def _held_record(w: World) -> int:
    """A fresh candidate record under a legal hold (for lifting it)."""
    from app.services import erasure

    candidate_id = _fresh_record(w)
    erasure.set_legal_hold(w.user("admin"), candidate_id, "Tribunal")
    db.session.commit()
    return candidate_id


def _tagged(w: World) -> int:
    """The world's candidate with a tag on (for taking it off)."""
    from app.services import tags

    tags.tag_candidate(w.user("recruiter"), _record(w), "Known")
    db.session.commit()
    return _record(w)


def _fresh_tag(w: World) -> int:
    from app.services import tags

    tag = tags.create_tag(w.user("recruiter"), name=f"Tag {_n()}")
    db.session.commit()
    return tag.id


def _known_tag(w: World) -> int:
    """The id of the tag "Known", on the world's candidate (a merge keeps it)."""
    from app.services import tags

    tag = tags.tag_candidate(w.user("recruiter"), _record(w), "Known")
    db.session.commit()
    return tag.id


def _pool(w: World) -> int:
    """A fresh pool with the world's candidate and 3 more people in it."""
    from app.models import Application
    from app.services import pools

    pool = pools.create_pool(w.user("recruiter"), name=f"Pool {_n()}")
    others = [db.session.get(Application, i).candidate_id for i in w.fresh_applications(3)]
    pools.add_members(w.user("recruiter"), pool.id, [_record(w), *others])
    db.session.commit()
    return pool.id


def _pool_member(w: World) -> str:
    """A pool and a member of it without an application to the world's job: `<pool>/members/<candidate>`."""
    from app.models import Application
    from app.services import pools

    pool_id = _pool(w)
    (other,) = bulk.applications(w.fresh_job(), 1)
    candidate_id = db.session.get(Application, other).candidate_id
    pools.add_members(w.user("recruiter"), pool_id, [candidate_id])
    db.session.commit()
    return f"{pool_id}/members/{candidate_id}"


CASES += [
    Case("GET", f"{A}/candidates/<int:candidate_id>", "manager", lambda w: f"{A}/candidates/{_tagged(w)}"),
    Case("PATCH", f"{A}/candidates/<int:candidate_id>", "recruiter", lambda w: f"{A}/candidates/{_record(w)}",
         lambda w: {"location": f"City {_n()}", "phone": "+44 20 7946 0958"}),
    Case("POST", f"{A}/candidates/<int:candidate_id>/tags", "recruiter",
         lambda w: f"{A}/candidates/{_record(w)}/tags", lambda w: {"name": f"New {_n()}"}, (201,)),
    Case("DELETE", f"{A}/candidates/<int:candidate_id>/tags", "manager",
         lambda w: f"{A}/candidates/{_tagged(w)}/tags?name=known", ok=(204,)),
    Case("GET", f"{A}/tags", "manager", lambda w: f"{A}/tags"),
    Case("POST", f"{A}/tags", "recruiter", lambda w: f"{A}/tags", lambda w: {"name": f"Tag {_n()}"}, (201,)),
    Case("PATCH", f"{A}/tags/<int:tag_id>", "admin", lambda w: f"{A}/tags/{_fresh_tag(w)}",
         lambda w: {"name": f"Renamed {_n()}"}),
    Case("DELETE", f"{A}/tags/<int:tag_id>", "admin", lambda w: f"{A}/tags/{_fresh_tag(w)}", ok=(204,)),
    Case("POST", f"{A}/tags/<int:tag_id>/merge", "recruiter", lambda w: f"{A}/tags/{_fresh_tag(w)}/merge",
         lambda w: {"into": _known_tag(w)}),
    Case("GET", f"{A}/pools", "manager", lambda w: f"{A}/pools?limit=100"),
    Case("POST", f"{A}/pools", "recruiter", lambda w: f"{A}/pools", lambda w: {"name": f"Pool {_n()}"}, (201,)),
    Case("GET", f"{A}/pools/<int:pool_id>", "manager", lambda w: f"{A}/pools/{_pool(w)}"),
    Case("PATCH", f"{A}/pools/<int:pool_id>", "admin", lambda w: f"{A}/pools/{_pool(w)}",
         lambda w: {"description": f"Later {_n()}"}),
    Case("DELETE", f"{A}/pools/<int:pool_id>", "admin", lambda w: f"{A}/pools/{_pool(w)}", ok=(204,)),
    Case("GET", f"{A}/pools/<int:pool_id>/members", "manager", lambda w: f"{A}/pools/{_pool(w)}/members?limit=100"),
    Case("POST", f"{A}/pools/<int:pool_id>/members", "recruiter", lambda w: f"{A}/pools/{_pool(w)}/members",
         lambda w: {"candidate_ids": [_record(w)]}),
    Case("DELETE", f"{A}/pools/<int:pool_id>/members", "recruiter", lambda w: f"{A}/pools/{_pool(w)}/members",
         lambda w: {"candidate_ids": [_record(w)]}),
    Case("POST", f"{A}/pools/<int:pool_id>/members/<int:candidate_id>/apply", "recruiter",
         lambda w: f"{A}/pools/{_pool_member(w)}/apply", lambda w: {"job_id": w.job}, (201,)),
    Case("POST", f"{A}/applications/bulk", "recruiter", lambda w: f"{A}/applications/bulk",
         lambda w: {"action": "add_tag", "ids": w.fresh_applications(), "tag": f"Bulk {_n()}"}),
    Case("GET", "/dashboard/candidates/<int:candidate_id>", "recruiter",
         lambda w: f"/dashboard/candidates/{_tagged(w)}"),
    Case("POST", "/dashboard/candidates/<int:candidate_id>", "recruiter",
         lambda w: f"/dashboard/candidates/{_record(w)}",
         lambda w: {"full_name": f"Ada {_n()}", "phone": "+44 20 7946 0958", "source": "sourced"}, (302,)),
    Case("POST", "/dashboard/candidates/<int:candidate_id>/tags", "recruiter",
         lambda w: f"/dashboard/candidates/{_record(w)}/tags", lambda w: {"name": f"New {_n()}"}, (302,)),
    Case("POST", "/dashboard/candidates/<int:candidate_id>/tags/remove", "manager",
         lambda w: f"/dashboard/candidates/{_tagged(w)}/tags/remove", lambda w: {"name": "Known"}, (302,)),
    Case("POST", "/dashboard/candidates/<int:candidate_id>/pools", "recruiter",
         lambda w: f"/dashboard/candidates/{_record(w)}/pools", lambda w: {"pool_id": str(_pool(w))}, (302,)),
    Case("GET", "/dashboard/pools", "manager", lambda w: "/dashboard/pools"),
    Case("GET", "/dashboard/tags", "recruiter", lambda w: f"/dashboard/tags?t={_known_tag(w)}"),
    Case("POST", "/dashboard/tags", "recruiter", lambda w: "/dashboard/tags", lambda w: {"name": f"Tag {_n()}"},
         (302,)),
    Case("POST", "/dashboard/tags/<int:tag_id>", "admin", lambda w: f"/dashboard/tags/{_remember(_fresh_tag(w))}",
         lambda w: {f"tag-{_REMEMBERED[-1]}-name": f"Renamed {_n()}"}, (302,)),
    Case("POST", "/dashboard/tags/<int:tag_id>/merge", "recruiter",
         lambda w: f"/dashboard/tags/{_remember(_fresh_tag(w))}/merge",
         lambda w: {f"merge-{_REMEMBERED[-1]}-into": str(_known_tag(w))}, (302,)),
    Case("GET", "/dashboard/tags/<int:tag_id>/delete", "recruiter",
         lambda w: f"/dashboard/tags/{_known_tag(w)}/delete"),
    Case("POST", "/dashboard/tags/<int:tag_id>/delete", "admin", lambda w: f"/dashboard/tags/{_fresh_tag(w)}/delete",
         ok=(302,)),
    Case("POST", "/dashboard/pools", "recruiter", lambda w: "/dashboard/pools",
         lambda w: {"name": f"Pool {_n()}", "description": "Later"}, (302,)),
    Case("GET", "/dashboard/pools/<int:pool_id>", "recruiter", lambda w: f"/dashboard/pools/{_pool(w)}"),
    Case("POST", "/dashboard/pools/<int:pool_id>/delete", "admin", lambda w: f"/dashboard/pools/{_pool(w)}/delete",
         ok=(302,)),
    Case("POST", "/dashboard/pools/<int:pool_id>/members/<int:candidate_id>/remove", "recruiter",
         lambda w: f"/dashboard/pools/{_pool_member(w)}/remove", ok=(302,)),
    Case("POST", "/dashboard/pools/<int:pool_id>/members/<int:candidate_id>/apply", "recruiter",
         lambda w: f"/dashboard/pools/{_pool_member(w)}/apply", lambda w: {"job_id": str(w.job)}, (302,)),
    Case("POST", "/dashboard/jobs/<int:job_id>/bulk", "recruiter", lambda w: f"/dashboard/jobs/{w.job}/bulk",
         lambda w: {"ids": [str(i) for i in w.fresh_applications()], "action": "add_tag",
                    "tag": f"Bulk {_n()}"}, (302,)),
    # Interviews: scheduling with invites, plans, the caller's interviews and calendar feed.
    Case("GET", f"{A}/applications/<int:application_id>/interviews", "manager",
         lambda w: f"{A}/applications/{_interviewed(w)}/interviews"),
    Case("POST", f"{A}/applications/<int:application_id>/interviews", "recruiter",
         lambda w: f"{A}/applications/{w.fresh_applications(1)[0]}/interviews", lambda w: _interview_body(w), (201,)),
    Case("GET", f"{A}/interviews/<int:interview_id>", "manager", lambda w: f"{A}/interviews/{_interview(w)}"),
    Case("PATCH", f"{A}/interviews/<int:interview_id>", "recruiter", lambda w: f"{A}/interviews/{_interview(w)}",
         lambda w: {"starts_at": "2031-05-01T11:00", "location": f"Room {_n()}"}),
    Case("DELETE", f"{A}/interviews/<int:interview_id>", "recruiter", lambda w: f"{A}/interviews/{_interview(w)}",
         lambda w: {"reason": "Moved"}),
    Case("GET", f"{A}/jobs/<int:job_id>/interview-plan", "manager", lambda w: f"{A}/jobs/{w.job}/interview-plan"),
    Case("PUT", f"{A}/jobs/<int:job_id>/interview-plan", "recruiter", lambda w: f"{A}/jobs/{w.job}/interview-plan",
         lambda w: {"steps": [{"name": f"Screen {_n()}", "default_interviewer_ids": [w.manager],
                               "scorecard": [{"name": "Skills", "attributes": ["Python", "SQL"]}]}]}),
    Case("GET", f"{A}/me/interviews", "manager", lambda w: f"{A}/me/interviews?limit=100"),
    Case("POST", f"{A}/me/calendar-feed", "manager", lambda w: f"{A}/me/calendar-feed", ok=(201,)),
    Case("DELETE", f"{A}/me/calendar-feed", "manager", lambda w: _with_feed(w), ok=(204,)),
    Case("GET", "/dashboard/applications/<int:application_id>/interviews", "recruiter",
         lambda w: f"/dashboard/applications/{_interviewed(w)}/interviews"),
    Case("POST", "/dashboard/applications/<int:application_id>/interviews", "recruiter",
         lambda w: f"/dashboard/applications/{w.fresh_applications(1)[0]}/interviews",
         lambda w: {"kind_id": "0", "title": f"Call {_n()}", "date": "2031-05-01", "start": "10:00", "end": "11:00",
                    "timezone": "Europe/Paris", "interviewer_ids": [str(w.manager)]}, (302,)),
    Case("GET", "/dashboard/interviews/<int:interview_id>/edit", "recruiter",
         lambda w: f"/dashboard/interviews/{_interview(w)}/edit"),
    Case("POST", "/dashboard/interviews/<int:interview_id>/edit", "recruiter",
         lambda w: f"/dashboard/interviews/{_interview(w)}/edit",
         lambda w: {"title": "Moved", "date": "2031-05-02", "start": "10:00", "end": "11:00",
                    "timezone": "Europe/Paris", "interviewer_ids": [str(w.manager)], "location": "Room 2"}, (302,)),
    Case("POST", "/dashboard/interviews/<int:interview_id>/cancel", "recruiter",
         lambda w: f"/dashboard/interviews/{_interview(w)}/cancel", lambda w: {"reason": "Moved"}, (302,)),
    Case("GET", "/dashboard/jobs/<int:job_id>/interview-plan", "manager",
         lambda w: f"/dashboard/jobs/{w.job}/interview-plan"),
    Case("POST", "/dashboard/jobs/<int:job_id>/interview-plan", "recruiter",
         lambda w: f"/dashboard/jobs/{w.job}/interview-plan",
         lambda w: {"prefix": "new", "new-name": f"Step {_n()}", "new-duration_minutes": "30",
                    "new-scorecard": "Skills: Python, SQL"}, (302,)),
    Case("POST", "/dashboard/jobs/<int:job_id>/interview-plan/remove", "recruiter",
         lambda w: f"/dashboard/jobs/{w.job}/interview-plan/remove", lambda w: {"step_id": str(_plan_step(w))},
         (302,)),
    Case("GET", "/dashboard/interviews", "manager", lambda w: "/dashboard/interviews"),
    Case("POST", "/dashboard/interviews/calendar-feed", "manager", lambda w: "/dashboard/interviews/calendar-feed"),
    Case("POST", "/dashboard/interviews/calendar-feed/revoke", "manager",
         lambda w: _with_feed(w) and "/dashboard/interviews/calendar-feed/revoke", ok=(302,)),
]  # fmt: skip


# Duplicate candidates and merges. A merge moves each kind of row in one UPDATE (applications, resume
# texts, tags, pool memberships) and writes both records, the merge, the proposal and the audit row;
# the undo reads the merge and moves the same rows back: a fixed count above BUDGET, whatever the size.
MERGE_BUDGET = 12


def _dupes(w: World) -> tuple[int, int, int]:
    """Two fresh records of the company proposed as duplicates: (proposal, a, b)."""
    from app.models import Application, DuplicateCandidate

    a, b = sorted(db.session.get(Application, i).candidate_id for i in w.fresh_applications(2))
    pair = DuplicateCandidate(company_id=w.company, candidate_a_id=a, candidate_b_id=b, reasons=["phone"])
    db.session.add(pair)
    db.session.commit()
    return pair.id, a, b


def _to_merge(w: World) -> tuple[int, int]:
    """(keep, other): the world's candidate (many applications once grown) and a fresh record with a tag."""
    from app.services import tags

    _, _, other = _dupes(w)
    tags.tag_candidate(w.user("recruiter"), other, f"Dupe {_n()}")
    db.session.commit()
    return _record(w), other


def _merged(w: World, *, worlds: bool = True) -> int:
    """A merge into a fresh record, still undoable: of the world's candidate, or of another fresh record."""
    from app.services import merging

    _, keep, other = _dupes(w)
    record = merging.merge(w.user("recruiter"), keep, _record(w) if worlds else other, {"email": "other"})
    db.session.commit()
    return record.id


CASES += [
    Case("GET", f"{A}/duplicates", "manager", lambda w: (_dupes(w), f"{A}/duplicates?limit=100")[1]),
    Case("POST", f"{A}/duplicates/<int:proposal_id>/dismiss", "recruiter",
         lambda w: f"{A}/duplicates/{_dupes(w)[0]}/dismiss"),
    Case("GET", f"{A}/candidates/<int:candidate_id>/duplicates", "manager",
         lambda w: f"{A}/candidates/{_dupes(w)[1]}/duplicates"),
    Case("GET", f"{A}/candidates/<int:candidate_id>/merge-preview", "recruiter",
         lambda w: "{}/candidates/{}/merge-preview?other_id={}".format(A, *_to_merge(w))),
    Case("POST", f"{A}/candidates/<int:candidate_id>/merge", "recruiter",
         lambda w: f"{A}/candidates/{_record(w)}/merge", lambda w: {"other_id": _to_merge(w)[1]}, (201,),
         budget=MERGE_BUDGET),
    Case("POST", f"{A}/merges/<int:merge_id>/undo", "recruiter", lambda w: f"{A}/merges/{_merged(w)}/undo",
         budget=MERGE_BUDGET),
    Case("GET", "/dashboard/duplicates", "recruiter",
         lambda w: (_dupes(w), _merged(w, worlds=False), "/dashboard/duplicates")[2]),
    Case("POST", "/dashboard/duplicates/<int:proposal_id>/dismiss", "recruiter",
         lambda w: f"/dashboard/duplicates/{_dupes(w)[0]}/dismiss", lambda w: {}, (302,)),
    Case("GET", "/dashboard/candidates/<int:candidate_id>/merge", "recruiter",
         lambda w: "/dashboard/candidates/{}/merge?other_id={}".format(*_to_merge(w))),
    Case("POST", "/dashboard/candidates/<int:candidate_id>/merge", "recruiter",
         lambda w: f"/dashboard/candidates/{_record(w)}/merge",
         lambda w: {"other_id": str(_to_merge(w)[1]), "email": "other"}, (302,), budget=MERGE_BUDGET),
    Case("POST", "/dashboard/merges/<int:merge_id>/undo", "recruiter", lambda w: f"/dashboard/merges/{_merged(w)}/undo",
         lambda w: {}, (302,), budget=MERGE_BUDGET),
]  # fmt: skip


def _interview_body(w: World) -> dict:
    return {"starts_at": "2031-05-01T10:00", "ends_at": "2031-05-01T11:00", "timezone": "Europe/Paris",
            "title": f"Technical {_n()}", "interviewer_ids": [w.manager], "notes": "Staff only"}  # fmt: skip


def _interview(w: World) -> int:
    """A fresh interview on a fresh application, the manager interviewing."""
    from app.services import interviews

    application_id = w.fresh_applications(1)[0]
    interview = interviews.schedule(w.user("recruiter"), application_id, **_interview_body(w))
    db.session.commit()
    return interview.id


def _interviewed(w: World) -> int:
    """An application with an interview."""
    from app.models import Interview

    return db.session.get(Interview, _interview(w)).application_id


def _with_feed(w: World) -> str:
    """The manager has a calendar feed to revoke."""
    from app.services import calendar_feeds

    calendar_feeds.create(w.user("manager"))
    db.session.commit()
    return f"{A}/me/calendar-feed"


def _plan_step(w: World) -> int:
    """A step of the job's interview plan, to remove."""
    from app.services import interview_plans

    _job, kinds = interview_plans.set_plan(w.user("recruiter"), w.job, [{"name": f"Step {_n()}"}])
    db.session.commit()
    return kinds[0].id


# Interview scorecards and feedback: an application with 5 interviews and 10 scorecards (2 interviewers each).
SCORECARD = [{"name": "Skills", "attributes": ["Python", "SQL"]}, {"name": "Values", "attributes": ["Ownership"]}]
RATINGS = {"Skills/Python": 4, "Skills/SQL": 3, "Values/Ownership": None}
FEEDBACK_FORM = {"rating-Skills/Python": "4", "rating-Skills/SQL": "2", "rating-Values/Ownership": "none",
                 "recommendation": "yes", "notes": "Fine"}  # fmt: skip


def _scored_interview(w: World, application_id: int, day: int = 1) -> int:
    from app.services import interviews

    interview = interviews.schedule(
        w.user("recruiter"), application_id, starts_at=f"2030-03-0{day}T10:00Z", ends_at=f"2030-03-0{day}T11:00Z",
        timezone="UTC", title=f"Interview {day}", interviewer_ids=[w.recruiter, w.manager],
    )  # fmt: skip
    interview.scorecard = SCORECARD
    db.session.commit()
    return interview.id


def _give(w: World, interview_id: int, *who: str) -> None:
    from app.services import feedback

    for name in who:
        feedback.submit(w.user(name), interview_id, ratings=RATINGS, recommendation="yes", notes="Good")
    db.session.commit()


def _scored(w: World) -> int:
    """A fresh application with 5 interviews, each scored by both its interviewers."""
    application_id = w.fresh_application()
    for day in range(1, 6):
        _give(w, _scored_interview(w, application_id, day), "recruiter", "manager")
    return application_id


def _owed(w: World) -> int:
    """An interview of a scored application that nobody has given feedback on yet."""
    return _scored_interview(w, _scored(w), 6)


def _given(w: World) -> int:
    """An interview of a scored application the manager has given feedback on, then amended once."""
    from app.services import feedback

    interview_id = _scored_interview(w, _scored(w), 6)
    _give(w, interview_id, "manager")
    feedback.amend(w.user("manager"), interview_id, ratings=RATINGS, recommendation="no", version=1)
    db.session.commit()
    return interview_id


CASES += [
    Case("POST", f"{A}/interviews/<int:interview_id>/feedback", "manager",
         lambda w: f"{A}/interviews/{_owed(w)}/feedback", lambda w: {"ratings": RATINGS, "recommendation": "yes"},
         (201,)),
    Case("PUT", f"{A}/interviews/<int:interview_id>/feedback", "manager",
         lambda w: f"{A}/interviews/{_given(w)}/feedback",
         lambda w: {"ratings": RATINGS, "recommendation": "strong_yes", "version": 2}),
    Case("GET", f"{A}/interviews/<int:interview_id>/feedback", "manager",
         lambda w: f"{A}/interviews/{_given(w)}/feedback"),
    Case("GET", f"{A}/applications/<int:application_id>/feedback", "manager",
         lambda w: f"{A}/applications/{_scored(w)}/feedback"),
    Case("GET", f"{A}/jobs/<int:job_id>/scorecards", "manager",
         lambda w: f"{A}/jobs/{w.job}/scorecards?limit=100" if _scored(w) else ""),
    Case("GET", "/dashboard/applications/<int:application_id>", "manager",
         lambda w: f"/dashboard/applications/{_scored(w)}"),
    Case("GET", "/dashboard/applications/<int:application_id>", "recruiter",
         lambda w: f"/dashboard/applications/{_scored(w)}"),
    Case("GET", "/dashboard/jobs/<int:job_id>", "manager", lambda w: f"/dashboard/jobs/{w.job}" if _owed(w) else ""),
    Case("GET", "/dashboard/interviews/<int:interview_id>/feedback", "manager",
         lambda w: f"/dashboard/interviews/{_given(w)}/feedback"),
    Case("POST", "/dashboard/interviews/<int:interview_id>/feedback", "manager",
         lambda w: f"/dashboard/interviews/{_owed(w)}/feedback", lambda w: FEEDBACK_FORM, (302,)),
    Case("GET", "/dashboard/jobs/<int:job_id>/scorecards", "manager",
         lambda w: f"/dashboard/jobs/{w.job}/scorecards" if _scored(w) else ""),
]  # fmt: skip


BOOK_BUDGET = 16


# Self-booking: interview times offered to the candidate, who books one through a private link.
def _slot_times(n: int = 3) -> list[str]:
    """`n` times in the future, on days no other case uses (the booked ones keep the interviewer busy)."""
    from datetime import UTC, datetime

    day = datetime.now(UTC).replace(hour=13, minute=0, second=0, microsecond=0) + timedelta(days=30 + 5 * _n())
    return [(day + timedelta(days=i)).isoformat() for i in range(n)]


def _booking(w: World) -> tuple[int, str]:
    """A fresh open booking request on the world's application: (its id, the candidate's token)."""
    from app.services import booking

    offered = booking.offer(w.user("recruiter"), w.application, slots=_slot_times(), timezone="Europe/Paris",
                            interviewer_ids=[w.manager], title="Technical")  # fmt: skip
    db.session.commit()
    return offered.request.id, offered.token


_PICK: dict[str, str] = {}


def _pick_url(w: World) -> str:
    """A fresh request's page; its second time is what the body picks."""
    from app.models import BookingRequest

    request_id, token = _booking(w)
    _PICK["slot_id"] = str(db.session.get(BookingRequest, request_id).slots[1].id)
    return f"/book/{token}"


CASES += [
    Case("POST", f"{A}/applications/<int:application_id>/booking-requests", "recruiter",
         lambda w: f"{A}/applications/{w.application}/booking-requests",
         lambda w: {"slots": [{"starts_at": t} for t in _slot_times()], "timezone": "Europe/Paris",
                    "interviewer_ids": [w.manager], "title": "Technical"}, (201,)),
    Case("GET", f"{A}/applications/<int:application_id>/booking-requests", "manager",
         lambda w: f"{A}/applications/{w.application}/booking-requests?limit=100"),
    Case("GET", f"{A}/booking-requests/<int:request_id>", "manager",
         lambda w: f"{A}/booking-requests/{_booking(w)[0]}"),
    Case("DELETE", f"{A}/booking-requests/<int:request_id>", "recruiter",
         lambda w: f"{A}/booking-requests/{_booking(w)[0]}", ok=(204,)),
    Case("POST", "/dashboard/applications/<int:application_id>/booking-requests", "recruiter",
         lambda w: f"/dashboard/applications/{w.application}/booking-requests",
         lambda w: {"title": "Technical", "interviewer_ids": [str(w.manager)], "timezone": "Europe/Paris",
                    "slots": "\n".join(t[:16].replace("T", " ") for t in _slot_times())}, (302,)),
    Case("POST", "/dashboard/booking-requests/<int:request_id>/cancel", "recruiter",
         lambda w: f"/dashboard/booking-requests/{_booking(w)[0]}/cancel", ok=(302,)),
    Case("GET", "/dashboard/applications/<int:application_id>/booking", "recruiter",
         lambda w: f"/dashboard/applications/{_booking(w) and w.application}/booking"),
    Case("GET", "/dashboard/applications/<int:application_id>/booking", "manager",
         lambda w: f"/dashboard/applications/{w.application}/booking"),
    Case("GET", "/book/<token>", "anonymous", lambda w: f"/book/{_booking(w)[1]}?tz=America/New_York"),
    # The claim, the interviewers' lock and calendar, then scheduling the interview as interviews.schedule does.
    Case("POST", "/book/<token>", "anonymous", _pick_url,
         lambda w: {"slot_id": _PICK["slot_id"], "tz": "America/New_York"}, (302,), budget=BOOK_BUDGET),
]  # fmt: skip


# Offers: made, approved, sent, answered; approvers; the letter template (both doors, the candidate's pages).
OFFER_TERMS = {"salary_amount": "85000", "currency": "EUR", "start_date": "2027-01-15", "terms": "Gym."}


def _offer(w: World, status: str = "draft", *, guest: bool = False) -> int:
    """A fresh application (a guest's when asked) at the offer stage, with an offer brought to `status`."""
    from app.services import offers

    recruiter, admin = w.user("recruiter"), w.user("admin")
    application_id = w.guest_application() if guest else w.fresh_application()
    offer = offers.create_offer(recruiter, application_id, **OFFER_TERMS)
    steps = ("awaiting_approval", "approved", "sent", "accepted")
    reached = steps[: steps.index(status) + 1] if status in steps else ()
    for step in reached:
        if step == "awaiting_approval":
            offers.submit(recruiter, offer.id)
        elif step == "approved":
            offers.approve(admin, offer.id)
        elif step == "sent":
            offers.send(recruiter, offer.id)
        else:
            offers.respond(db.session.get(Application, application_id), offer.id, accept=True)
    db.session.commit()
    return offer.id


def _offered_application(w: World, status: str = "sent", *, guest: bool = False) -> int:
    from app.models import Offer

    return db.session.get(Offer, _offer(w, status, guest=guest)).application_id


def _hire_ready(w: World) -> int:
    """An application at the offer stage with an accepted offer, the company requiring one to hire."""
    from app.models import Company

    application_id = _offered_application(w, "accepted")
    for stage in ("screening", "interview", "offer"):
        application_service.move_stage(w.user("recruiter"), application_id, stage)
    db.session.get(Company, w.company).hire_requires_offer = True
    db.session.commit()
    return application_id


def _approver_ids(w: World) -> dict:
    return {"user_ids": [w.manager, w.recruiter]}


OFFER = "/offers/<int:offer_id>"
CASES += [
    Case("GET", f"{A}/applications/<int:application_id>/offers", "manager",
         lambda w: f"{A}/applications/{_offered_application(w, 'draft')}/offers"),
    Case("POST", f"{A}/applications/<int:application_id>/offers", "recruiter",
         lambda w: f"{A}/applications/{w.fresh_application()}/offers", lambda w: OFFER_TERMS, (201,)),
    Case("GET", f"{A}{OFFER}", "manager", lambda w: f"{A}/offers/{_offer(w, 'sent')}"),
    Case("PATCH", f"{A}{OFFER}", "recruiter", lambda w: f"{A}/offers/{_offer(w, 'approved')}",
         lambda w: {"salary_amount": "90000.25", "start_date": "2027-02-01"}),
    Case("POST", f"{A}{OFFER}/submit", "recruiter", lambda w: f"{A}/offers/{_offer(w)}/submit", lambda w: {}),
    Case("POST", f"{A}{OFFER}/approve", "admin", lambda w: f"{A}/offers/{_offer(w, 'awaiting_approval')}/approve",
         lambda w: {"note": "Fine"}),
    Case("POST", f"{A}{OFFER}/send", "recruiter", lambda w: f"{A}/offers/{_offer(w, 'approved')}/send",
         lambda w: {}),
    Case("POST", f"{A}{OFFER}/send", "recruiter",
         lambda w: f"{A}/offers/{_offer(w, 'approved', guest=True)}/send", lambda w: {}),
    Case("POST", f"{A}{OFFER}/withdraw", "recruiter", lambda w: f"{A}/offers/{_offer(w, 'sent')}/withdraw",
         lambda w: {"note": "Filled"}),
    Case("GET", f"{A}{OFFER}/letter", "manager", lambda w: f"{A}/offers/{_offer(w, 'approved')}/letter"),
    Case("GET", f"{A}/jobs/<int:job_id>/offer-approvers", "manager", lambda w: f"{A}/jobs/{w.job}/offer-approvers"),
    Case("PUT", f"{A}/jobs/<int:job_id>/offer-approvers", "recruiter", lambda w: f"{A}/jobs/{w.job}/offer-approvers",
         _approver_ids),
    Case("GET", f"{A}/offer-letter-template", "recruiter", lambda w: f"{A}/offer-letter-template"),
    Case("PUT", f"{A}/offer-letter-template", "admin", lambda w: f"{A}/offer-letter-template",
         lambda w: {"body": f"<p>Dear {{{{ candidate.full_name }}}}, {_n()}</p>"}),
    Case("DELETE", f"{A}/offer-letter-template", "admin", lambda w: f"{A}/offer-letter-template", ok=(204,)),
    Case("POST", f"{A}/applications/<int:application_id>/transitions", "recruiter",
         lambda w: f"{A}/applications/{_hire_ready(w)}/transitions", lambda w: {"to": "hired"}),
]  # fmt: skip


def _guest_offer_link(w: World) -> tuple[str, int]:
    """(the private link mailed with a guest's offer, the offer's id)."""
    from app.models import Offer

    offer_id = _offer(w, "sent", guest=True)
    # The mailed link is in the queued email only; a new one stands in for it (the mail is not sent here).
    token = status_links.replace(db.session.get(Application, db.session.get(Offer, offer_id).application_id))
    db.session.commit()
    return token, offer_id


def _own_offer(w: World) -> str:
    """The world's candidate's application with a sent offer: `<application_id>/offers/<offer_id>`."""
    from app.services import offers

    recruiter, admin = w.user("recruiter"), w.user("admin")
    current = offers.current_offer(db.session.get(Application, w.application))
    if current is not None and current.is_open:  # the grown world's run: the small world's offer is open
        offers.withdraw(recruiter, current.id)
    offer = offers.create_offer(recruiter, w.application, **OFFER_TERMS)
    offers.submit(recruiter, offer.id)
    offers.approve(admin, offer.id)
    offers.send(recruiter, offer.id)
    db.session.commit()
    return f"{w.application}/offers/{offer.id}"


OFFER_FORM = {"salary_amount": "85000", "currency": "EUR", "start_date": "2027-01-15", "terms": "Gym."}
CASES += [
    Case("GET", "/dashboard/applications/<int:application_id>/offer", "manager",
         lambda w: f"/dashboard/applications/{_offered_application(w, 'approved')}/offer"),
    Case("GET", "/dashboard/applications/<int:application_id>/offer", "recruiter",
         lambda w: f"/dashboard/applications/{_offered_application(w, 'sent')}/offer"),
    Case("POST", "/dashboard/applications/<int:application_id>/offer", "recruiter",
         lambda w: f"/dashboard/applications/{w.fresh_application()}/offer", lambda w: OFFER_FORM, (302,)),
    Case("POST", "/dashboard/applications/<int:application_id>/offer", "recruiter",
         lambda w: f"/dashboard/applications/{_offered_application(w, 'approved')}/offer",
         lambda w: {**OFFER_FORM, "salary_amount": "90000"}, (302,)),
    Case("POST", "/dashboard/offers/<int:offer_id>/<any(submit, approve, send, withdraw):step>", "admin",
         lambda w: f"/dashboard/offers/{_offer(w, 'awaiting_approval')}/approve", lambda w: {"note": "Fine"}, (302,)),
    Case("POST", "/dashboard/offers/<int:offer_id>/<any(submit, approve, send, withdraw):step>", "recruiter",
         lambda w: f"/dashboard/offers/{_offer(w, 'approved')}/send", lambda w: {}, (302,)),
    Case("GET", "/dashboard/offers", "admin", lambda w: f"/dashboard/offers?_={_offer(w, 'awaiting_approval')}"),
    Case("GET", "/dashboard/jobs/<int:job_id>/offer-approvers", "recruiter",
         lambda w: f"/dashboard/jobs/{w.job}/offer-approvers"),
    Case("POST", "/dashboard/jobs/<int:job_id>/offer-approvers", "recruiter",
         lambda w: f"/dashboard/jobs/{w.job}/offer-approvers", lambda w: {"user_ids": [str(w.manager)]}, (302,)),
    Case("GET", "/dashboard/offer-letter", "admin", lambda w: "/dashboard/offer-letter"),
    Case("POST", "/dashboard/offer-letter", "admin", lambda w: "/dashboard/offer-letter",
         lambda w: {"body": f"<p>Dear {{{{ candidate.full_name }}}} {_n()}</p>", "submit": "Save"}, (302,)),
    Case("POST", "/status/<token>/offers/<int:offer_id>", "anonymous",
         lambda w: "/status/{}/offers/{}".format(*_guest_offer_link(w)), lambda w: {"accept": "1"}, (302,)),
    Case("GET", "/status/<token>", "anonymous", lambda w: f"/status/{_guest_offer_link(w)[0]}"),
    Case("POST", "/me/applications/<int:application_id>/offers/<int:offer_id>", "candidate",
         lambda w: f"/me/applications/{_own_offer(w)}", lambda w: {"decline": "1"}, (302,)),
    Case("GET", "/me/applications/<int:application_id>", "candidate",
         lambda w: f"/me/applications/{_own_offer(w).partition('/')[0]}"),
]  # fmt: skip
# Requests from candidates: a fresh guest's export (built) or erasure request, and the token its email carried.


def _guest_candidate(w: World):
    return status_links.open_link(w.guest_link()).candidate


def _export_token(w: World) -> str:
    from unittest import mock

    from app.services import data_export, data_requests

    row = data_requests.request_export(candidate=_guest_candidate(w))
    with mock.patch.object(data_export, "new_token", return_value=(token := f"export{_n():040d}", digest(token))):
        data_export.build(row.id)
    db.session.commit()
    return token


def _erase_token(w: World) -> str:
    from unittest import mock

    from app.services import data_requests

    with mock.patch.object(data_requests, "new_token", return_value=(token := f"erase{_n():040d}", digest(token))):
        data_requests.request_erasure(candidate=_guest_candidate(w))
    db.session.commit()
    return token


# Equal-opportunity data: the survey questions and the aggregate report (one read of the answers).
EEO_QUESTIONS = "gender | Gender | Woman; Man\nveteran | Veteran status | Yes; No"
CASES += [
    Case("GET", f"{A}/eeo/questions", "admin", lambda w: f"{A}/eeo/questions"),
    Case("PUT", f"{A}/eeo/questions", "admin", lambda w: f"{A}/eeo/questions",
         lambda w: {"questions": [{"key": "gender", "label": "Gender", "options": ["Woman", "Man"]}]}),
    Case("GET", f"{A}/eeo/report", "admin", lambda w: f"{A}/eeo/report?job_id={w.job}&from=2020-01-01"),
    Case("GET", "/dashboard/eeo", "admin", lambda w: f"/dashboard/eeo?job_id={w.job}&to=2100-01-01"),
    Case("GET", "/dashboard/eeo/questions", "admin", lambda w: "/dashboard/eeo/questions"),
    Case("POST", "/dashboard/eeo/questions", "admin", lambda w: "/dashboard/eeo/questions",
         lambda w: {"questions": EEO_QUESTIONS}, (302,)),
]  # fmt: skip


# Candidate imports: the upload reads the header, the run is the worker's; the pages and the report read a page.
def _import_csv() -> bytes:
    n = _n()
    return f"Full name,Email\r\nPerson {n},import{n}@example.com\r\nOther {n},other{n}@example.com\r\n".encode()


def _uploaded_import(w: World) -> int:
    from app.services import candidate_imports

    row = candidate_imports.upload(w.user("recruiter"), filename="people.csv", data=_import_csv())
    db.session.commit()
    return row.id


def _done_import(w: World) -> int:
    from app.services import candidate_import_run, candidate_imports

    import_id = _uploaded_import(w)
    candidate_imports.confirm(w.user("recruiter"), import_id, {"full_name": "Full name", "email": "Email"})
    db.session.commit()
    candidate_import_run.run(import_id)
    return import_id


IMPORTS = f"{A}/candidate-imports"
MAPPING = {"full_name": "Full name", "email": "Email"}
CASES += [
    Case("POST", IMPORTS, "recruiter", lambda w: IMPORTS,
         lambda w: {"file": (io.BytesIO(_import_csv()), "people.csv")}, (201,), multipart=True),
    Case("GET", IMPORTS, "recruiter", lambda w: f"{IMPORTS}?limit=100"),
    Case("GET", f"{IMPORTS}/<int:import_id>", "recruiter", lambda w: f"{IMPORTS}/{_uploaded_import(w)}"),
    Case("GET", f"{IMPORTS}/<int:import_id>", "recruiter", lambda w: f"{IMPORTS}/{_done_import(w)}"),
    Case("POST", f"{IMPORTS}/<int:import_id>/confirm", "recruiter",
         lambda w: f"{IMPORTS}/{_uploaded_import(w)}/confirm", lambda w: {"mapping": MAPPING}, (202,)),
    Case("GET", f"{IMPORTS}/<int:import_id>/report.csv", "recruiter",
         lambda w: f"{IMPORTS}/{_done_import(w)}/report.csv"),
    Case("GET", "/dashboard/candidates/imports", "recruiter", lambda w: "/dashboard/candidates/imports"),
    Case("POST", "/dashboard/candidates/imports", "recruiter", lambda w: "/dashboard/candidates/imports",
         lambda w: {"file": (io.BytesIO(_import_csv()), "people.csv")}, (302,)),
    Case("GET", "/dashboard/candidates/imports/<int:import_id>", "recruiter",
         lambda w: f"/dashboard/candidates/imports/{_uploaded_import(w)}"),
    Case("GET", "/dashboard/candidates/imports/<int:import_id>", "recruiter",
         lambda w: f"/dashboard/candidates/imports/{_done_import(w)}"),
    Case("POST", "/dashboard/candidates/imports/<int:import_id>/confirm", "recruiter",
         lambda w: f"/dashboard/candidates/imports/{_uploaded_import(w)}/confirm",
         lambda w: {"map_full_name": "Full name", "map_email": "Email"}, (302,)),
    Case("GET", "/dashboard/candidates/imports/<int:import_id>/report.csv", "recruiter",
         lambda w: f"/dashboard/candidates/imports/{_done_import(w)}/report.csv"),
]  # fmt: skip
