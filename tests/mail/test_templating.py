"""Company-written email templates: the sandbox, the checks (with lines), contexts and whole messages.

Pure units: no database, no app.
"""

from __future__ import annotations

import time

import pytest
from jinja2.exceptions import SecurityError, UndefinedError

from app.mail import templating
from app.mail.compose import render as render_builtin
from app.mail.default_templates import DEFAULTS
from app.mail.events import STAGE_SUBJECTS
from app.mail.templating import MailTemplateError, check, render

CONTEXT = templating.context(
    candidate_name="Ada Lovelace",
    job_title="Engineer",
    job_location="Berlin",
    company_name="Acme",
    stage_name="Interview",
    stage_category="interview",
    status_link="https://ats.example/me/applications/1",
    sender_name="Sam",
)

# Classic escapes from a Jinja template to Python, and reads of what the context does not hold.
ESCAPES = [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ candidate.__dict__ }}",
    "{{ candidate.__class__.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'] }}",
    "{{ self.__init__.__globals__ }}",
    "{{ config.items() }}",
    "{{ request.application.__globals__ }}",
    "{{ candidate|attr('__class__') }}",
    "{{ candidate['__class__'] }}",
    "{{ job.title.format.__self__ }}",
    "{{ '{0.__class__}'.format(candidate) }}",
    "{% set x = candidate.__class__ %}{{ x }}",
    "{% for c in ''.__class__.__mro__ %}{{ c }}{% endfor %}",
    "{{ range(10**9)|list }}",
    "{{ 'a' * 10 ** 9 }}",
    "{{ 10 ** 10 ** 10 }}",
    "{{ candidate.full_name.ljust(1000000000) }}",
    "{% autoescape false %}{{ candidate.full_name }}{% endautoescape %}",
    "{% include '/etc/passwd' %}",
    "{% extends 'mail/_layout.txt' %}",
    "{% import 'mail/_button.html' as b %}",
    "{% macro m() %}{% endmacro %}",
    "{{ company.id }} {{ company.admins }}",
]


@pytest.mark.parametrize("source", ESCAPES)
def test_escapes_are_refused_when_checked_and_render_nothing(source):
    problems = check(source)
    assert problems and all(problem.startswith("Line 1: ") for problem in problems)
    with pytest.raises(MailTemplateError):
        render(source, CONTEXT)


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__ }}",
        "{{ job.title.__class__.__base__.__subclasses__() }}",
        "{{ candidate.__dict__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ candidate.update({'x': 1}) }}",
    ],
)
def test_the_sandbox_itself_refuses_escapes_the_checks_never_let_through(source):
    """Second line of defence: the raw sandbox (no walk) raises instead of reaching Python."""
    with pytest.raises((SecurityError, UndefinedError)):
        templating.TEXT_ENV.from_string(source).render(templating.context_of(CONTEXT))


def test_the_sandbox_has_no_globals_and_only_the_listed_filters():
    assert templating.TEXT_ENV.globals == {} and templating.HTML_ENV.globals == {}
    assert set(templating.TEXT_ENV.filters) == set(templating.ALLOWED_FILTERS)
    assert "attr" not in templating.HTML_ENV.filters and "safe" not in templating.HTML_ENV.filters


def test_an_unknown_merge_field_is_refused_with_its_line_in_every_branch():
    source = "Hello {{ candidate.first_name }},\n\n{% if false %}\n{{ candidate.age }}\n{% endif %}\n{{ job.salary }}"
    assert check(source) == [
        "Line 4: candidate.age is not a merge field.",
        "Line 6: job.salary is not a merge field.",
    ]
    assert check("{{ candidate }}") == [
        "Line 1: candidate is not a merge field; use candidate.first_name, candidate.full_name."
    ]
    assert check("{{ first_name }}") == ["Line 1: first_name is not a merge field."]


def test_a_syntax_error_names_its_line():
    assert check("Hello\n{% if candidate.first_name %}\nHi\n") == [
        "Line 3: Unexpected end of template. Jinja was looking for the following tags: 'elif' or 'else' or "
        "'endif'. The innermost block that needs to be closed is 'if'."
    ]
    assert check("One\nTwo {{ job.title }\n") == ["Line 2: unexpected '}'"]


def test_loops_know_their_items_and_the_loop_variable():
    assert (
        check("{% for answer in answers %}{{ loop.index }}. {{ answer.label }}: {{ answer.value }}{% endfor %}") == []
    )
    assert check("{% for answer in answers %}\n{{ answer.score }}{% endfor %}") == [
        "Line 2: answer.score is not a merge field; each item has answer.label, answer.value."
    ]
    assert check("{% for x in job.title %}{% endfor %}") == ["Line 1: A loop goes over a list merge field (answers)."]
    assert check("{{ answer.label }}") == ["Line 1: answer.label is not a merge field."]


def test_the_allowed_language_renders():
    source = (
        "{{ candidate.first_name|upper }} {{ job.location|default('anywhere') }} {{ stage.name ~ '!' }}"
        "{% if stage.category in ('interview', 'offer') and not status_link_private %} yes{% endif %}"
        "{{ ' ' ~ sender.name if sender.name else '' }}"
    )
    assert check(source) == []
    assert render(source, CONTEXT) == "ADA Berlin Interview! yes Sam"


def test_html_escapes_merge_fields_and_text_does_not():
    values = templating.context(candidate_name="<b>Ada</b> & co")
    assert render("<p>{{ candidate.full_name }}</p>", values, html=True) == "<p>&lt;b&gt;Ada&lt;/b&gt; &amp; co</p>"
    assert render("{{ candidate.full_name }}", values) == "<b>Ada</b> & co"


