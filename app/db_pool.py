"""Checking pooled connections only when they may have gone stale.

`pool_pre_ping` sends `SELECT 1` before every checkout: one more round trip on
every request. A connection handed back a moment ago is as good as it was; one
that sat idle may have been closed by a database restart or a proxy timeout.
So the ping runs only for a connection idle longer than
`DATABASE_PING_AFTER_IDLE_SECONDS`; a failed ping makes the pool replace the
connection (DisconnectionError), as pre-ping does.
"""

from __future__ import annotations

import time

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

_IDLE_SINCE = "idle_since"


def ping_after_idle(engine: Engine, idle_seconds: float) -> None:
    dialect = engine.dialect

    @event.listens_for(engine.pool, "checkin")
    def _checked_in(_dbapi_connection, record) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _checked_out(dbapi_connection, record, _proxy) -> None:
        since = record.info.pop(_IDLE_SINCE, None)
        if since is None or time.monotonic() - since < idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            raise exc.DisconnectionError(f"stale pooled connection: {error}") from error
