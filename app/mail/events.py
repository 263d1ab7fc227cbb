"""Signal receivers: each domain event adds its emails to the event's own transaction.

Connected once, when this module is imported; every receiver works on
`current_app`, so an app built later (tests build many) needs no new wiring.
Each message is written as a template name and a snapshot of its merge fields
(plain strings and numbers); the worker renders it when it sends. Candidates
never get staff notes or rejection reasons: those fields are never put in a
snapshot.
"""

from __future__ import annotations

import re
from datetime import timedelta
from functools import lru_cache

from flask import current_app

from app import signals, workflow
from app.mail.compose import company_template, one_line
from app.mail.default_templates import APPLICATION_RECEIVED, DEFAULTS, REJECTED
from app.mail.outbox import add_message, add_messages
from app.models import Application, Company, StageChange, User
from app.models.base import utcnow
from app.services import email_templates, questions, tokens

CANDIDATE_STAGES = workflow.EMAIL_CATEGORIES
_FIELD = re.compile(r"\{\{\s*(\w+)\.(\w+)\s*\}\}")


@lru_cache(maxsize=64)
def subject_format(key: str) -> str:
    """The default subject of an email template key as a str.format over a merge-field snapshot.

    `{{ job.title }}` becomes `{job[title]}`: the subject written with a message
    when it is queued (no template is rendered in the request). The worker sends
    the subject of the company's template in effect, and stores it with the message.
    """
    source = DEFAULTS[REJECTED if email_templates.reason_of(key) is not None else key].subject
    out, end = [], 0
    for match in _FIELD.finditer(source):
        out += [_literal(source[end : match.start()]), f"{{{match.group(1)}[{match.group(2)}]}}"]
        end = match.end()
    return "".join([*out, _literal(source[end:])])


