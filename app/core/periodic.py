"""Periodic work: a registry of named tasks and the tick that runs the due ones.

Registering a task is one line where the feature lives:

    @periodic("mail.sweep", every="MAIL_SWEEP_INTERVAL")   # seconds, or a config key holding them
    def sweep_pending(app: Flask) -> object: ...

`flask tick` runs one tick (for cron); `flask tick --loop` is the clock process.
A tick runs each task whose interval has elapsed. With Redis, a task is claimed
with `SET key NX PX` (an expiry a little under its interval), so among any number
of clocks, cron jobs and replicas one runner does it once per interval; the
start, end and outcome of each run are kept in a Redis hash, which `/metrics`
reads to report the lag. Without Redis there is nothing to share: `flask tick`
runs every task (cron's schedule is the interval), and the clock keeps the last
run times in its own memory.

The tick only wakes work up. When the work itself is due (a job closing on its
date, a delayed email) lives in database rows, which the task claims with a
conditional UPDATE, so losing Redis never loses a schedule, and a task that
overruns its interval and runs twice does each row once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import redis
from flask import Flask

from app.redis_client import redis_client

log = logging.getLogger(__name__)

# The claim expires this much before the interval does, so a tick that comes a
# moment early (cron at the top of each minute) still finds the task due.
CLAIM_SLACK_SECONDS = 2.0


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    every: int | float | str  # seconds, or the name of a config key holding seconds (<= 0 turns it off)
    func: Callable[[Flask], object]

    def interval(self, app: Flask) -> float:
        value = app.config[self.every] if isinstance(self.every, str) else self.every
        return float(value or 0)


@dataclass
class TaskState:
    """What the last run of a task left in Redis (times are Unix seconds)."""

    started: float | None = None
    finished: float | None = None
    ok: bool | None = None

    def lag(self, interval: float, now: float) -> float | None:
        """How long the next run is overdue (0 while it is not due yet); None before any run."""
        if self.started is None:
            return None
        return max(0.0, now - (self.started + interval))


class Registry:
    def __init__(self) -> None:
        self._tasks: dict[str, PeriodicTask] = {}

    def add(self, name: str, every: int | float | str, func: Callable[[Flask], object]) -> PeriodicTask:
        if name in self._tasks and self._tasks[name].func is not func:
            raise ValueError(f"A periodic task named {name!r} is already registered.")
        task = PeriodicTask(name, every, func)
        self._tasks[name] = task
        return task

    def remove(self, name: str) -> None:
        self._tasks.pop(name, None)

    def __iter__(self) -> Iterator[PeriodicTask]:
        return iter(list(self._tasks.values()))

    def __len__(self) -> int:
        return len(self._tasks)

    def task(self, name: str, *, every: int | float | str) -> Callable[[Callable], Callable]:
        """Decorator form of `add`."""

        def decorate(func: Callable[[Flask], object]) -> Callable[[Flask], object]:
            self.add(name, every, func)
            return func

        return decorate


registry = Registry()
periodic = registry.task


def _key(app: Flask, name: str, part: str) -> str:
    return f"{app.config['REDIS_KEY_PREFIX']}periodic:{name}:{part}"


def read_states(app: Flask, tasks: list[PeriodicTask]) -> dict[str, TaskState]:
    """Every task's last run, in one Redis round trip (empty without Redis)."""
    client = redis_client(app)
    if client is None or not tasks:
        return {}
    pipe = client.pipeline(transaction=False)
    for task in tasks:
        pipe.hgetall(_key(app, task.name, "state"))
    states = {}
    for task, raw in zip(tasks, pipe.execute(), strict=True):
        data = {k.decode(): v.decode() for k, v in raw.items()}
        states[task.name] = TaskState(
            started=float(data["started"]) if "started" in data else None,
            finished=float(data["finished"]) if "finished" in data else None,
            ok=data["ok"] == "1" if "ok" in data else None,
        )
    return states


def _claim(client: redis.Redis, app: Flask, task: PeriodicTask, interval: float) -> bool:
    hold = max(interval / 2, interval - CLAIM_SLACK_SECONDS)
    return bool(client.set(_key(app, task.name, "claim"), "1", nx=True, px=max(1, int(hold * 1000))))


def _record(client: redis.Redis, app: Flask, task: PeriodicTask, started: float, ok: bool) -> None:
    client.hset(
        _key(app, task.name, "state"),
        mapping={"started": repr(started), "finished": repr(time.time()), "ok": "1" if ok else "0"},
    )


def _run(app: Flask, task: PeriodicTask) -> bool:
    """Run one task in an app context; a failure is logged, never raised (the next tick tries again)."""
    try:
        with app.app_context():
            result = task.func(app)
    except Exception:
        log.exception("periodic task %s failed", task.name)
        return False
    log.info("periodic task %s done%s", task.name, f": {result}" if result not in (None, 0) else "")
    return True


def tick(app: Flask, tasks: Registry | None = None, memory: dict[str, float] | None = None) -> list[str]:
    """Run every due task once; returns the names of those this call ran.

    `memory` keeps last run times in the caller's process when there is no Redis.
    """
    client = redis_client(app)
    ran: list[str] = []
    for task in tasks if tasks is not None else registry:
        interval = task.interval(app)
        if interval <= 0:
            continue
        if client is None and memory is not None:
            if time.monotonic() - memory.get(task.name, float("-inf")) < interval:
                continue
            memory[task.name] = time.monotonic()
        if client is not None:
            try:
                if not _claim(client, app, task, interval):
                    continue
            except redis.RedisError as error:
                log.warning("periodic task %s: Redis unavailable (%s); skipped", task.name, type(error).__name__)
                continue
        started = time.time()
        ok = _run(app, task)
        ran.append(task.name)
        if client is not None:
            try:
                _record(client, app, task, started, ok)
            except redis.RedisError as error:
                log.warning("periodic task %s: run not recorded (%s)", task.name, type(error).__name__)
    return ran


def schema_ready(app: Flask) -> bool:
    """Periodic work reads the schema: not before the database is reachable and at the migrations' head."""
    from app.core.health import check_database

    with app.app_context():
        database, migrations = check_database(app)
    return bool(database["ok"] and migrations["ok"])


def _sleep(seconds: float, should_stop: Callable[[], bool]) -> None:
    """Wait in short steps, so a stop request is honoured within half a second."""
    deadline = time.monotonic() + seconds
    while not should_stop() and time.monotonic() < deadline:
        time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))


def loop(app: Flask, every: float, should_stop: Callable[[], bool]) -> None:
    """The clock: once the schema is at head, tick every `every` seconds until `should_stop()`."""
    waiting_logged = False
    while not should_stop() and not schema_ready(app):
        if not waiting_logged:
            log.info("clock: waiting for the database to be reachable and migrated (flask deploy)")
            waiting_logged = True
        _sleep(every, should_stop)
    log.info("clock started: ticking every %ss over %d task(s)", every, len(registry))
    memory: dict[str, float] = {}
    while not should_stop():
        tick(app, memory=memory)
        _sleep(every, should_stop)
    log.info("clock stopped")
