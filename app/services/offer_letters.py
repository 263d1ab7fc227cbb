"""Offer letters: each company's letter template, checked and rendered in Jinja's sandbox.

The template is HTML typed by the company's admins, so it goes through the same
two guards as email templates (`app/mail/templating.py`): the parsed template is
walked and only merge fields, `if`, comparisons and the allowed filters pass
(with their line when refused), then it renders in the immutable sandbox with
autoescaping on a context of plain strings. No loops: a letter has no list
field. No row for the company: the built-in DEFAULT_LETTER.

A letter is rendered when the offer is sent and kept on the offer, so a later
edit of the template never changes a letter a candidate has read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from jinja2 import TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from markupsafe import Markup, escape
from sqlalchemy import delete, select

from app.extensions import db
from app.mail import templating
from app.mail.compose import one_line
from app.models import Company, Offer, OfferLetterTemplate, Role, User
from app.models.base import utcnow
from app.services import audit, currencies
from app.services.access import require_member, require_role
from app.services.validation import Checker

BODY_MAX = 50_000
TERMS_MAX = 5_000

# name -> (description, sample)
MERGE_FIELDS: dict[str, tuple[str, str]] = {
    "candidate.full_name": ("The candidate's name as they gave it.", "Ada Lovelace"),
    "candidate.first_name": ("The first word of the candidate's name.", "Ada"),
    "job.title": ("The job's title.", "Backend Engineer"),
    "company.name": ("Your company's name.", "Acme"),
    "offer.salary": ("The salary with its currency, for reading: 85,000.00 EUR.", "85,000.00 EUR"),
    "offer.amount": ("The salary alone, exactly: 85000.00.", "85000.00"),
    "offer.currency": ("The salary's ISO 4217 currency code.", "EUR"),
    "offer.start_date": ("The start date, such as 15 January 2027.", "15 January 2027"),
    "offer.terms": ("The other terms as typed (line breaks kept by the default letter's style).", "25 days leave."),
    "sender.name": ("Who sent the offer.", "Sam Recruiter"),
}
_OBJECTS: dict[str, tuple[str, ...]] = {}
for _name in MERGE_FIELDS:
    _root, _, _attr = _name.partition(".")
    _OBJECTS[_root] = (*_OBJECTS.get(_root, ()), _attr)

DEFAULT_LETTER = """<p>Dear {{ candidate.full_name }},</p>
<p>We are delighted to offer you the position of <strong>{{ job.title }}</strong> at {{ company.name }}.</p>
<ul>
  <li>Salary: {{ offer.salary }} per year</li>
  <li>Start date: {{ offer.start_date }}</li>
