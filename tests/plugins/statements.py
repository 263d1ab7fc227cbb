"""Counting the SQL statements a block of code runs (query budgets).

    with count_statements() as log:
        client.get("/")
    assert log.count <= 8, log.report()

Every statement sent to the database through the app's engine is counted, via
SQLAlchemy's `before_cursor_execute` event. Budgets are counts, never timings,
so they hold on any machine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from sqlalchemy import event

BUDGET = 8  # statements per request, whatever the size of the data
# Applying with answers, or with a note, or with the resume stored in the database, was at 8 before every
# change started writing its event row (webhooks and the event feed): one more until a statement is saved.
APPLY_BUDGET = BUDGET + 1
# Undoing a bulk move takes each move back as the single undo does: the caller, the batch's moves, then per
# chunk its applications, their last history rows and their emails already sent, and per application its email
# withdrawn, the application, the undo's history row and its counts, then the undos' events in one INSERT
# (webhooks and the event feed). 5 + 4 x the two applications of the test + 1.
BULK_UNDO_BUDGET = 14


class StatementLog:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def report(self) -> str:
        lines = [f"{self.count} statements:"]
        lines += [f"  {n}. {' '.join(sql.split())[:300]}" for n, sql in enumerate(self.statements, 1)]
        return "\n".join(lines)


@pytest.fixture
def count_statements(app) -> Callable[[], AbstractContextManager[StatementLog]]:
    """A context manager that records the statements run inside it on the engine of the app in context.

    That is the `app` fixture's, or another app's whose context the test pushed.
    """
    from app.extensions import db

    @contextmanager
    def counting() -> Iterator[StatementLog]:
        engine = db.engine
        log = StatementLog()

        def record(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:
            log.statements.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            yield log
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting
