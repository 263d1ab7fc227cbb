"""The web forms' shared base, and putting the service layer's field errors beside the form's fields."""

from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm
from wtforms import Field, Form
from wtforms.validators import StopValidation

from app.core.converters import INT32_MAX
from app.errors import DomainError
from app.extensions import db

INT_MAX = INT32_MAX  # the range of an INTEGER column, which every whole-number field fills
INT_MIN = -INT32_MAX - 1
NUL_MESSAGE = "Contains a character that is not allowed."
RANGE_MESSAGE = f"Must be a number between {INT_MIN:,} and {INT_MAX:,}."


def storable(_form: Form, field: Field) -> None:
    """Refuse what the database cannot store: a NUL character (PostgreSQL refuses it in text)
    or a whole number beyond a 32-bit column ("integer out of range")."""
    for value in field.raw_data or ():
        if isinstance(value, str) and "\x00" in value:
            raise StopValidation(NUL_MESSAGE)
    data = field.data
    if isinstance(data, int) and not isinstance(data, bool) and not INT_MIN <= data <= INT_MAX:
        raise StopValidation(RANGE_MESSAGE)


class SafeForm(FlaskForm):
    """Every web form's base: each field is first checked by `storable`, with the message beside it.

    One check for every field of every form, so no view or service meets a
    value that would fail in the database as a 500. It runs before the field's
    own validators: WTForms' NumberRange itself overflows on a 400-digit number.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self._fields.values():
            field.validators = [storable, *field.validators]


def show_errors(
    form: FlaskForm, error: DomainError, rename: dict[str, str] | None = None, *, rollback: bool = True
) -> None:
    """Attach `error.errors` to the matching fields; anything else goes above the form.

    The request is rolled back first: a service may have flushed part of the
    change before it found the problem (`rollback=False` when the service checks
    before it writes, so the page keeps what it loaded).
    """
    if rollback:
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
