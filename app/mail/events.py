"""Signal receivers: each domain event adds its emails to the event's own transaction.

Connected once, when this module is imported; every receiver works on
`current_app`, so an app built later (tests build many) needs no new wiring.
Candidates never get staff notes or rejection reasons: those fields are not
passed to any template.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from app import signals
from app.extensions import db
from app.mail.compose import one_line, render
from app.mail.outbox import add_message, add_messages
from app.models import Application, Role, StageChange, User
from app.services import questions, tokens

CANDIDATE_STAGES = ("screening", "interview", "offer", "hired", "rejected")
STAGE_SUBJECTS = {
    "screening": "Your application for {title} is being reviewed",
    "interview": "Your application for {title}: next step, interview",
    "offer": "Good news about your application for {title}",
    "hired": "Welcome aboard: {title} at {company}",
    "rejected": "Your application for {title} at {company}",
}


def _base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def links(application_id: int) -> dict[str, str]:
    """Where the candidate and the staff follow this application in the browser."""
    base = _base_url()
    return {
        "candidate": f"{base}/me/applications/{application_id}",
        "dashboard": f"{base}/dashboard/applications/{application_id}",
    }


def recruiting_staff(company_id: int) -> list[User]:
    """Active recruiters and admins of the company: who hears of new and withdrawn applications."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.company_id == company_id,
                User.active.is_(True),
                User.role.in_((Role.RECRUITER.value, Role.ADMIN.value)),
            )
            .order_by(User.id)
        )
    )


@signals.application_submitted.connect
def on_application_submitted(application: Application, **_extra) -> None:
    candidate, job = application.candidate, application.job
    names = {"candidate_name": candidate.full_name, "job_title": job.title, "company_name": job.company.name}
    confirmation = {
        "kind": "application_received",
        "to_address": candidate.email,
        "to_name": candidate.full_name,
        "company_id": application.company_id,
        "rendered": render(
            "application_received",
            f"Your application for {job.title} at {job.company.name}",
            link=links(application.id)["candidate"],
            answers=answers_copy(application),
            **names,
        ),
    }
    # The confirmation and every staff alert in one INSERT.
    staff = _staff_messages(
        application, "new_application", f"New application: {candidate.full_name} for {job.title}", names
    )
    add_messages([confirmation, *staff])


def answers_copy(application: Application) -> list[dict[str, str]]:
    """What the candidate answered, for their copy: each question and answer on one line.

    The answers apply() just stored (no query); knockout flags are never included.
    """
    return [
        {"label": one_line(answer.label), "value": one_line(questions.display_value(answer.value), 2000)}
        for answer in questions.answers_of(application.candidate, application)
    ]


@signals.stage_changed.connect
def on_stage_changed(application: Application, *, change: StageChange, **_extra) -> None:
    candidate, job = application.candidate, application.job
    names = {"candidate_name": candidate.full_name, "job_title": job.title, "company_name": job.company.name}
    stage = change.to_stage
    if stage in CANDIDATE_STAGES:
        # Only names and the stage reach the template: never change.note or change.reason.
        add_message(
            kind=f"stage_{stage}",
            to_address=candidate.email,
            to_name=candidate.full_name,
            company_id=application.company_id,
            rendered=render(
                "stage_update",
                STAGE_SUBJECTS[stage].format(title=job.title, company=job.company.name),
                stage=stage,
                link=links(application.id)["candidate"],
                **names,
            ),
        )
    elif stage == "withdrawn":
        add_messages(
            _staff_messages(
                application,
                "application_withdrawn",
                f"Application withdrawn: {candidate.full_name} for {job.title}",
                names,
            )
        )


def _staff_messages(application: Application, kind: str, subject: str, names: dict[str, str]) -> list[dict]:
    """One message per active recruiter and admin of the application's company, for add_messages."""
    return [
        {
            "kind": kind,
            "to_address": member.email,
            "to_name": member.full_name,
            "company_id": application.company_id,
            "rendered": render(
                kind, subject, staff_name=member.full_name, link=links(application.id)["dashboard"], **names
            ),
        }
        for member in recruiting_staff(application.company_id)
    ]


@signals.staff_invited.connect
def on_staff_invited(user: User, *, invited_by: User, **_extra) -> None:
    company = user.company
    link = f"{_base_url()}/auth/set-password/{tokens.make_token(user, tokens.INVITE)}"
    add_message(
        kind="staff_invitation",
        to_address=user.email,
        to_name=user.full_name,
        company_id=user.company_id,
        rendered=render(
            "staff_invitation",
            f"You are invited to join {company.name}",
            invitee_name=user.full_name,
            inviter_name=invited_by.full_name,
            company_name=company.name,
            role=user.role.replace("_", " "),
            expires_days=tokens.MAX_AGE[tokens.INVITE] // (24 * 3600),
            link=link,
        ),
    )


@signals.password_reset_requested.connect
def on_password_reset_requested(user: User, **_extra) -> None:
    link = f"{_base_url()}/auth/reset-password/{tokens.make_token(user, tokens.RESET)}"
    add_message(
        kind="password_reset",
        to_address=user.email,
        to_name=user.full_name,
        company_id=None,  # account mail: not shown on any company's mail page
        rendered=render(
            "password_reset",
            "Reset your password",
            name=user.full_name,
            expires_hours=tokens.MAX_AGE[tokens.RESET] // 3600,
            link=link,
        ),
    )
