from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.core.rate_limits import register_limit
from app.errors import Conflict, TooManyAttempts, ValidationFailed
from app.extensions import limiter
from app.services import accounts, tokens
from app.web.auth import bp
from app.web.auth.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, RegisterForm, SetPasswordForm
from app.web.formtools import show_errors
from app.web.login import end_session, home_for, restart_session, safe_next, start_session


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or home_for(current_user))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except TooManyAttempts as error:
            form.form_errors.append(error.detail)
            return _too_many(render_template("auth/login.html", form=form), error)
        if user is not None:
            start_session(user)
            flash("Welcome back.", "success")
            return redirect(safe_next(form.next.data) or home_for(user))
        form.form_errors.append("Wrong email or password.")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


def _too_many(html: str, error: TooManyAttempts):
    return html, 429, {"Retry-After": str(error.retry_after)}


@bp.post("/logout")
def logout():
    # CSRF-protected like every POST, so another site cannot sign people out.
    end_session()
    flash("You are signed out.", "info")
    return redirect(url_for("jobs.board"))


@bp.route("/register", methods=["GET", "POST"])
@register_limit
def register():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = RegisterForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    if form.validate_on_submit():
        try:
            user = accounts.register_candidate(
                email=form.email.data, password=form.password.data, full_name=form.full_name.data
            )
        except (ValidationFailed, Conflict) as error:
            show_errors(form, error)
        else:
            start_session(user)
            flash("Your account is ready. Welcome!", "success")
            return redirect(safe_next(form.next.data) or url_for("jobs.board"))
    return render_template("auth/register.html", form=form), 422 if form.errors else 200


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        # The same answer whether or not the address has an account.
        flash("If an account uses that address, we have sent it a link to choose a new password.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form), 422 if form.errors else 200


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _password_from_link(token, tokens.RESET)


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    return _password_from_link(token, tokens.INVITE)


def _password_from_link(token: str, purpose: str):
    """The page an invitation or reset email links to: check the link, then take a password."""
    try:
        user = tokens.user_for_token(token, purpose)
    except ValidationFailed as error:
        return render_template("auth/bad_link.html", detail=error.detail, purpose=purpose), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.set_password_with_token(token, purpose, form.password.data)
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            restart_session(user)
            flash("Your password is set and you are signed in.", "success")
            return redirect(home_for(user))
    template = "auth/set_password.html" if purpose == tokens.INVITE else "auth/reset_password.html"
    return render_template(template, form=form, user=user), 422 if form.errors else 200


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current_password.data, form.new_password.data)
        except TooManyAttempts as error:
            show_errors(form, error)
            return _too_many(render_template("auth/change_password.html", form=form), error)
        except ValidationFailed as error:
            show_errors(form, error, rename={"password": "new_password"})
        else:
            # Other sessions die with the old auth_version; this one starts afresh.
            restart_session(current_user._get_current_object())
            flash("Your password is changed. Other devices have been signed out.", "success")
            return redirect(home_for(current_user))
    return render_template("auth/change_password.html", form=form), 422 if form.errors else 200