def _literal(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


# Subjects by category, over a snapshot of merge fields (kept for callers that name a category).
STAGE_SUBJECTS = {category: subject_format(f"stage_{category}") for category in CANDIDATE_STAGES}


def _base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def links(application_id: int) -> dict[str, str]:
    """Where the candidate and the staff follow this application in the browser."""
    base = _base_url()
    return {
        "candidate": f"{base}/me/applications/{application_id}",
        "dashboard": f"{base}/dashboard/applications/{application_id}",
    }


def status_link(token: str) -> str:
    """The private link to one application's page; only the person's email ever holds it."""
    return f"{_base_url()}/status/{token}"


def recruiting_staff(company: Company) -> list[User]:
    """Active recruiters and admins of the company: who hears of new and withdrawn applications.

    Applying loads them with the job; elsewhere this is one SELECT.
    """
    return list(company.recruiting_staff)


def _candidate_link(application: Application, status_token: str | None) -> str | None:
    """The private link when there is one, else the portal when an account holds the record."""
    if status_token:
        return status_link(status_token)
    return links(application.id)["candidate"] if application.candidate.user_id is not None else None


def candidate_snapshot(application: Application, stage_key: str | None = None, **fields) -> dict:
    """The snapshot of a candidate email: the documented merge fields and the languages to pick it in.

    `language`: the candidate's, else the company's; `company_language`: the
    company's (the next to try, before English). Reads only what the event has
    loaded (application, job, company, candidate): no statement.
    """
    company = application.job.company
    company_language = company.default_language or email_templates.DEFAULT_LANGUAGE
    return {
        **email_templates.merge_fields(application, stage_key, **fields),
        "language": application.candidate.preferred_language or company_language,
        "company_language": company_language,
    }


@signals.application_submitted.connect
def on_application_submitted(
    application: Application, *, status_token: str | None = None, added_by: User | None = None, **_extra
) -> None:
    if added_by is not None:
        return  # staff added the person themselves: they did not apply, and the team knows
    candidate = application.candidate
    names = _names(application)
    confirmation = {
        "kind": "application_received",
        "to_address": candidate.email,
        "to_name": candidate.full_name,
        "company_id": application.company_id,
        "application_id": application.id,
        "template": company_template(APPLICATION_RECEIVED),
        "subject": subject_format(APPLICATION_RECEIVED),
        "context": candidate_snapshot(
            application,
            workflow.for_job(application.job).first_key,
            status_link=_candidate_link(application, status_token),
            status_link_private=status_token is not None,
            answers=answers_copy(application),
        ),
    }
    # The confirmation and every staff alert in one INSERT.
    staff = _staff_messages(application, "new_application", "New application: {candidate_name} for {job_title}", names)
    add_messages([confirmation, *staff])


def _names(application: Application) -> dict[str, str]:
    """The names every message about an application carries, as they are now."""
    candidate, job = application.candidate, application.job
    return {"candidate_name": candidate.full_name, "job_title": job.title, "company_name": job.company.name}


def answers_copy(application: Application) -> list[dict[str, str]]:
    """What the candidate answered, for their copy: each question and answer on one line.

    The answers apply() just stored (no query); knockout flags are never included.
    """
    return [
        {"label": one_line(answer.label), "value": one_line(questions.display_value(answer.value), 2000)}
        for answer in questions.answers_of(None, application)
    ]


@signals.application_repeated.connect
def on_application_repeated(application: Application, *, status_token: str, **_extra) -> None:
    """Someone applied again with this address: tell the address, with its link, and no one else."""
    _status_mail(application, "application_repeated", "You have already applied for {job_title}", status_token)


@signals.status_link_issued.connect
def on_status_link_issued(application: Application, *, status_token: str, **_extra) -> None:
    _status_mail(application, "status_link", "A new link to your application for {job_title}", status_token)


def _status_mail(application: Application, kind: str, subject: str, status_token: str) -> None:
    candidate = application.candidate
    message = {
        "kind": kind,
        "to_address": candidate.email,
        "to_name": candidate.full_name,
        "company_id": application.company_id,
        "application_id": application.id,
        "template": kind,
        "subject": subject,
        "context": {
            **_names(application),
            "link": status_link(status_token),
            "applied_on": application.created_at.strftime("%d %B %Y"),
        },
    }
    add_messages([message])


def candidate_email_for_move(
    application: Application, from_stage: str | None, to_stage: str, *, reason_id: int | None = None
) -> dict | None:
    """The email a move would send the candidate, or None.

    {"kind", "template" (the email template key), "subject", "subject_format", "delay_seconds"}.
    The stage entered decides (`workflow.Stage`): `email` (by default, entering
    a new category of screening, interview, offer, hired, rejected tells the
    candidate; moving between two stages of one category does not),
    `email_template` (by default the category's; a rejection's is its reason's
    when the company wrote one, else the rejection's) and `email_delay_minutes`
    (by default none; a rejection waits MAIL_REJECTION_DELAY). People staff
    added themselves did not apply, and people without an address cannot be told.
    """
    candidate, job = application.candidate, application.job
    if not candidate.email or application.added_by_id is not None:
        return None
    pipeline = workflow.for_job(job)
    stage = pipeline.stage(to_stage)
    category = pipeline.category(to_stage)
    wanted = stage.email if stage is not None and stage.email is not None else None
    if wanted is None:
        wanted = workflow.email_default(pipeline, from_stage, to_stage)
    if not wanted:
        return None
    key = stage.email_template if stage is not None and stage.email_template else None
    if key is None:
        if category not in CANDIDATE_STAGES:
            return None
        key = email_templates.reason_key(reason_id) if category == "rejected" and reason_id else f"stage_{category}"
    if stage is not None and stage.email_delay_minutes is not None:
        delay = stage.email_delay_minutes * 60
    else:
        delay = int(current_app.config.get("MAIL_REJECTION_DELAY", 0)) if category == "rejected" else 0
    subject = subject_format(key)
    return {
        "kind": f"stage_{category}",
        "template": key,
        "subject": subject.format_map({"job": {"title": job.title}, "company": {"name": job.company.name}}),
        "subject_format": subject,
        "delay_seconds": delay,  # it waits this long (and can be cancelled or undone meanwhile)
    }


def stage_change_messages(application: Application, change: StageChange) -> list[dict]:
    """The outbox messages (add_messages' dicts) a stage change sends."""
    candidate = application.candidate
    email = candidate_email_for_move(application, change.from_stage, change.to_stage, reason_id=change.reason_id)
    if email is not None:
        actor = change.actor if "actor" in change.__dict__ else None  # set by the move; never loaded here
        # Only merge fields reach the snapshot: never change.note or change.reason.
        return [
            {
                "kind": email["kind"],
                "to_address": candidate.email,
                "to_name": candidate.full_name,
                "company_id": application.company_id,
                "application_id": application.id,
                "stage_change_id": change.id,
                "due_at": utcnow() + timedelta(seconds=email["delay_seconds"]) if email["delay_seconds"] else None,
                "template": company_template(email["template"]),
                "subject": email["subject_format"],
                "context": candidate_snapshot(
                    application,
                    change.to_stage,
                    sender_name=actor.full_name if actor is not None else None,
                    status_link=_candidate_link(application, None),
                ),
            }
        ]
    if change.to_stage == "withdrawn":
        return _staff_messages(
            application, "application_withdrawn", "Application withdrawn: {candidate_name} for {job_title}",
            _names(application),
        )  # fmt: skip
    return []


@signals.stage_changed.connect
def on_stage_changed(application: Application, *, change: StageChange, **_extra) -> None:
    add_messages(stage_change_messages(application, change))


def _staff_messages(application: Application, kind: str, subject: str, names: dict[str, str]) -> list[dict]:
    """One message per active recruiter and admin of the application's company, for add_messages.

    `subject`: a str.format over the snapshot (names, staff_name).
    """
    link = links(application.id)["dashboard"]
    return [
        {
            "kind": kind,
            "to_address": member.email,
            "to_name": member.full_name,
            "company_id": application.company_id,
            "application_id": application.id,
            "template": kind,
            "subject": subject,
            "context": {**names, "staff_name": member.full_name, "link": link},
        }
        for member in recruiting_staff(application.job.company)
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
        template="staff_invitation",
        subject="You are invited to join {company_name}",
        context={
            "invitee_name": user.full_name,
            "inviter_name": invited_by.full_name,
            "company_name": company.name,
            "role": user.role.replace("_", " "),
            "expires_days": tokens.MAX_AGE[tokens.INVITE] // (24 * 3600),
            "link": link,
        },
    )


@signals.password_reset_requested.connect
def on_password_reset_requested(user: User, **_extra) -> None:
    link = f"{_base_url()}/auth/reset-password/{tokens.make_token(user, tokens.RESET)}"
    add_message(
        kind="password_reset",
        to_address=user.email,
        to_name=user.full_name,
        company_id=None,  # account mail: not shown on any company's mail page
        template="password_reset",
        subject="Reset your password",
        context={"name": user.full_name, "expires_hours": tokens.MAX_AGE[tokens.RESET] // 3600, "link": link},
    )


@signals.reply_received.connect
def on_reply_received(reply, *, notify: bool = True, **_extra) -> None:
    """Tell the staff member who wrote the message answered, else the company's recruiters and admins.

    `reply`: the stored InboundMessage. An automatic answer (out of office) is kept, and nobody is told.
    """
    if not notify:
        return
    from app.services.replies import who_is_told

    application, recipients = who_is_told(reply)
    if application is None:
        return
    names = _names(application)
    link = links(application.id)["dashboard"]
    add_messages(
        [
            {
                "kind": "reply_received",
                "to_address": member.email,
                "to_name": member.full_name,
                "company_id": application.company_id,
                "application_id": application.id,
                "template": "reply_received",
                "subject": "Reply from {candidate_name}: {reply_subject}",
                "context": {
                    **names,
                    "staff_name": member.full_name,
                    "link": f"{link}#replies",
                    "reply_subject": one_line(reply.subject, 200) or "(no subject)",
                    "reply_from": one_line(reply.from_address, 254),
                    "attachment_count": len(reply.attachments or []),
                    "dropped_count": len(reply.dropped or []),
                },
            }
            for member in recipients
        ]
    )


@signals.note_added.connect
def on_note_added(note, *, application: Application, mentioned: list[User], **_extra) -> None:
    """Each member mentioned in the note hears of it by email (never the note's text: it stays in the dashboard)."""
    if not mentioned:
        return
    names = _names(application)
    author = note.author.full_name if note.author is not None else "A colleague"
    link = f"{links(application.id)['dashboard']}#note-{note.id}"
    add_messages(
        [
            {
                "kind": "mention",
                "to_address": member.email,
                "to_name": member.full_name,
                "company_id": application.company_id,
                "application_id": application.id,
                "template": "mention",
                "subject": "{actor_name} mentioned you: {candidate_name} for {job_title}",
                "context": {**names, "staff_name": member.full_name, "actor_name": author, "link": link},
            }
            for member in mentioned
        ]
    )
