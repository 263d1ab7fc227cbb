"""URL converters bounded to what the database columns can hold.

Werkzeug's `int` converter accepts any number of digits. An id of 2**31 or more
then reaches PostgreSQL as a parameter for a 32-bit column and fails with
"integer out of range" (SQLite just finds nothing). Here `int` stops at the
column's limit, so such a URL matches no route and is simply not found (404),
in every blueprint at once.
"""

from __future__ import annotations

import builtins

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

INT32_MAX = 2**31 - 1  # INTEGER / SERIAL columns: every primary key here
INT64_MAX = 2**63 - 1  # BIGINT columns


class Int32Converter(IntegerConverter):
    """`<int:id>`: digits up to the 32-bit limit; `min`, `max` and `signed` still work as in Werkzeug."""

    limit = INT32_MAX

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = None,
        signed: bool = False,
    ) -> None:
        bound = self.limit if max is None else builtins.min(max, self.limit)
        low = min if min is not None else (-self.limit - 1 if signed else None)
        super().__init__(map, fixed_digits=fixed_digits, min=low, max=bound, signed=signed)


class Int64Converter(Int32Converter):
    """`<bigint:id>` for a BIGINT column."""

    limit = INT64_MAX


def install_converters(app: Flask) -> None:
    """Replace `int` app-wide; call before any blueprint is registered (rules bind their converters then)."""
    app.url_map.converters["int"] = Int32Converter
    app.url_map.converters["bigint"] = Int64Converter