</ul>
{% if offer.terms %}
<p style="white-space: pre-line">{{ offer.terms }}</p>
{% endif %}
<p>Please accept or decline this offer from your application page.</p>
<p>Kind regards,<br>{{ sender.name }}<br>{{ company.name }}</p>
"""

DOCUMENT = (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>\n'
    '<body style="font-family: system-ui, sans-serif; max-width: 42rem; margin: 2rem auto; line-height: 1.5">\n'
    "{body}</body></html>\n"
)


@dataclass(frozen=True)
class LetterTemplate:
    body: str
    custom: bool
    updated_at: datetime | None
    updated_by_id: int | None


class LetterError(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


# --- Checking and rendering ---------------------------------------------------------------------


class _LetterWalk(templating._Walk):
    """The email templates' walk with the letter's merge fields and no loops."""

    def loop(self, node: nodes.For, scope: Mapping[str, Any], depth: int) -> None:
        self.refuse(node, "Loops are not available in offer letters.")

    def field(self, node: nodes.Node, scope: Mapping[str, Any]) -> None:
        path, stop = templating.merge_path(node)
        if isinstance(stop, nodes.Getitem):
            self.refuse(stop, "Read a merge field by its name, such as candidate.full_name.")
            return
        if path is None:
            self.refuse(node, "Only merge fields have attributes in offer letters.")
            return
        dotted = ".".join(path)
        if dotted in MERGE_FIELDS:
            return
        root = dotted.partition(".")[0]
        if root in _OBJECTS and "." not in dotted:
            self.refuse(node, f"{dotted} is not a merge field; use {', '.join(f'{root}.{a}' for a in _OBJECTS[root])}.")
        else:
            self.refuse(node, f"{dotted} is not a merge field.")


def _wording(message: str) -> str:
    return message.replace("email templates", "offer letters")


@lru_cache(maxsize=128)
def _compiled(source: str):
    env = templating.HTML_ENV
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as error:
        raise LetterError([f"Line {error.lineno or 1}: {error.message}"]) from None
    walk = _LetterWalk()
    walk.body(tree.body, {}, 0)
    if walk.errors:
        raise LetterError([_wording(m) for m in templating._line_messages(walk.errors)])
    try:
        return env.from_string(tree)
    except TemplateError as error:  # pragma: no cover - a construct the walk missed
        raise LetterError([f"Line {getattr(error, 'lineno', None) or 1}: {error.message}"]) from None


def context_of(values: Mapping[str, Any]) -> dict[str, Any]:
    """Only the documented fields, as plain strings (terms keep their line breaks)."""
    out: dict[str, Any] = {}
    for root, attrs in _OBJECTS.items():
        given = values.get(root) if isinstance(values.get(root), Mapping) else {}
        out[root] = {}
        for attr in attrs:
            value = given.get(attr, "")
            value = value if isinstance(value, str) else ""
            if f"{root}.{attr}" == "offer.terms":
                out[root][attr] = value.replace("\r\n", "\n")[:TERMS_MAX]
            else:
                out[root][attr] = one_line(value, templating.VALUE_MAX)
    return out


def render(source: str, values: Mapping[str, Any]) -> str:
    """The letter's HTML body (autoescaped merge fields, the company's markup kept). Raises LetterError."""
    template = _compiled(source)
    try:
        html = template.render(context_of(values))
    except (SecurityError, UndefinedError) as error:
        raise LetterError([f"Line {templating._template_line(error.__traceback__)}: {error}"]) from None
    except Exception as error:  # a filter given the wrong type, and the like
        raise LetterError([f"Line {templating._template_line(error.__traceback__)}: {error}"]) from None
    if len(html) > templating.OUTPUT_MAX:
        raise LetterError([f"Line 1: The letter would be longer than {templating.OUTPUT_MAX:,} characters."])
    return html


def check_source(source: str) -> list[str]:
    """Every problem of a letter source with its line ([] when fine): rendered with samples and with blanks."""
    problems: list[str] = []
    samples: dict[str, dict[str, str]] = {}
    for name, (_description, sample) in MERGE_FIELDS.items():
        root, _, attr = name.partition(".")
        samples.setdefault(root, {})[attr] = sample
    for values in (samples, {}):
        try:
            render(source, values)
        except LetterError as error:
            problems.extend(m for m in error.errors if m not in problems)
    return problems


def document(body: str, title: str = "Offer letter") -> str:
    """A whole HTML page around a rendered letter (the letter endpoint, the pages' frames)."""
    return DOCUMENT.format(title=escape(one_line(title)), body=Markup(body))  # noqa: S704 - rendered in the sandbox


def long_date(value: date) -> str:
    return f"{value.day} {value.strftime('%B %Y')}"


def fields_of(offer: Offer, application, sender_name: str | None = None) -> dict[str, Any]:
    """The merge fields of an offer (reads the application's loaded job, company and candidate)."""
    name = application.candidate.full_name or ""
    company = application.job.company.name
    return {
        "candidate": {"full_name": name, "first_name": name.split(" ")[0] if name else ""},
        "job": {"title": application.job.title},
        "company": {"name": company},
        "offer": {
            "salary": currencies.display(offer.salary_minor, offer.currency),
            "amount": currencies.to_major(offer.salary_minor, offer.currency),
            "currency": offer.currency,
            "start_date": long_date(offer.start_date),
            "terms": offer.terms or "",
        },
        "sender": {"name": sender_name or company},
    }


# --- The company's template ---------------------------------------------------------------------


def effective_body(company_id: int) -> str:
    """The company's letter source, or the default: one SELECT."""
    body = db.session.scalar(select(OfferLetterTemplate.body).where(OfferLetterTemplate.company_id == company_id))
    return body if body is not None else DEFAULT_LETTER


def _company(actor: User) -> int:
    return require_member(actor, actor.company_id or -1, what="That company").company_id


def get_template(actor: User) -> LetterTemplate:
    """The letter in effect (the company's staff)."""
    company_id = _company(actor)
    row = db.session.get(OfferLetterTemplate, company_id)
    if row is None:
        return LetterTemplate(DEFAULT_LETTER, False, None, None)
    return LetterTemplate(row.body, True, row.updated_at, row.updated_by_id)


def checked_body(check: Checker, body) -> str | None:
    """The source as typed (CR LF as LF), with every problem beside `body`."""
    if not isinstance(body, str) or not body.strip():
        check.add("body", "This field is required.")
        return None
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    if len(body) > BODY_MAX:
        check.add("body", f"Must be at most {BODY_MAX} characters.")
        return None
    if "\x00" in body:
        check.add("body", "Contains a character that is not allowed.")
        return None
    for problem in check_source(body):
        check.add("body", problem)
    return body


def save_template(actor: User, body) -> LetterTemplate:
    """The company's own letter (admins); its problems name their lines (422)."""
    company_id = _company(actor)
    require_role(actor, Role.ADMIN, action="edit the offer letter")
    check = Checker()
    body = checked_body(check, body)
    check.raise_if_any("The letter cannot be used as it stands.")
    row = db.session.get(OfferLetterTemplate, company_id)
    now = utcnow()
    if row is None:
        row = OfferLetterTemplate(company_id=company_id, body=body, updated_by_id=actor.id, updated_at=now)
        db.session.add(row)
    else:
        row.body, row.updated_by_id, row.updated_at = body, actor.id, now
    db.session.flush()
    audit.record("offer_letter.saved", actor=actor, object_type="offer_letter", object_id=company_id)
    return LetterTemplate(body, True, now, actor.id)


def reset_template(actor: User) -> bool:
    """Back to the built-in letter (admins); whether there was a custom one."""
    company_id = _company(actor)
    require_role(actor, Role.ADMIN, action="edit the offer letter")
    done = db.session.execute(delete(OfferLetterTemplate).where(OfferLetterTemplate.company_id == company_id))
    return bool(done.rowcount)


def preview(actor: User, body=None) -> str:
    """The letter (a draft `body`, or the one in effect) rendered with sample values (the company's staff)."""
    company_id = _company(actor)
    check = Checker()
    source = checked_body(check, body) if body is not None else effective_body(company_id)
    check.raise_if_any("The letter cannot be used as it stands.")
    samples: dict[str, dict[str, str]] = {}
    for name, (_description, sample) in MERGE_FIELDS.items():
        root, _, attr = name.partition(".")
        samples.setdefault(root, {})[attr] = sample
    company = db.session.get(Company, company_id)
    samples["company"]["name"] = company.name if company is not None else samples["company"]["name"]
    return render(source, samples)
