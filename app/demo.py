"""Demo data for a first look, built through the services so every rule holds."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Company, User
from app.services import accounts, applications, applying, companies, jobs
from app.services.candidates import CandidateDetails

DEMO_PASSWORD = "demo-password-123"  # noqa: S105 - printed demo login, development only
DEMO_SLUG = "acme-robotics"

STAFF = (
    ("recruiter", "recruiter@acme.example", "Rita Recruiter"),
    ("hiring_manager", "manager@acme.example", "Hugo Manager"),
)
CANDIDATES = (
    ("ada@example.com", "Ada Lovelace"),
    ("alan@example.com", "Alan Turing"),
    ("grace@example.com", "Grace Hopper"),
    ("edsger@example.com", "Edsger Dijkstra"),
    ("barbara@example.com", "Barbara Liskov"),
    ("ken@example.com", "Ken Thompson"),
    ("margaret@example.com", "Margaret Hamilton"),
    ("linus@example.com", "Linus Torvalds"),
)
JOBS = (
    ("Senior Backend Engineer (Python)", "Berlin", True, "full_time", "open", (70000, 95000, "EUR")),
    ("Frontend Engineer", "Amsterdam", False, "full_time", "open", (55000, 75000, "EUR")),
    ("Robotics Technician", "Munich", False, "full_time", "open", (42000, 52000, "EUR")),
    ("Data Analyst Intern", "Remote", True, "internship", "open", (None, None, None)),
    ("Technical Writer", "Lisbon", True, "contract", "open", (None, None, None)),
    ("Head of Product", "Berlin", False, "full_time", "draft", (None, None, None)),
    ("Support Engineer", "Dublin", False, "part_time", "closed", (None, None, None)),
)
DESCRIPTION = (
    "Join a small team building robots that sort parcels for independent shops.\n\n"
    "What you will do:\n- Own features end to end\n- Work closely with customers\n\n"
    "What we offer: flexible hours, a learning budget and a calm, focused team."
)
# (candidate index, job index, stage path after "applied")
PATHS = (
    (0, 0, ["screening", "interview", "offer", "hired"]),
    (1, 0, ["screening", "interview", "offer"]),
    (2, 0, ["screening", "interview"]),
    (3, 0, ["screening"]),
    (4, 0, []),
    (5, 0, ["screening", "rejected"]),
    (6, 1, ["withdrawn"]),
    (7, 1, ["screening"]),
    (0, 1, []),
    (1, 2, ["screening", "interview"]),
    (2, 3, []),
)


def _accepted_offer(application, recruiter, admin) -> None:
    """An offer made by the recruiter, approved by the admin, sent and accepted."""
    from app.services import offers

    offer = offers.create_offer(
        recruiter, application.id, salary_amount="72000", currency="EUR", start_date="2027-03-01",
        terms="30 days of paid leave.",
    )  # fmt: skip
    offers.submit(recruiter, offer.id)
    offers.approve(admin, offer.id)
    offers.send(recruiter, offer.id)
    offers.respond(application, offer.id, accept=True)


def seed_demo_data() -> tuple[bool, list[tuple[str, str]]]:
    """Returns (created, [(role, email)]); does nothing when the demo company exists."""
    logins = [("admin", "admin@acme.example"), *((r, e) for r, e, _ in STAFF), ("candidate", CANDIDATES[0][0])]
    if db.session.scalar(select(Company.id).where(Company.slug == DEMO_SLUG)) is not None:
        return False, logins
    company, admin = companies.create_company(
        name="Acme Robotics",
        admin_email="admin@acme.example",
        admin_password=DEMO_PASSWORD,
        admin_full_name="Alice Admin",
    )
    company.slug = DEMO_SLUG
    company.website = "https://acme.example"
    company.description = "We build friendly warehouse robots."
    staff = {"admin": admin}
    for role, email, name in STAFF:
        staff[role] = companies.add_staff(
            admin, company.id, email=email, full_name=name, role=role, password=DEMO_PASSWORD
        )
    candidates: list[User] = [
        accounts.register_candidate(email=email, password=DEMO_PASSWORD, full_name=name) for email, name in CANDIDATES
    ]
    created_jobs = []
    for title, location, remote, kind, _status, (low, high, currency) in JOBS:
        created_jobs.append(
            jobs.create_job(
                staff["recruiter"],
                title=title,
                description=DESCRIPTION,
                location=location,
                remote=remote,
                employment_type=kind,
                salary_min=low,
                salary_max=high,
                salary_currency=currency,
                status="open",
            )
        )
    for candidate_index, job_index, path in PATHS:
        candidate = candidates[candidate_index]
        application = applications.apply(
            candidate,
            created_jobs[job_index].id,
            cover_letter=(
                f"Dear Acme team,\n\nI would love to join you as {created_jobs[job_index].title}."
                f"\n\n{candidate.full_name}"
            ),
            consent=True,
        )
        for stage in path:
            if stage == "hired":  # the company requires an accepted offer to hire: the demo makes one
                _accepted_offer(application, staff["recruiter"], admin)
            actor = candidate if stage == "withdrawn" else staff["recruiter"]
            applications.move_stage(
                actor,
                application.id,
                stage,
                note=f"Moved to {stage} after review." if actor is not candidate else "Accepted another offer.",
                reason="Not enough experience with our stack." if stage == "rejected" else None,
            )
    # A guest applies without an account, and the recruiter adds a referred person themselves.
    applying.submit(
        None,
        created_jobs[0].id,
        details=CandidateDetails(full_name="Grace Guest", email="grace@example.com"),
        cover_letter="Dear Acme team,\n\nI found you on a job board and applied without an account.\n\nGrace",
        consent=True,
        origin=applying.origin_from(utm_source="jobboard.example", utm_medium="job_board", utm_campaign="spring"),
    )
    applying.add_candidate(
        staff["recruiter"],
        created_jobs[0].id,
        details=CandidateDetails(full_name="Rita Referred", links={"linkedin": "https://www.linkedin.com/in/rita"}),
        source="referral",
        referrer=staff["admin"].full_name,
        note="Worked with our admin before; strong on infrastructure.",
    )
    for job, (*_, status, _salary) in zip(created_jobs, JOBS, strict=True):
        if status != "open":
            jobs.set_job_status(staff["recruiter"], job.id, status)
    _other, other_admin = companies.create_company(
        name="Globex Logistics",
        admin_email="admin@globex.example",
        admin_password=DEMO_PASSWORD,
        admin_full_name="Gary Globex",
    )
    jobs.create_job(
        other_admin, title="Fleet Operations Lead", description=DESCRIPTION, location="Rotterdam", status="open"
    )
    db.session.flush()
    return True, logins
