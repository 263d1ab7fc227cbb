"""Account forms. The rules (formats, lengths, uniqueness) are checked by the services."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

REQUIRED = "This field is required."


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(REQUIRED), Length(max=256)])
    next = HiddenField()
    submit = SubmitField("Sign in")


class RegisterForm(FlaskForm):
    full_name = StringField("Full name", validators=[DataRequired(REQUIRED), Length(max=200)])
    email = EmailField("Email", validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(REQUIRED)], description="At least 8 characters.")
    confirm = PasswordField(
        "Repeat the password",
        validators=[DataRequired(REQUIRED), EqualTo("password", "The two passwords differ.")],
    )
    next = HiddenField()
    submit = SubmitField("Create account")


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(REQUIRED), Length(max=254)])
    submit = SubmitField("Send me a link")


class SetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired(REQUIRED)], description="At least 8 characters.")
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(REQUIRED), EqualTo("password", "The two passwords differ.")],
    )
    submit = SubmitField("Set password")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired(REQUIRED)])
    new_password = PasswordField(
        "New password", validators=[DataRequired(REQUIRED)], description="At least 8 characters."
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(REQUIRED), EqualTo("new_password", "The two passwords differ.")],
    )
    submit = SubmitField("Change password")


class LogoutForm(FlaskForm):
    submit = SubmitField("Sign out")
