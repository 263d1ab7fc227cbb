from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SubmitField


class WithdrawForm(FlaskForm):
    submit = SubmitField("Withdraw my application")


class OfferAnswerForm(FlaskForm):
    """Accepting or declining a sent offer (the account page and the private status page)."""

    accept = SubmitField("Accept the offer")
    decline = SubmitField("Decline the offer")
