"""Forms of the notifications and personal settings pages."""

from __future__ import annotations

from wtforms import BooleanField, HiddenField, SubmitField

from app.web.formtools import SafeForm


class ReadForm(SafeForm):
    """Mark read (CSRF only); `next`: where to go afterwards (a path on this site)."""

    next = HiddenField()


class SettingsForm(SafeForm):
    digest = BooleanField(
        "Send me a daily digest",
        description="Once a morning: applications waiting in your jobs and mentions you have not read. "
        "Nothing to say, no email.",
    )
    submit = SubmitField("Save settings")
