from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

REQUIRED = "This field is required."


class LinkWithdrawForm(FlaskForm):
    submit = SubmitField("Withdraw my application")


class LinkAccountForm(FlaskForm):
    """An account for the address the link was sent to: the address is not asked, it is known."""

    full_name = StringField("Full name", validators=[DataRequired(REQUIRED), Length(max=200)])
    password = PasswordField("Password", validators=[DataRequired(REQUIRED)], description="At least 8 characters.")
    confirm = PasswordField(
        "Repeat the password", validators=[DataRequired(REQUIRED), EqualTo("password", "The two passwords differ.")]
    )
    submit = SubmitField("Create account")


class ClaimForm(FlaskForm):
    submit = SubmitField("Add to my account")
