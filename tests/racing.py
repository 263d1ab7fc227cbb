"""Run two service calls at once on two real database connections.

Each call gets its own app context (so its own session and connection). A
session event holds each call at a barrier the first time `ready` says so, so
both have done their reads before either writes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import event

from app.extensions import db


def race(
    app, calls: dict[str, Callable[[], None]], *, hook: str, ready: Callable[..., bool], expected: type
) -> list[str]:
    """Run `calls` together; return their outcomes sorted: "ok" or the name of the `expected` error raised."""
    barrier = threading.Barrier(len(calls), timeout=10)
    results: dict[str, str] = {}

    def hold(*args) -> None:
        session = args[0].session if hook == "do_orm_execute" else args[0]
        if session.info.get("racing") and ready(*args):
            session.info["racing"] = False
            barrier.wait()

    def run(name: str, call: Callable[[], None]) -> None:
        with app.app_context():
            session = db.session()
            session.info["racing"] = True
            event.listen(session, hook, hold)
            try:
                call()
                db.session.commit()
                results[name] = "ok"
            except expected as error:
                db.session.rollback()
                results[name] = type(error).__name__
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=item) for item in calls.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    return sorted(results.values())