def test_the_context_keeps_only_documented_fields_as_plain_values():
    class Secret:
        def __str__(self):
            return "secret"

    values = templating.context_of(
        {"candidate": {"full_name": "Ada\r\nBcc: x@evil", "email": "ada@example.com", "obj": Secret()},
         "company": Secret(), "password_hash": "x", "answers": [{"label": "Q", "value": "A", "flag": "knockout"}]}
    )  # fmt: skip
    assert values["candidate"] == {"first_name": "", "full_name": "Ada Bcc: x@evil"}
    assert values["company"] == {"name": ""}
    assert "password_hash" not in values and values["answers"] == [{"label": "Q", "value": "A"}]
    assert check("{{ candidate.email }}") == ["Line 1: candidate.email is not a merge field."]


def test_a_field_missing_from_a_snapshot_renders_empty_rather_than_failing():
    assert render("[{{ job.location }}][{{ sender.name }}]", {"job": {"title": "Engineer"}}) == "[][]"


def test_sample_values_exist_for_every_documented_field():
    names = {field.name for field in templating.MERGE_FIELDS}
    assert {"candidate.first_name", "candidate.full_name", "job.title", "job.location", "company.name",
            "stage.name", "stage.category", "status_link", "application_link", "sender.name"} <= names  # fmt: skip
    sample = templating.sample_context()
    assert sample["candidate"]["first_name"] == "Ada" and sample["answers"]


def test_checking_a_hostile_template_is_quick():
    source = "{{ 10 ** 10 ** 10 ** 10 }}" + "{{ candidate.full_name }}" * 2000
    started = time.perf_counter()
    assert check(source)
    assert time.perf_counter() - started < 2


def test_without_html_the_html_part_is_made_from_the_text():
    message = templating.render_message(
        "Hi {{ candidate.first_name }}", "Hello <{{ candidate.full_name }}>\n\nSee {{ status_link }}", None, CONTEXT
    )
    assert message.subject == "Hi Ada"
    assert "Hello <Ada Lovelace>" in message.text and message.text.endswith("replies are not read.\n")
    assert "<p>Hello &lt;Ada Lovelace&gt;</p>" in message.html
    assert '<a href="https://ats.example/me/applications/1">' in message.html


def test_a_subject_renders_on_one_line():
    message = templating.render_message("{{ job.title }}\nBcc: x", "Body", None, CONTEXT)
    assert message.subject == "Engineer Bcc: x"


def test_render_message_reports_every_part():
    with pytest.raises(MailTemplateError) as raised:
        templating.render_message("{{ candidate.age }}", "ok", "<p>{{ job.salary }}</p>", CONTEXT)
    assert raised.value.errors == [
        "subject: Line 1: candidate.age is not a merge field.",
        "html: Line 1: job.salary is not a merge field.",
    ]


# The defaults are the built-in emails, written with merge fields: same bytes out.


@pytest.mark.parametrize("category", ["screening", "interview", "offer", "hired", "rejected"])
@pytest.mark.parametrize("link", ["https://ats.example/me/applications/7", None])
def test_the_default_stage_templates_give_the_built_in_emails(category, link):
    names = {"candidate_name": "Ada <L>", "job_title": "Eng & Ops", "company_name": "Acme <Co>"}
    subject = STAGE_SUBJECTS[category].format_map(
        {"job": {"title": names["job_title"]}, "company": {"name": names["company_name"]}}
    )
    builtin = render_builtin("stage_update", subject, stage=category, link=link, **names)
    default = DEFAULTS[f"stage_{category}"]
    assert check(default.subject) == check(default.text) == check(default.html, html=True) == []
    mine = templating.render_message(default.subject, default.text, default.html, templating.context(
        candidate_name=names["candidate_name"], job_title=names["job_title"], company_name=names["company_name"],
        status_link=link,
    ))  # fmt: skip
    assert (mine.subject, mine.text, mine.html) == (builtin.subject, builtin.text, builtin.html)


@pytest.mark.parametrize(
    ("link", "private"),
    [("https://ats.example/status/" + "t" * 43, True), ("https://ats.example/me/applications/3", False), (None, False)],
)
@pytest.mark.parametrize(
    "answers", [[], [{"label": "Start <date>", "value": "May & June"}, {"label": "Q", "value": "A"}]]
)
def test_the_default_confirmation_gives_the_built_in_email(link, private, answers):
    names = {"candidate_name": "Ada <L>", "job_title": "Eng & Ops", "company_name": "Acme <Co>"}
    subject = f"Your application for {names['job_title']} at {names['company_name']}"
    builtin = render_builtin("application_received", subject, link=link, private=private, answers=answers, **names)
    default = DEFAULTS["application_received"]
    mine = templating.render_message(default.subject, default.text, default.html, templating.context(
        candidate_name=names["candidate_name"], job_title=names["job_title"], company_name=names["company_name"],
        status_link=link, status_link_private=private, answers=answers,
    ))  # fmt: skip
    assert (mine.subject, mine.text, mine.html) == (builtin.subject, builtin.text, builtin.html)


def test_a_runtime_error_in_either_branch_is_found_on_check():
    assert check("{% if status_link %}{{ job.title|truncate(1) }}{% endif %}")[0].startswith("Line 1: ")
    assert check("{% if not status_link %}\n{{ job.title|truncate(1) }}{% endif %}")[0].startswith("Line 2: ")
