"""Keyset pagination: a page costs the same at row 20 as at row 200,000."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import current_app
from sqlalchemy import Select, literal_column

from app.errors import ValidationFailed

T = TypeVar("T")
MAX_ID = 2_147_483_647  # primary keys are 32-bit integers


@dataclass
class Page(Generic[T]):
    items: Sequence[T]
    next_cursor: str | None
    limit: int


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, value = raw.partition(":")
        if prefix != "id" or not value.isdigit() or int(value) > MAX_ID:
            raise ValueError  # a forged huge id would overflow the database's integer
        return int(value)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise ValidationFailed("The cursor is not valid.", errors={"cursor": ["Not a valid cursor."]}) from None


def clamp_limit(limit: int | None) -> int:
    default = current_app.config["PAGE_SIZE_DEFAULT"]
    maximum = current_app.config["PAGE_SIZE_MAX"]
    if limit is None:
        return default
    if limit < 1 or limit > maximum:
        raise ValidationFailed("The limit is out of range.", errors={"limit": [f"Must be between 1 and {maximum}."]})
    return limit


def inline_limit(n: int):
    """A LIMIT written into the SQL rather than bound as a parameter.

    psycopg prepares a statement after a few runs and PostgreSQL then weighs a
    generic plan. For a filter on a company whose rows are everywhere (recent
    activity, the home's jobs), a LIMIT it cannot see makes that plan a
    parallel scan 50 times slower than the real one, so the server re-plans the
    statement on every request; with the number in the text (one prepared
    statement per size) the generic plan walks the index. Not used everywhere:
    for a keyword search the known LIMIT tips the generic plan the other way.
    """
    return literal_column(str(int(n)))


def paginate_desc(
    session, stmt: Select, id_column, *, limit: int | None, cursor: str | None, rows: bool = False
) -> Page:
    """Newest first by `id_column`; `stmt` must select one entity (`rows`: plain rows of columns instead)."""
    size = clamp_limit(limit)
    after = decode_cursor(cursor)
    if after is not None:
        stmt = stmt.where(id_column < after)
    stmt = stmt.order_by(id_column.desc()).limit(size + 1)
    found = list(session.execute(stmt).all() if rows else session.scalars(stmt).unique())
    return page_of(found, size)


def page_of(found: Sequence, size: int) -> Page:
    """The page of `size` items from up to `size + 1` rows fetched newest first (one more says there is more)."""
    next_cursor = encode_cursor(found[size - 1].id) if len(found) > size else None
    return Page(items=found[:size], next_cursor=next_cursor, limit=size)
