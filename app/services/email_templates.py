"""Email templates: each company's own subject, text and HTML per event and language, or the default.

Keys: `application_received`, `stage_<category>` for the candidate's stage
emails (screening, interview, offer, hired, rejected) and
`stage_rejected.reason_<id>` per rejection reason of the company. A company's
row overrides the built-in default (`app/mail/default_templates.py`);
resetting deletes the row. The company's staff read them, its admins edit
them. A template is checked on save (`templating.check`: syntax, merge fields,
refused constructs, each with its line), so sending never meets a broken one.

`effective()` is the one look-up the mail worker needs: one SELECT, falling
back from a reason's template to the rejection template, from the asked
language to English, and then to the default.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import aliased

from app import workflow
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.mail import templating
from app.mail.compose import Rendered
from app.mail.default_templates import APPLICATION_RECEIVED, DEFAULTS, REJECTED
from app.models import Application, EmailTemplate, RejectionReason, Role, User
from app.models.base import utcnow
from app.models.email_templates import KEY_LENGTH
from app.services import audit, questions
from app.services.access import require_member, require_role
from app.services.validation import Checker

DEFAULT_LANGUAGE = "en"
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
REASON_PREFIX = f"{REJECTED}.reason_"
_REASON_KEY = re.compile(rf"^{re.escape(REASON_PREFIX)}([1-9][0-9]{{0,9}})$")
KEYS = tuple(DEFAULTS)  # the fixed keys, in the order pages list them
PREVIEW_STATUS_LINK = "/status/private-link-shown-in-the-real-email"


class Effective(NamedTuple):
    """The template in effect: three sources for `templating.render_message` (html None: made from the text)."""

    subject: str
    text: str
    html: str | None


@dataclass(frozen=True)
class TemplateView:
    """One key's template as a page or the API shows it.

    `custom`: the company has its own template for exactly this key and language.
    `source`: where the template in effect comes from: "custom", "inherited"
    (the company's template for `source_key` / `source_language`: the rejection
    template for a reason, or English) or "default" (built in).
    """

    key: str
    label: str
    language: str
    subject: str
    text_body: str
    html_body: str | None
    custom: bool
    source: str
    source_key: str
    source_language: str
    updated_at: datetime | None
    updated_by: User | None
    reason_id: int | None = None


@dataclass(frozen=True)
class Preview:
    key: str
    language: str
    application_id: int
    subject: str
    text: str
    html: str


# --- Keys and languages -------------------------------------------------------------------------


def reason_key(reason_id: int) -> str:
    return f"{REASON_PREFIX}{reason_id}"


def reason_of(key: str) -> int | None:
    """The rejection reason's id in `stage_rejected.reason_<id>`, else None."""
    match = _REASON_KEY.match(key or "")
    return int(match.group(1)) if match and int(match.group(1)) <= 2_147_483_647 else None


def is_known_key(key: str) -> bool:
    """A key this module has a default for (a reason's key whatever the company)."""
    return key in DEFAULTS or reason_of(key) is not None


def fallback_keys(key: str) -> tuple[str, ...]:
    """The keys to try, most specific first."""
    return (key, REJECTED) if reason_of(key) is not None else (key,)


def normalize_language(value: Any, check: Checker | None = None, field: str = "language") -> str:
    """A language tag such as `en`, `de` or `pt-br` (lower case); the default when none is given."""
    if value is None or value == "":
        return DEFAULT_LANGUAGE
    if isinstance(value, str) and LANGUAGE_PATTERN.match(value.strip().lower()):
        return value.strip().lower()
    if check is None:
        return DEFAULT_LANGUAGE
    check.add(field, "Must be a language tag such as en, de or pt-br.")
    return DEFAULT_LANGUAGE


def _languages(*languages: str | None) -> tuple[str, ...]:
    """The languages to try in order, each once, English last: (reader's, company's, "en")."""
    chain = [lang for lang in (normalize_language(value) for value in languages if value) if lang]
    return tuple(dict.fromkeys([*chain, DEFAULT_LANGUAGE]))


def _resolve(rows: dict[tuple[str, str], Any], key: str, languages: tuple[str, ...]):
    """(row or None, source, source_key, source_language) by the fallback order of `effective`.

    `languages`: in the order to try (`_languages`). The candidate's language
    first (a generic rejection in their language reads better than a specific
    one in another), then the most specific key.
    """
    language = languages[0]
    for lang in languages:
        for candidate in fallback_keys(key):
            row = rows.get((candidate, lang))
            if row is not None:
                source = "custom" if (candidate, lang) == (key, language) else "inherited"
                return row, source, candidate, lang
    default_key = key if key in DEFAULTS else REJECTED
    return None, "default", default_key, DEFAULT_LANGUAGE


