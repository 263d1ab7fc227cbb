"""Email templates that companies write: merge fields, checking and sandboxed rendering.

A company's template is Jinja source typed by its admins, so it is treated as
hostile twice over:

1. **Before compiling**, the parsed template is walked and only a small
   language is let through: text, merge fields from `MERGE_FIELDS` (read as
   `candidate.first_name`), `if`/`elif`/`else`, `for` over a list field,
   comparisons, `~`, and a short list of filters and tests. Calls, attribute
   access on anything but a merge field, arithmetic, `set`, macros, includes,
   `autoescape` blocks and the rest are refused with their line. Arithmetic
   and calls go because Jinja folds constants while compiling (`10 ** 10 **
   10` would hang the request) and string methods such as `center` allocate
   whatever size they are asked for.
2. **Rendering** runs in Jinja's `ImmutableSandboxedEnvironment` with no
   globals and `StrictUndefined`, on an explicit context of plain values
   (`context()`), so even a construct the walk missed reaches no Python
   object and no other company's data: unsafe attributes raise
   `SecurityError`, which `render` turns into a `MailTemplateError`.

Autoescaping is on for HTML sources only. The rendered body goes inside the
system layout (`mail/_layout.txt` / `.html`: the frame and the footer), which
companies do not edit.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import TracebackType
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, TemplateSyntaxError, nodes, select_autoescape
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from app.mail.compose import PRODUCT, Rendered, one_line

SUBJECT_MAX = 300
TEXT_MAX = 20_000
HTML_MAX = 50_000
OUTPUT_MAX = 200_000  # characters a rendered body may have
VALUE_MAX = 2_000  # characters a merge field's value may have
MAX_LOOP_DEPTH = 2
SOURCE_FILENAME = "<template>"


@dataclass(frozen=True)
class MergeField:
    name: str  # dotted: `candidate.first_name`
    description: str
    sample: Any  # the value previews and checks use when there is no application
    item_fields: tuple[str, ...] = ()  # list fields: what each item has (`answer.label`)


MERGE_FIELDS: tuple[MergeField, ...] = (
    MergeField("candidate.first_name", "The candidate's first name (the first word of their name).", "Ada"),
    MergeField("candidate.full_name", "The candidate's name as they gave it.", "Ada Lovelace"),
    MergeField("job.title", "The job's title.", "Backend Engineer"),
    MergeField("job.location", "Where the job is; empty when the job names no place.", "Berlin, Germany"),
    MergeField("company.name", "Your company's name.", "Acme"),
    MergeField(
        "stage.name",
        "The stage the application entered, as the candidate sees it (an internal stage reads as its category).",
        "Interview",
    ),
    MergeField(
        "stage.category",
        "The stage's category: applied, screening, interview, offer, hired, rejected or withdrawn.",
        "interview",
    ),
    MergeField(
        "status_link",
        "Where the candidate follows the application: the private link in the confirmation of a guest's "
        "application, else their applications page when they have an account; empty when there is neither.",
        "https://ats.example/me/applications/42",
    ),
    MergeField(
        "status_link_private",
        "True when status_link is a private link that works without signing in (ask them to keep it to themselves).",
        False,
    ),
    MergeField(
        "application_link",
        "The application in the dashboard, for emails to your team.",
        "https://ats.example/dashboard/applications/42",
    ),
    MergeField(
        "sender.name",
        "Who the email comes from: the team member whose action sent it, or your company's name "
        "for emails nobody sent by hand (such as the application confirmation).",
        "Sam Recruiter",
    ),
    MergeField(
        "answers",
        "The candidate's answers to the job's questions, in form order, each with a label and a value. "
        "Use it in a loop: {% for answer in answers %}{{ answer.label }}: {{ answer.value }}{% endfor %}.",
        [{"label": "When could you start?", "value": "In May"}, {"label": "Do you need a visa?", "value": "No"}],
        item_fields=("label", "value"),
    ),
)

# Merge fields by top-level name: an object's attributes (`candidate` -> first_name, ...),
# or None for a plain value.
_OBJECTS: dict[str, tuple[str, ...]] = {}
_VALUES: set[str] = set()
_LISTS: dict[str, tuple[str, ...]] = {}
for _field in MERGE_FIELDS:
    _root, _, _attr = _field.name.partition(".")
    if _attr:
        _OBJECTS[_root] = (*_OBJECTS.get(_root, ()), _attr)
    elif _field.item_fields:
        _LISTS[_root] = _field.item_fields
    else:
        _VALUES.add(_root)
FIELD_NAMES = frozenset(field.name for field in MERGE_FIELDS)
_LOOP_ATTRIBUTES = ("index", "index0", "revindex", "revindex0", "first", "last", "length")

ALLOWED_FILTERS = (
    "capitalize", "count", "d", "default", "e", "escape", "first", "join", "last", "length", "lower",
    "striptags", "title", "trim", "truncate", "upper", "urlencode", "wordcount",
)  # fmt: skip
ALLOWED_TESTS = (
    "defined", "undefined", "none", "true", "false", "string", "number",
    "eq", "equalto", "==", "ne", "!=", "in", "sameas",
)  # fmt: skip

# What the walk says about a refused node, by class name.
_REFUSED = {
    "Call": "Calling functions or methods is not available in email templates.",
    "Assign": "{% set %} is not available in email templates.",
    "AssignBlock": "{% set %} is not available in email templates.",
    "Macro": "Macros are not available in email templates.",
    "CallBlock": "{% call %} is not available in email templates.",
    "FilterBlock": "{% filter %} blocks are not available in email templates.",
    "With": "{% with %} is not available in email templates.",
    "Block": "{% block %} is not available in email templates.",
    "Extends": "{% extends %} is not available in email templates.",
    "Include": "{% include %} is not available in email templates.",
    "Import": "{% import %} is not available in email templates.",
    "FromImport": "{% import %} is not available in email templates.",
    "Scope": "This block is not available in email templates.",
    "ScopedEvalContextModifier": "{% autoescape %} is not available in email templates.",
    "EvalContextModifier": "{% autoescape %} is not available in email templates.",
    "Slice": "Slices are not available in email templates.",
    "Dict": "Dictionaries are not available in email templates.",
    "ExprStmt": "{% do %} is not available in email templates.",
    "Continue": "{% continue %} is not available in email templates.",
    "Break": "{% break %} is not available in email templates.",
}
_ARITHMETIC = (nodes.BinExpr, nodes.UnaryExpr)


class MailTemplateError(Exception):
    """A template that cannot be used: its problems, each naming its line."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def _sandbox(*, html: bool) -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=html,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=lambda value: "" if value is None else value,
        auto_reload=False,
        cache_size=0,
    )
    # Nothing but the merge fields: no range(), lipsum(), cycler, joiner, namespace or dict.
    env.globals.clear()
    env.filters = {name: env.filters[name] for name in ALLOWED_FILTERS}
    env.tests = {name: env.tests[name] for name in ALLOWED_TESTS}
    return env


