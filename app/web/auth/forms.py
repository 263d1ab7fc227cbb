"""Account forms. The rules (formats, lengths, uniqueness) are checked by the services."""

from __future__ import annotations

from wtforms import EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from app.web.formtools import SafeForm

REQUIRED = "This field is required."


class LoginForm(SafeForm):
    email = EmailField("Email", validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(REQUIRED), Length(max=256)])
    next = HiddenField()
    submit = SubmitField("Sign in")


class RegisterForm(SafeForm):
    full_name = StringField("Full name", validators=[DataRequired(REQUIRED), Length(max=200)])
    email = EmailField("Email", validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(REQUIRED)], description="At least 8 characters.")
    confirm = PasswordField(
        "Repeat the password",
        validators=[DataRequired(REQUIRED), EqualTo("password", "The two passwords differ.")],
    )
    next = HiddenField()
    submit = SubmitField("Create account")


class ForgotPasswordForm(SafeForm):
    email = EmailField("Email", validators=[DataRequired(REQUIRED), Length(max=254)])
    submit = SubmitField("Send me a link")


class SetPasswordForm(SafeForm):
    password = PasswordField("New password", validators=[DataRequired(REQUIRED)], description="At least 8 characters.")
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(REQUIRED), EqualTo("password", "The two passwords differ.")],
    )
    submit = SubmitField("Set password")


class ChangePasswordForm(SafeForm):
    current_password = PasswordField("Current password", validators=[DataRequired(REQUIRED)])
    new_password = PasswordField(
        "New password", validators=[DataRequired(REQUIRED)], description="At least 8 characters."
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(REQUIRED), EqualTo("new_password", "The two passwords differ.")],
    )
    submit = SubmitField("Change password")


class LogoutForm(SafeForm):
    submit = SubmitField("Sign out")
