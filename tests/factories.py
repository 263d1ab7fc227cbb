"""Builders for test data, going through the services so the rules hold."""

from __future__ import annotations

import itertools

from app.extensions import db
from app.models import Application, Company, Job, User
from app.services import accounts, applications, companies, jobs

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


class Factory:
    def company(self, name: str | None = None, *, hire_requires_offer: bool = False) -> tuple[Company, User]:
        """A company and its admin. `hire_requires_offer` is off here, explicitly: tests of the stage
        machine hire without offers; the offers' own tests (tests/offers) turn it on."""
        n = next(_counter)
        company, admin = companies.create_company(
            name=name or f"Company {n}",
            admin_email=f"admin{n}@company{n}.example",
            admin_password=PASSWORD,
            admin_full_name=f"Admin {n}",
        )
        company.hire_requires_offer = hire_requires_offer
        db.session.commit()
        return company, admin

    def staff(self, company: Company, admin: User, role: str) -> User:
        n = next(_counter)
        user = companies.add_staff(
            admin,
            company.id,
            email=f"{role}{n}@staff.example",
            full_name=f"{role.title()} {n}",
            role=role,
            password=PASSWORD,
        )
        db.session.commit()
        return user

    def candidate(self, name: str | None = None) -> User:
        n = next(_counter)
        user = accounts.register_candidate(
            email=f"cand{n}@example.com", password=PASSWORD, full_name=name or f"Candidate {n}"
        )
        db.session.commit()
        return user

    def job(self, author: User, status: str = "open", **fields) -> Job:
        fields.setdefault("title", f"Job {next(_counter)}")
        job = jobs.create_job(author, status=status, **fields)
        db.session.commit()
        return job

    def application(self, candidate: User, job: Job, cover_letter: str = "Hello") -> Application:
        application = applications.apply(candidate, job.id, cover_letter=cover_letter, consent=True)
        db.session.commit()
        return application

    def tenant(self) -> dict:
        """A company with one member of each staff role and an open job."""
        company, admin = self.company()
        recruiter = self.staff(company, admin, "recruiter")
        manager = self.staff(company, admin, "hiring_manager")
        job = self.job(recruiter)
        return {"company": company, "admin": admin, "recruiter": recruiter, "hiring_manager": manager, "job": job}