# --- The worker's look-up -----------------------------------------------------------------------


def effective(
    company_id: int,
    key: str,
    language: str | None = DEFAULT_LANGUAGE,
    *,
    fallback_language: str | None = None,
    connection=None,
) -> Effective:
    """The template a message of `key` goes out with, for this company and language: one SELECT.

    Falls back from `stage_rejected.reason_<id>` to `stage_rejected`, from
    `language` to `fallback_language` (the company's) to "en", then to the
    built-in default. Raises KeyError for a key no template exists for
    (invitations and resets are system mails). `connection`: run the SELECT on
    it (the mail worker's claim) instead of the session.
    """
    if not is_known_key(key):
        raise KeyError(f"There is no email template {key!r}.")
    languages = _languages(language, fallback_language)
    rows = {
        (row.key, row.language): row
        for row in (connection or db.session).execute(
            select(EmailTemplate.key, EmailTemplate.language, EmailTemplate.subject, EmailTemplate.text_body,
                   EmailTemplate.html_body)
            .where(EmailTemplate.company_id == company_id, EmailTemplate.key.in_(fallback_keys(key)),
                   EmailTemplate.language.in_(languages))
        )
    }  # fmt: skip
    row, _source, source_key, _lang = _resolve(rows, key, languages)
    if row is not None:
        return Effective(row.subject, row.text_body, row.html_body)
    default = DEFAULTS[source_key]
    return Effective(default.subject, default.text, default.html)


def render_effective(
    company_id: int, key: str, snapshot: dict, *, replies_read: bool = False, connection=None
) -> Rendered:
    """A queued message rendered as it goes out (the mail worker): `effective()` with its snapshot.

    `snapshot`: the outbox row's `context` (`merge_fields` plus `language` and
    `company_language`). Compiled templates are cached per source
    (`templating._compiled`), so a company's template is parsed and checked once
    per process. Raises MailTemplateError (or KeyError for an unknown key).
    """
    template = effective(
        company_id,
        key,
        snapshot.get("language"),
        fallback_language=snapshot.get("company_language"),
        connection=connection,
    )
    return templating.render_message(
        template.subject, template.text, template.html, snapshot, replies_read=replies_read
    )


# --- Merge fields of an application --------------------------------------------------------------


def merge_fields(
    application: Application,
    stage_key: str | None = None,
    *,
    sender_name: str | None = None,
    status_link: str | None = None,
    status_link_private: bool = False,
    answers: Iterable[dict[str, str]] = (),
) -> dict[str, Any]:
    """The merge fields of a message about `application` (a JSON-ready snapshot).

    `stage_key`: the stage the message announces (a key of the job's pipeline;
    the application's stage when None), named as the candidate sees it.
    `sender_name`: who acted (the company's name when nobody did).
    Reads nothing the application has not loaded (its job, company, candidate).
    """
    job = application.job
    pipeline = workflow.for_job(job)
    key = stage_key or application.stage
    return templating.context(
        candidate_name=application.candidate.full_name,
        job_title=job.title,
        job_location=job.location or "",
        company_name=job.company.name,
        stage_name=pipeline.public_label(key),
        stage_category=pipeline.category(key),
        status_link=status_link,
        status_link_private=status_link_private,
        application_link=_links(application.id)["dashboard"],
        sender_name=sender_name or job.company.name,
        answers=answers,
    )


def _preview_fields(application: Application, key: str, actor: User) -> dict[str, Any]:
    """Merge fields as the real email about this application would carry them."""
    links = _links(application.id)
    pipeline = workflow.for_job(application.job)
    if key == APPLICATION_RECEIVED:
        private = application.status_token_hash is not None and application.status_token_revoked_at is None
        if private:  # only the hash is kept: the real link exists in the person's mailbox alone
            link = _base_url() + PREVIEW_STATUS_LINK
        else:
            link = links["candidate"] if application.candidate.user_id is not None else None
        answers = [
            {"label": answer.label, "value": questions.display_value(answer.value)}
            for answer in questions.answers_of(None, application)
        ]  # what the candidate answered; knockout flags never reach a template
        return merge_fields(
            application, pipeline.first_key, status_link=link, status_link_private=private, answers=answers
        )
    category = "rejected" if reason_of(key) is not None else key.removeprefix("stage_")
    if pipeline.category(application.stage) == category:
        stage = application.stage
    else:
        stage = next(iter(pipeline.keys_in([category])), category)
    link = links["candidate"] if application.candidate.user_id is not None else None
    return merge_fields(application, stage, sender_name=actor.full_name, status_link=link)


