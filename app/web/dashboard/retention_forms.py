"""Forms of the retention page and a candidate's privacy actions."""

from __future__ import annotations

from wtforms import IntegerField, StringField, SubmitField
from wtforms.validators import Length, Optional

from app.web.formtools import SafeForm


class RetentionPolicyForm(SafeForm):
    retention_days = IntegerField(
        "Anonymise candidates this many days after their last application ended",
        validators=[Optional()],
        description="Rejected, withdrawn, or its job closed. Empty: never.",
    )
    retention_hired_days = IntegerField(
        "Anonymise hired candidates' applicant data this many days after the hire",
        validators=[Optional()],
        description="Empty: never.",
    )
    submit = SubmitField("Save the policy")


class LegalHoldForm(SafeForm):
    reason = StringField("Reason for the hold", validators=[Length(max=500)])
    submit = SubmitField("Place a legal hold")


class ConfirmForm(SafeForm):
    """A button that only posts (run now, erase, lift, withdraw)."""
