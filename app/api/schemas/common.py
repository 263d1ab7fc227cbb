"""Fields and schemas shared by every resource."""

from __future__ import annotations

from datetime import UTC

import marshmallow as ma
from marshmallow import fields, validate

MAX_ID = 2_147_483_647  # primary keys are 32-bit


class Text(fields.String):
    """A string that can be stored: no NUL byte, no lone surrogate."""

    default_error_messages = {"bad_char": "Contains a character that is not allowed."}

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in value:
            raise self.make_error("bad_char")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise self.make_error("bad_char") from None
        return value


class StrictBool(fields.Boolean):
    """JSON true or false only: "yes", 1 or "false" are type errors, not guesses."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class StrictInt(fields.Integer):
    """A JSON integer (not a float, a string or a boolean)."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return super()._deserialize(value, attr, data, **kwargs)


def Id(**kwargs) -> fields.Integer:
    return fields.Integer(validate=validate.Range(1, MAX_ID), **kwargs)


class CompanyRef(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    slug = fields.String(required=True)


class UserRef(ma.Schema):
    id = fields.Integer(required=True)
    full_name = fields.String(required=True)


def updated_after_field() -> fields.AwareDateTime:
    """`updated_after` of a list: an ISO 8601 time (UTC when it names no offset)."""
    return fields.AwareDateTime(
        default_timezone=UTC,
        metadata={"description": "Only items changed after this time (ISO 8601; UTC unless it says otherwise)."},
    )


class PageArgs(ma.Schema):
    """`limit` and `cursor` of every list (keyset pagination)."""

    limit = fields.Integer(
        validate=validate.Range(1, 100), metadata={"description": "Items per page (default 20, at most 100)."}
    )
    cursor = Text(
        validate=validate.Length(max=200),
        metadata={"description": "The `next_cursor` of the previous page."},
    )


def page_schema(item: type[ma.Schema], name: str) -> type[ma.Schema]:
    """{items: [...], next_cursor} for one item schema."""
    return ma.Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item), required=True),
            "next_cursor": fields.String(
                required=True, allow_none=True, metadata={"description": "Pass as `cursor` for the next page."}
            ),
        },
        name=name,
    )