def _base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def _links(application_id: int) -> dict[str, str]:
    """Where the candidate and the staff follow an application (the addresses app/mail/events.py links to)."""
    base = _base_url()
    return {
        "candidate": f"{base}/me/applications/{application_id}",
        "dashboard": f"{base}/dashboard/applications/{application_id}",
    }


# --- Staff operations ---------------------------------------------------------------------------


def _company(actor: User) -> int:
    return require_member(actor, actor.company_id or -1, what="That company").company_id


def _key_label(key: str, reason_label: str | None = None) -> str:
    if key in DEFAULTS:
        return DEFAULTS[key].label
    return f"Rejected: {reason_label}" if reason_label else "Rejected for a reason"


def _require_key(company_id: int, key: str) -> str | None:
    """The key's label when it names one of this company's templates; else not found.

    A reason's key costs one SELECT (the reason must be the company's).
    """
    if key in DEFAULTS:
        return None
    reason_id = reason_of(key) if isinstance(key, str) and len(key) <= KEY_LENGTH else None
    if reason_id is not None:
        label = db.session.scalar(
            select(RejectionReason.label).where(RejectionReason.id == reason_id,
                                                RejectionReason.company_id == company_id)
        )  # fmt: skip
        if label is not None:
            return label
    raise NotFound("There is no email template by that name.")


def _rows(company_id: int, keys: Iterable[str] | None, languages: tuple[str, ...]) -> dict[tuple[str, str], Any]:
    """The company's rows (with who saved them) for these keys (None: all) and languages: one SELECT."""
    editor = aliased(User)
    stmt = (
        select(EmailTemplate, editor)
        .outerjoin(editor, editor.id == EmailTemplate.updated_by_id)
        .where(EmailTemplate.company_id == company_id, EmailTemplate.language.in_(languages))
    )
    if keys is not None:
        stmt = stmt.where(EmailTemplate.key.in_(tuple(keys)))
    return {(row.key, row.language): (row, user) for row, user in db.session.execute(stmt)}


def _view(key: str, label: str, language: str, rows: dict, reason_id: int | None = None) -> TemplateView:
    found, source, source_key, source_language = _resolve(rows, key, _languages(language))
    if found is None:
        default = DEFAULTS[source_key]
        return TemplateView(
            key, label, language, default.subject, default.text, default.html, False, source, source_key,
            source_language, None, None, reason_id,
        )  # fmt: skip
    row, editor = found
    return TemplateView(
        key, label, language, row.subject, row.text_body, row.html_body, source == "custom", source, source_key,
        source_language, row.updated_at, editor, reason_id,
    )  # fmt: skip


def list_templates(actor: User, *, language: str | None = DEFAULT_LANGUAGE) -> list[TemplateView]:
    """Every key with the template in effect for `language` (the company's staff): two SELECTs.

    The fixed keys, then one per rejection reason still offered.
    """
    company_id = _company(actor)
    check = Checker()
    language = normalize_language(language, check)
    check.raise_if_any()
    reasons = db.session.execute(
        select(RejectionReason.id, RejectionReason.label)
        .where(RejectionReason.company_id == company_id, RejectionReason.archived_at.is_(None))
        .order_by(RejectionReason.position, RejectionReason.id)
    ).all()
    rows = _rows(company_id, None, _languages(language))
    views = [_view(key, _key_label(key), language, rows) for key in KEYS]
    views += [_view(reason_key(rid), _key_label("", label), language, rows, rid) for rid, label in reasons]
    return views


def get_template(actor: User, key: str, *, language: str | None = DEFAULT_LANGUAGE) -> TemplateView:
    """One key's template in effect (the company's staff)."""
    company_id = _company(actor)
    check = Checker()
    language = normalize_language(language, check)
    reason_label = _require_key(company_id, key)
    check.raise_if_any()
    rows = _rows(company_id, fallback_keys(key), _languages(language))
    return _view(key, _key_label(key, reason_label), language, rows, reason_of(key))


