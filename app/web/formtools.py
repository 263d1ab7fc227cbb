"""Putting the service layer's field errors beside the form's fields."""

from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm

from app.errors import DomainError
from app.extensions import db


def show_errors(form: FlaskForm, error: DomainError, rename: dict[str, str] | None = None) -> None:
    """Attach `error.errors` to the matching fields; anything else goes above the form.

    The request is rolled back first: a service may have flushed part of the
    change before it found the problem.
    """
    db.session.rollback()
    rename = rename or {}
    matched = False
    for name, messages in (error.errors or {}).items():
        field = form._fields.get(rename.get(name, name))
        if field is None:
            form.form_errors.extend(messages)
        else:
            field.errors = [*field.errors, *messages]
            matched = True
    if not matched and not form.form_errors:
        form.form_errors.append(error.detail)


def flash_error(error: DomainError) -> None:
    """Report a refused action after a redirect (the request's changes are dropped)."""
    db.session.rollback()
    messages = [message for field_messages in (error.errors or {}).values() for message in field_messages]
    flash(" ".join([error.detail, *messages]), "danger")
