"""Checking pooled connections only when they may have gone stale.

`pool_pre_ping` sends `SELECT 1` before every checkout: one more round trip on
every request. A connection handed back a moment ago is as good as it was,
unless the server has since said goodbye: a terminated backend or a server
shutting down sends its last message (or closes the socket) at once, so an idle
connection with something to read has almost certainly been dropped. Looking
for that costs one `poll()` with no wait, no round trip.

So the ping runs only for a connection idle longer than
`DATABASE_PING_AFTER_IDLE_SECONDS` (a proxy or firewall may have dropped it
silently) or one whose socket has unread input; a failed ping makes the pool
replace the connection (DisconnectionError), as pre-ping does. After
`pg_terminate_backend` or a database restart the next request therefore gets a
fresh connection instead of an error.
"""

from __future__ import annotations

import select
import time

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

_IDLE_SINCE = "idle_since"


def has_unread_input(dbapi_connection) -> bool:
    """True when an idle connection's socket is readable (or gone); False when it is quiet or has no socket."""
    fileno = getattr(dbapi_connection, "fileno", None)  # psycopg has one, sqlite3 does not
    if fileno is None:
        return False
    try:
        fd = fileno()
    except Exception:  # closed already
        return True
    if fd is None or fd < 0:
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


def ping_after_idle(engine: Engine, idle_seconds: float) -> None:
    dialect = engine.dialect

    @event.listens_for(engine.pool, "checkin")
    def _checked_in(_dbapi_connection, record) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _checked_out(dbapi_connection, record, _proxy) -> None:
        since = record.info.pop(_IDLE_SINCE, None)
        if since is None:
            return  # a new connection
        if time.monotonic() - since < idle_seconds and not has_unread_input(dbapi_connection):
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            raise exc.DisconnectionError(f"stale pooled connection: {error}") from error