def _body(check: Checker, field: str, value, *, required: bool, max_len: int) -> str | None:
    """A body as typed (not stripped: problems name the lines the admin sees), with CR LF as LF."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            check.add(field, "This field is required.")
        return None
    if not isinstance(value, str):
        check.add(field, "Must be text.")
        return None
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if len(value) > max_len:
        check.add(field, f"Must be at most {max_len} characters.")
    elif "\x00" in value:
        check.add(field, "Contains a character that is not allowed.")
    return value


text_body = _body  # a message's body, checked the same way (app/services/messages.py)


def _checked_sources(check: Checker, subject, text_body, html_body) -> tuple[str, str, str | None]:
    """The three sources, checked: lengths, one-line subject, and `templating.check` with lines."""
    subject = check.line("subject", subject, required=True, max_len=templating.SUBJECT_MAX)
    text_body = _body(check, "text_body", text_body, required=True, max_len=templating.TEXT_MAX)
    html_body = _body(check, "html_body", html_body, required=False, max_len=templating.HTML_MAX)
    for field, source, html in (("subject", subject, False), ("text_body", text_body, False),
                                ("html_body", html_body, True)):  # fmt: skip
        if source and field not in check.errors:
            for message in templating.check(source, html=html):
                check.add(field, message)
    return subject, text_body, html_body


def save_template(
    actor: User, key: str, *, subject, text_body, html_body=None, language: str | None = DEFAULT_LANGUAGE
) -> TemplateView:
    """The company's own template for `key` and `language` (admins); its problems name their lines."""
    company_id = _company(actor)
    reason_label = _require_key(company_id, key)
    require_role(actor, Role.ADMIN, action="edit email templates")
    check = Checker()
    language = normalize_language(language, check)
    subject, text_body, html_body = _checked_sources(check, subject, text_body, html_body)
    check.raise_if_any("The template cannot be used as it stands.")
    now = utcnow()
    values = {"subject": subject, "text_body": text_body, "html_body": html_body, "updated_by_id": actor.id,
              "updated_at": now}  # fmt: skip
    stmt = _upsert().values(company_id=company_id, key=key, language=language, **values)
    stmt = stmt.on_conflict_do_update(index_elements=["company_id", "key", "language"], set_=values)
    row = db.session.scalars(stmt.returning(EmailTemplate).execution_options(populate_existing=True)).one()
    audit.record("email_template.saved", actor=actor, object_type="email_template", object_id=f"{key}:{language}")
    return TemplateView(
        key, _key_label(key, reason_label), language, row.subject, row.text_body, row.html_body, True, "custom",
        key, language, row.updated_at, actor, reason_of(key),
    )  # fmt: skip


def _upsert():
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(EmailTemplate)


def reset_template(actor: User, key: str, *, language: str | None = DEFAULT_LANGUAGE) -> bool:
    """Back to the default (admins): the company's row goes. Whether there was one."""
    company_id = _company(actor)
    _require_key(company_id, key)
    require_role(actor, Role.ADMIN, action="edit email templates")
    check = Checker()
    language = normalize_language(language, check)
    check.raise_if_any()
    result = db.session.execute(
        delete(EmailTemplate).where(
            EmailTemplate.company_id == company_id, EmailTemplate.key == key, EmailTemplate.language == language
        )
    )
    if result.rowcount:
        audit.record("email_template.reset", actor=actor, object_type="email_template", object_id=f"{key}:{language}")
    return bool(result.rowcount)


def preview(
    actor: User,
    key: str,
    application_id,
    *,
    language: str | None = DEFAULT_LANGUAGE,
    draft: dict[str, Any] | None = None,
) -> Preview:
    """The email `key` would make for one of the company's applications (the company's staff).

    With `draft` ({subject, text_body, html_body}), that unsaved template is
    checked and shown instead of the one in effect. Another company's
    application is refused like an unknown one (422 on `application_id`).
    """
    company_id = _company(actor)
    check = Checker()
    language = normalize_language(language, check)
    _require_key(company_id, key)
    application = None
    if isinstance(application_id, int) and not isinstance(application_id, bool) and 0 < application_id < 2**31:
        application = db.session.get(Application, application_id)
    if application is None or application.company_id != company_id:
        check.add("application_id", "Not an application of your company.")
    if draft is not None:
        sources = Effective(*_checked_sources(check, draft.get("subject"), draft.get("text_body"),
                                              draft.get("html_body")))  # fmt: skip
    check.raise_if_any("The preview cannot be made.")
    if draft is None:
        sources = effective(company_id, key, language)
    try:
        message = templating.render_message(
            sources.subject, sources.text, sources.html, _preview_fields(application, key, actor)
        )
    except templating.MailTemplateError as error:  # a template saved before a merge field was withdrawn
        raise ValidationFailed("The template cannot be used as it stands.", errors={"template": error.errors}) from None
    return Preview(key, language, application.id, message.subject, message.text, message.html)


def recent_applications(actor: User, limit: int = 20) -> list[Application]:
    """The company's newest applications, to preview a template with (one SELECT)."""
    company_id = _company(actor)
    return list(
        db.session.scalars(
            select(Application).where(Application.company_id == company_id).order_by(Application.id.desc()).limit(limit)
        )
    )