TEXT_ENV = _sandbox(html=False)
HTML_ENV = _sandbox(html=True)

# The system layout around every email (trusted files, not company sources).
_layout_env = Environment(
    loader=PackageLoader("app.mail", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_TEXT_LAYOUT = _layout_env.from_string('{% extends "mail/_layout.txt" %}{% block body %}{{ body }}{% endblock %}')
_HTML_LAYOUT = _layout_env.from_string('{% extends "mail/_layout.html" %}{% block body %}{{ body }}{% endblock %}')


# --- Checking -----------------------------------------------------------------------------------


class _Walk:
    """Collects what a parsed template does that email templates may not, with lines."""

    def __init__(self) -> None:
        self.errors: list[tuple[int, str]] = []

    def refuse(self, node: nodes.Node, message: str) -> None:
        self.errors.append((node.lineno or 1, message))

    def body(self, statements: Iterable[nodes.Node], scope: Mapping[str, Any], depth: int) -> None:
        for statement in statements:
            self.statement(statement, scope, depth)

    def statement(self, node: nodes.Node, scope: Mapping[str, Any], depth: int) -> None:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    self.expr(child, scope)
        elif isinstance(node, nodes.If):
            self.expr(node.test, scope)
            self.body(node.body, scope, depth)
            for branch in node.elif_:
                self.statement(branch, scope, depth)
            self.body(node.else_, scope, depth)
        elif isinstance(node, nodes.For):
            self.loop(node, scope, depth)
        elif isinstance(node, nodes.Scope) and node.body and not isinstance(node.body[0], nodes.Scope):
            self.statement(node.body[0], scope, depth)  # `{% autoescape %}` comes wrapped in a scope
        else:
            self.refuse(node, _REFUSED.get(type(node).__name__, "This is not available in email templates."))

    def loop(self, node: nodes.For, scope: Mapping[str, Any], depth: int) -> None:
        if node.recursive:
            self.refuse(node, "Recursive loops are not available in email templates.")
            return
        if depth >= MAX_LOOP_DEPTH:
            self.refuse(node, f"Loops nest at most {MAX_LOOP_DEPTH} deep in email templates.")
            return
        items: tuple[str, ...] = ()
        if isinstance(node.iter, nodes.Name) and node.iter.name in _LISTS and node.iter.name not in scope:
            items = _LISTS[node.iter.name]
        else:
            self.refuse(node.iter, f"A loop goes over a list merge field ({', '.join(sorted(_LISTS))}).")
        if not isinstance(node.target, nodes.Name):
            self.refuse(node.target, "A loop takes one name for each item: {% for answer in answers %}.")
            return
        inner = {**scope, node.target.name: ("item", items), "loop": ("loop", _LOOP_ATTRIBUTES)}
        if node.test is not None:
            self.expr(node.test, inner)
        self.body(node.body, inner, depth + 1)
        self.body(node.else_, scope, depth)

    def expr(self, node: nodes.Node, scope: Mapping[str, Any]) -> None:
        if isinstance(node, nodes.Const | nodes.TemplateData):
            return
        if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
            self.field(node, scope)
        elif isinstance(node, nodes.Filter | nodes.Test):
            self.filter_or_test(node, scope)
        elif isinstance(node, nodes.Compare):
            self.expr(node.expr, scope)
            for operand in node.ops:
                self.expr(operand.expr, scope)
        elif isinstance(node, nodes.And | nodes.Or):
            self.expr(node.left, scope)
            self.expr(node.right, scope)
        elif isinstance(node, nodes.Not):
            self.expr(node.node, scope)
        elif isinstance(node, nodes.CondExpr):
            for part in (node.test, node.expr1, node.expr2):
                if part is not None:
                    self.expr(part, scope)
        elif isinstance(node, nodes.Concat):
            for part in node.nodes:
                self.expr(part, scope)
        elif isinstance(node, nodes.Tuple | nodes.List):
            for item in node.items:
                self.expr(item, scope)
        elif isinstance(node, _ARITHMETIC):
            self.refuse(node, "Arithmetic is not available in email templates.")
        else:
            self.refuse(node, _REFUSED.get(type(node).__name__, "This expression is not available in email templates."))

    def filter_or_test(self, node: nodes.Filter | nodes.Test, scope: Mapping[str, Any]) -> None:
        kind, allowed = ("filter", ALLOWED_FILTERS) if isinstance(node, nodes.Filter) else ("test", ALLOWED_TESTS)
        if node.name not in allowed:
            self.refuse(node, f"There is no {kind} named '{node.name}' in email templates; use one of: "
                              f"{', '.join(name for name in allowed if name.isidentifier())}.")  # fmt: skip
        if node.dyn_args is not None or node.dyn_kwargs is not None:
            self.refuse(node, f"A {kind} takes plain arguments in email templates.")
        if node.node is not None:
            self.expr(node.node, scope)
        for arg in node.args:
            self.expr(arg, scope)
        for keyword in node.kwargs:
            self.expr(keyword.value, scope)

    def field(self, node: nodes.Node, scope: Mapping[str, Any]) -> None:
        """A merge field read: `name`, `name.attr` or `name["attr"]`, nothing deeper."""
        path, stop = merge_path(node)
        if isinstance(stop, nodes.Getitem):
            self.refuse(stop, "Read a merge field by its name, such as candidate.first_name.")
            return
        if path is None:
            self.refuse(node, "Only merge fields have attributes in email templates.")
            self.expr(stop, scope)
            return
        dotted = ".".join(path)
        if path[0] in scope:
            role, attributes = scope[path[0]]
            if len(path) == 2 and path[1] in attributes:
                return
            known = ", ".join(f"{path[0]}.{attr}" for attr in attributes)
            what = "the loop" if role == "loop" else "each item"
            self.refuse(node, f"{dotted} is not a merge field; {what} has {known}.")
            return
        if dotted in FIELD_NAMES:
            return
        if path[0] in _OBJECTS and len(path) == 1:
            known = ", ".join(f"{path[0]}.{attr}" for attr in _OBJECTS[path[0]])
            self.refuse(node, f"{dotted} is not a merge field; use {known}.")
        else:
            self.refuse(node, f"{dotted} is not a merge field.")


def merge_path(node: nodes.Node) -> tuple[list[str] | None, nodes.Node]:
    """The names a merge-field read walks, root first (`candidate.first_name` -> ["candidate", "first_name"]).

    Returns (None, the node where the walk stopped) for anything else: a computed subscript (a Getitem) or
    attributes of something that is not a name.
    """
    path: list[str] = []
    current = node
    while isinstance(current, nodes.Getattr | nodes.Getitem):
        if isinstance(current, nodes.Getattr):
            path.append(current.attr)
        elif isinstance(current.arg, nodes.Const) and isinstance(current.arg.value, str):
            path.append(current.arg.value)
        else:
            return None, current
        current = current.node
    if not isinstance(current, nodes.Name):
        return None, current
    path.append(current.name)
    path.reverse()
    return path, current


def _line_messages(errors: list[tuple[int, str]]) -> list[str]:
    seen: list[str] = []
    for line, message in sorted(errors, key=lambda pair: pair[0]):
        text = f"Line {line}: {message}"
        if text not in seen:
            seen.append(text)
    return seen


def _parse(source: str, *, html: bool) -> nodes.Template:
    """The checked syntax tree of `source`; MailTemplateError with every problem's line otherwise."""
    env = HTML_ENV if html else TEXT_ENV
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as error:
        raise MailTemplateError([f"Line {error.lineno or 1}: {error.message}"]) from None
    walk = _Walk()
    walk.body(tree.body, {}, 0)
    if walk.errors:
        raise MailTemplateError(_line_messages(walk.errors))
    return tree


@lru_cache(maxsize=256)
def _compiled(source: str, html: bool):
    """Parsed, checked and compiled once per process for each source (the worker renders the same few)."""
    tree = _parse(source, html=html)
    env = HTML_ENV if html else TEXT_ENV
    try:
        return env.from_string(tree)
    except TemplateError as error:  # a check this module missed: still a clean refusal
        raise MailTemplateError([f"Line {getattr(error, 'lineno', None) or 1}: {error.message}"]) from None


def _template_line(traceback: TracebackType | None) -> int:
    line = 1
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == SOURCE_FILENAME:
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def render(source: str, context: Mapping[str, Any] | None = None, *, html: bool = False) -> str:
    """`source` rendered in the sandbox with `context` (made plain by `context()` first).

    Raises MailTemplateError, never a Jinja or Python error: a refused construct,
    an unsafe attribute (SecurityError), an unknown field, an oversized result.
    """
    template = _compiled(source, html)
    try:
        text = template.render(context_of(context or {}))
    except SecurityError as error:
        raise MailTemplateError(
            [f"Line {_template_line(error.__traceback__)}: Refused by the sandbox: {error}"]
        ) from None
    except UndefinedError as error:
        raise MailTemplateError([f"Line {_template_line(error.__traceback__)}: {error.message}"]) from None
    except Exception as error:  # a filter given the wrong type, and the like
        raise MailTemplateError([f"Line {_template_line(error.__traceback__)}: {error}"]) from None
    if len(text) > OUTPUT_MAX:
        raise MailTemplateError([f"Line 1: The message would be longer than {OUTPUT_MAX:,} characters."])
    return text


def check(source: str | None, *, html: bool = False) -> list[str]:
    """Every problem of a subject, text or HTML source, each naming its line ([] when it is fine).

    Syntax errors, merge fields not in MERGE_FIELDS (in every branch), refused
    constructs, and whatever rendering it with the sample values, and with
    every field empty, raises.
    """
    if not source:
        return []
    problems: list[str] = []
    # With every field filled, then with every field empty: both sides of most conditions run.
    for values in (sample_context(), blank_context()):
        try:
            render(source, values, html=html)
        except MailTemplateError as error:
            problems.extend(message for message in error.errors if message not in problems)
    return problems


# --- Contexts -----------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A value a template may see: text (one line), a boolean, a number or nothing."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return one_line(value, VALUE_MAX)
    return ""


def blank_context() -> dict[str, Any]:
    """Every merge field, empty: a field a snapshot lacks renders as nothing, never fails."""
    out: dict[str, Any] = {root: dict.fromkeys(attrs, "") for root, attrs in _OBJECTS.items()}
    out.update(dict.fromkeys(_VALUES, ""))
    out["status_link_private"] = False
    out.update({name: [] for name in _LISTS})
    return out


def context_of(values: Mapping[str, Any]) -> dict[str, Any]:
    """The context a template renders with: only the documented merge fields, as plain values.

    Anything else in `values` (an ORM object, another key) is dropped, so a
    template can reach nothing beyond MERGE_FIELDS.
    """
    out = blank_context()
    for root, attrs in _OBJECTS.items():
        given = values.get(root)
        if isinstance(given, Mapping):
            out[root] = {attr: _plain(given.get(attr, "")) for attr in attrs}
    for name in _VALUES:
        if name in values:
            out[name] = _plain(values[name])
    for name, item_fields in _LISTS.items():
        given = values.get(name)
        if isinstance(given, list | tuple):
            out[name] = [
                {attr: _plain(item.get(attr, "")) for attr in item_fields}
                for item in given[:200]
                if isinstance(item, Mapping)
            ]
    return out


def context(
    *,
    candidate_name: str = "",
    job_title: str = "",
    job_location: str = "",
    company_name: str = "",
    stage_name: str = "",
    stage_category: str = "",
    status_link: str | None = None,
    status_link_private: bool = False,
    application_link: str = "",
    sender_name: str = "",
    answers: Iterable[Mapping[str, str]] = (),
) -> dict[str, Any]:
    """The merge fields as a JSON-ready dict (what an outbox row keeps as its snapshot)."""
    full_name = one_line(candidate_name, VALUE_MAX)
    return context_of(
        {
            "candidate": {"first_name": full_name.split(" ")[0] if full_name else "", "full_name": full_name},
            "job": {"title": job_title, "location": job_location},
            "company": {"name": company_name},
            "stage": {"name": stage_name, "category": stage_category},
            "status_link": status_link or "",
            "status_link_private": bool(status_link and status_link_private),
            "application_link": application_link,
            "sender": {"name": sender_name},
            "answers": [{"label": a.get("label", ""), "value": a.get("value", "")} for a in answers],
        }
    )


def sample_context() -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in MERGE_FIELDS:
        root, _, attr = field.name.partition(".")
        if attr:
            values.setdefault(root, {})[attr] = field.sample
        else:
            values[root] = field.sample
    return context_of(values)


# --- Whole messages -----------------------------------------------------------------------------

_URL = re.compile(r"https?://[^\s<>\"']+")


def text_to_html(text: str) -> Markup:
    """An HTML body for a template that has only text: paragraphs, line breaks, links made clickable."""
    paragraphs = [part.strip("\n") for part in re.split(r"\n\s*\n", text.strip()) if part.strip()]
    out = []
    for paragraph in paragraphs:
        escaped = html_lib.escape(paragraph, quote=True)
        linked = _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
        out.append(f"<p>{linked.replace(chr(10), '<br>' + chr(10))}</p>")
    return Markup("\n".join(out) + "\n")  # noqa: S704 - every paragraph escaped above


def render_message(
    subject: str,
    text: str,
    html: str | None,
    values: Mapping[str, Any],
    *,
    product: str = PRODUCT,
    replies_read: bool = False,
) -> Rendered:
    """A whole email from a template's three sources: rendered, then put in the system layout.

    Without an HTML source the HTML part is made from the text. `replies_read`: the
    footer says replies reach the team (the message carries a reply address). Raises
    MailTemplateError (every problem of every part) when a source cannot be used.
    `replies_read`: the message carries a reply address, so the footer says replies reach the team.
    """
    errors: list[str] = []
    parts: dict[str, str] = {}
    for name, source, is_html in (("subject", subject, False), ("text", text, False), ("html", html, True)):
        if source is None:
            continue
        try:
            parts[name] = render(source, values, html=is_html)
        except MailTemplateError as error:
            errors.extend(f"{name}: {message}" for message in error.errors)
    if errors:
        raise MailTemplateError(errors)
    title = one_line(parts["subject"])
    # The sandbox's HTML output is autoescaped already: merge fields are escaped, the company's own markup is kept.
    body_html = Markup(parts["html"]) if "html" in parts else text_to_html(parts["text"])  # noqa: S704
    return Rendered(
        subject=title,
        text=_TEXT_LAYOUT.render(body=parts["text"], product=product, subject=title, replies_read=replies_read),
        html=_HTML_LAYOUT.render(body=body_html, product=product, subject=title, replies_read=replies_read),
    )
