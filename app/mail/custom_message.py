"""Messages staff write to a candidate: rendered by the worker from the sources they typed.

The outbox row's `template` is TEMPLATE and its `context` holds the typed
subject and body (Jinja sources, checked by the sandbox walker when they were
written) beside the snapshot of merge-field values taken then:

    {"subject": "...", "body": "...", "fields": {candidate: {...}, job: {...}, ...}}

`render` puts them through the sandbox (`templating.render_message`) in the
system layout, with the footer saying replies reach the team when the message
carries the application's reply address.
"""

from __future__ import annotations

import re
from typing import Any

from app.mail import templating
from app.mail.compose import CUSTOM_TEMPLATE, Rendered

TEMPLATE = CUSTOM_TEMPLATE  # not a file: compose.render_message hands such rows to `render`
KIND = "staff_message"
# The system layout's text footer (mail/_layout.txt): "--" on its own line, then one line.
FOOTER = re.compile(r"\n*^--\n[^\n]*\n?\Z", re.MULTILINE)


def snapshot(subject: str, body: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The outbox row's context: the typed sources and the merge-field values of this moment."""
    return {"subject": subject, "body": body, "fields": fields}


def render(context: dict[str, Any], *, replies_read: bool = False) -> Rendered:
    """The email: subject and text rendered in the sandbox, the HTML made from the text, in the layout."""
    body = context["body"]
    body = body if body.endswith("\n") else body + "\n"  # a blank line before the footer (line numbers unchanged)
    return templating.render_message(
        context["subject"], body, None, context.get("fields") or {}, replies_read=replies_read
    )


def body_as_sent(text_body: str | None) -> str:
    """The text the person read, without the system footer (what candidates see on their pages)."""
    if not text_body:
        return ""
    return FOOTER.sub("", text_body).rstrip("\n")
