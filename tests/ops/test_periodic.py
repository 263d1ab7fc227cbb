"""The periodic tick: due tasks run once across runners, are recorded, and failures do not stop the rest."""

from __future__ import annotations

import threading
import time

import pytest

from app.core import periodic
from app.core.periodic import Registry, TaskState
from app.extensions import db
from app.models import MessageStatus, OutboxMessage


def test_registering_is_one_line_and_names_are_unique():
    tasks = Registry()

    @tasks.task("demo.every-minute", every=60)
    def every_minute(app):
        return None

    assert [task.name for task in tasks] == ["demo.every-minute"]
    with pytest.raises(ValueError, match="already registered"):
        tasks.add("demo.every-minute", 30, lambda app: None)


def test_the_mail_sweep_is_registered_with_its_configured_interval(app):
    task = next(task for task in periodic.registry if task.name == "mail.sweep")
    assert task.interval(app) == app.config["MAIL_SWEEP_INTERVAL"]


def test_lag_is_how_long_the_next_run_is_overdue():
    assert TaskState().lag(60, now=1000.0) is None
    assert TaskState(started=1000.0).lag(60, now=1030.0) == 0.0
    assert TaskState(started=1000.0).lag(60, now=1075.0) == 15.0


def test_without_redis_each_tick_runs_every_task_and_the_clock_remembers(app):
    tasks, calls = Registry(), []
    tasks.add("count", 3600, lambda app: calls.append("count"))
    tasks.add("off", 0, lambda app: calls.append("off"))  # an interval of 0 turns a task off
    assert periodic.tick(app, tasks) == ["count"]
    assert periodic.tick(app, tasks) == ["count"]  # cron decides how often `flask tick` runs
    memory: dict[str, float] = {}
    assert periodic.tick(app, tasks, memory=memory) == ["count"]
    assert periodic.tick(app, tasks, memory=memory) == []  # the clock waits for the interval
    assert calls == ["count"] * 3


@pytest.mark.redis
def test_with_redis_a_task_runs_once_per_interval_whoever_ticks(redis_app, make_app, redis_url, redis_prefix):
    tasks, calls = Registry(), []
    tasks.add("slowish", 3600, lambda app: (time.sleep(0.2), calls.append(1)))
    tasks.add("fast", 1, lambda app: calls.append(2))
    other = make_app(REDIS_URL=redis_url, REDIS_KEY_PREFIX=redis_prefix)  # a second clock or a cron job

    ran: list[list[str]] = []
    threads = [threading.Thread(target=lambda a=a: ran.append(periodic.tick(a, tasks))) for a in (redis_app, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(name for names in ran for name in names) == ["fast", "slowish"]
    assert sorted(calls) == [1, 2]

    assert periodic.tick(redis_app, tasks) == []  # neither is due yet
    time.sleep(1.1)
    assert periodic.tick(other, tasks) == ["fast"]

    states = periodic.read_states(redis_app, list(tasks))
    assert states["slowish"].ok is True
    assert states["slowish"].finished - states["slowish"].started >= 0.2
    assert states["fast"].started > states["slowish"].started


@pytest.mark.redis
def test_a_failing_task_is_recorded_and_the_others_still_run(redis_app, caplog):
    tasks, calls = Registry(), []

    def broken(app):
        raise RuntimeError("boom")

    tasks.add("broken", 60, broken)
    tasks.add("fine", 60, lambda app: calls.append(1))
    assert periodic.tick(redis_app, tasks) == ["broken", "fine"]
    assert calls == [1]
    states = periodic.read_states(redis_app, list(tasks))
    assert states["broken"].ok is False and states["fine"].ok is True
    assert "periodic task broken failed" in caplog.text


@pytest.mark.redis
def test_flask_tick_runs_the_mail_sweep_which_hands_on_pending_mail(redis_app, redis_prefix):
    from app.mail.queue import get_queue

    message = OutboxMessage(
        kind="test", to_address="a@example.com", subject="s", text_body="b", message_id="<sweep-1@test>"
    )
    db.session.add(message)
    db.session.flush()
    # Left pending long ago (Redis was down when it was committed): older than the sweep's grace.
    message.updated_at = message.created_at.replace(year=2000)
    db.session.commit()
    assert message.status == MessageStatus.PENDING

    result = redis_app.test_cli_runner().invoke(args=["tick"])
    assert result.exit_code == 0, result.output
    assert "mail.sweep" in result.output
    assert [job.args for job in get_queue(redis_app).jobs] == [(message.id,)]
    again = redis_app.test_cli_runner().invoke(args=["tick"])
    assert "Ran 0 periodic task(s)" in again.output
