"""The built-in candidate emails as merge-field sources: what a company sends until it edits them.

The wording is that of `mail/application_received.*` and `mail/stage_update.*`,
the subjects those of `app/mail/events.py` (STAGE_SUBJECTS); rendered with
`templating.render_message` they give the same emails, byte for byte
(tests/mail/test_default_templates.py). Each source is the body only: the frame
and the footer come from the system layout.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DefaultTemplate:
    label: str
    subject: str
    text: str
    html: str


APPLICATION_RECEIVED = "application_received"
STAGE_CATEGORIES = ("screening", "interview", "offer", "hired", "rejected")
REJECTED = "stage_rejected"

_BUTTON = """<p style="margin:24px 0;">
  <a href="{{ status_link }}" style="display:inline-block;background:#0d6efd;color:#ffffff;text-decoration:none;\
padding:10px 18px;border-radius:6px;">%s</a>
</p>
<p style="font-size:13px;color:#6b7280;">If the button does not work, copy this address into your browser:<br>\
{{ status_link }}</p>
"""

_RECEIVED_TEXT = """Hello {{ candidate.full_name }},

Thank you for applying for {{ job.title }} at {{ company.name }}. Your application has reached the team, \
and they will be in touch as it moves forward.
{% if answers %}

Your answers, as you sent them:
{% for answer in answers %}
- {{ answer.label }}
  {{ answer.value }}
{% endfor %}
{% endif %}
{% if status_link_private %}
This link is private: it shows your application's progress without signing in, and lets you withdraw it. \
Keep this email, and do not share the link:
{{ status_link }}
{% elif status_link %}
You can follow your applications at any time:
{{ status_link }}
{% endif %}
"""

_RECEIVED_HTML = (
    """<p>Hello {{ candidate.full_name }},</p>
<p>Thank you for applying for <strong>{{ job.title }}</strong> at {{ company.name }}. Your application has reached \
the team, and they will be in touch as it moves forward.</p>
{% if answers %}
<p>Your answers, as you sent them:</p>
<dl>
{% for answer in answers %}
  <dt style="font-weight:bold">{{ answer.label }}</dt>
  <dd style="margin:0 0 8px 0">{{ answer.value }}</dd>
{% endfor %}
</dl>
{% endif %}
{% if status_link_private %}
<p>The link below is private: it shows your application's progress without signing in, and lets you withdraw it. \
Keep this email, and do not share the link.</p>
"""
    + _BUTTON % "Follow your application"
    + """{% elif status_link %}
"""
    + _BUTTON % "Follow your applications"
    + """{% endif %}
"""
)

# Per category: the paragraphs of the stage email, as text and as HTML.
_STAGE_TEXT = {
    "screening": "Good news: the team at {{ company.name }} has started reviewing your application for "
    "{{ job.title }}. We will let you know about the next step.",
    "interview": "Your application for {{ job.title }} at {{ company.name }} has moved to the interview stage. "
    "The team will contact you shortly to arrange a time.",
    "offer": "Great news: {{ company.name }} would like to make you an offer for {{ job.title }}. "
    "The team will be in touch with the details.",
    "hired": "Congratulations, and welcome aboard! Your hiring for {{ job.title }} at {{ company.name }} is "
    "confirmed. The team will contact you about your first days.",
    "rejected": "Thank you for your interest in {{ job.title }} at {{ company.name }} and for the time you put "
    "into your application. After careful consideration, the team has decided not to move forward with it at "
    "this time.\n\nWe wish you every success in your search, and hope you will consider us again in the future.",
}
_STAGE_HTML = {
    "screening": "<p>Good news: the team at {{ company.name }} has started reviewing your application for "
    "<strong>{{ job.title }}</strong>. We will let you know about the next step.</p>",
    "interview": "<p>Your application for <strong>{{ job.title }}</strong> at {{ company.name }} has moved to the "
    "interview stage. The team will contact you shortly to arrange a time.</p>",
    "offer": "<p>Great news: {{ company.name }} would like to make you an offer for <strong>{{ job.title }}</strong>. "
    "The team will be in touch with the details.</p>",
    "hired": "<p>Congratulations, and welcome aboard! Your hiring for <strong>{{ job.title }}</strong> at "
    "{{ company.name }} is confirmed. The team will contact you about your first days.</p>",
    "rejected": "<p>Thank you for your interest in <strong>{{ job.title }}</strong> at {{ company.name }} and for "
    "the time you put into your application. After careful consideration, the team has decided not to move "
    "forward with it at this time.</p>\n<p>We wish you every success in your search, and hope you will consider "
    "us again in the future.</p>",
}
_STAGE_SUBJECTS = {
    "screening": "Your application for {{ job.title }} is being reviewed",
    "interview": "Your application for {{ job.title }}: next step, interview",
    "offer": "Good news about your application for {{ job.title }}",
    "hired": "Welcome aboard: {{ job.title }} at {{ company.name }}",
    "rejected": "Your application for {{ job.title }} at {{ company.name }}",
}
_STAGE_LABELS = {
    "screening": "Entered screening",
    "interview": "Entered interview",
    "offer": "Entered offer",
    "hired": "Hired",
    "rejected": "Rejected",
}


def _stage(category: str) -> DefaultTemplate:
    follow_text = (
        "{% if status_link %}Your applications:\n{{ status_link }}{% else %}You can follow your application with "
        "the private link in your confirmation email.{% endif %}"
    )
    follow_html = (
        "{% if status_link %}\n" + _BUTTON % "Your applications" + "{% else %}\n<p>You can follow your application "
        "with the private link in your confirmation email.</p>{% endif %}\n"
    )
    return DefaultTemplate(
        label=_STAGE_LABELS[category],
        subject=_STAGE_SUBJECTS[category],
        text=f"Hello {{{{ candidate.full_name }}}},\n\n{_STAGE_TEXT[category]}\n\n{follow_text}\n",
        html=f"<p>Hello {{{{ candidate.full_name }}}},</p>\n{_STAGE_HTML[category]}\n{follow_html}",
    )


DEFAULTS: dict[str, DefaultTemplate] = {
    APPLICATION_RECEIVED: DefaultTemplate(
        label="Application received",
        subject="Your application for {{ job.title }} at {{ company.name }}",
        text=_RECEIVED_TEXT,
        html=_RECEIVED_HTML,
    ),
    **{f"stage_{category}": _stage(category) for category in STAGE_CATEGORIES},
}
