"""The daily digest: what it says, to whom, once a day, and never twice with two runners."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from app.core.periodic import registry
from app.extensions import db
from app.mail.backends import sent_messages
from app.models import Application, User
from app.services import applications, digest, notifications
from tests.notifications.helpers import mention, note, outbox
from tests.racing import race

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)  # after the default DIGEST_HOUR (8, UTC)


def _entered(application_id: int, days: float) -> None:
    db.session.execute(
        update(Application)
        .where(Application.id == application_id)
        .values(stage_entered_at=NOW - timedelta(days=days))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _setting(user: User, *, digest_on: bool) -> None:
    notifications.update_settings(user, digest=digest_on)
    db.session.commit()


@pytest.fixture
def office(world, factory):
    """The recruiter's job: one application waiting 5 days, one 1 day, one hired long ago; a mention of the admin."""
    waiting = factory.application(factory.candidate("Wanda Waiting"), world.job)
    fresh = factory.application(factory.candidate("Fred Fresh"), world.job)
    hired = factory.application(factory.candidate("Hal Hired"), world.job)
    for step in ("screening", "interview", "offer", "hired"):
        applications.move_stage(world.recruiter, hired.id, step)
    db.session.commit()
    _entered(world.application.id, 1)
    _entered(waiting.id, 5)
    _entered(fresh.id, 1)
    _entered(hired.id, 30)
    note(world.hiring_manager, world.application.id, f"{mention(world.admin)} please look")
    _entered(world.other_application.id, 10)  # waiting, in the other company's job
    return {"waiting": waiting, "fresh": fresh, "hired": hired}


def _digests() -> dict[str, object]:
    return {message.to_address: message for message in outbox("digest")}


def test_each_member_gets_what_waits_for_them_and_nobody_gets_an_empty_digest(app, world, office):
    assert digest.run(NOW) == 3  # the recruiter, the admin, the other company's recruiter
    found = _digests()
    assert set(found) == {world.recruiter.email, world.admin.email, world.other_recruiter.email}

    mine = found[world.recruiter.email]
    assert mine.status == "sent" and mine.subject == "Your daily digest: 1 waiting, 0 unread mention(s)"
    assert "Wanda Waiting" in mine.text_body and "Applied for 5 day(s)" in mine.text_body
    for absent in ("Fred Fresh", "Hal Hired", world.candidate.full_name, world.other_candidate.full_name):
        assert absent not in mine.text_body
    assert f"/dashboard/applications/{office['waiting'].id}" in mine.text_body
    assert "/dashboard/settings" in mine.text_body and "Wanda Waiting" in mine.html_body

    admins = found[world.admin.email]
    assert admins.subject == "Your daily digest: 0 waiting, 1 unread mention(s)"
    assert world.hiring_manager.full_name in admins.text_body and "please look" not in admins.text_body
    theirs = found[world.other_recruiter.email]
    assert world.other_candidate.full_name in theirs.text_body and "Wanda" not in theirs.text_body
    (email,) = [m for m in sent_messages(app) if m["Message-ID"] == mine.message_id]
    assert email["Reply-To"] is None


def test_once_a_day_from_the_morning_on_and_never_to_those_who_opted_out(app, world, office):
    _setting(world.admin, digest_on=False)
    assert digest.run(NOW.replace(hour=7)) == 0  # nobody's morning yet
    db.session.expire_all()
    assert db.session.get(User, world.recruiter.id).digest_sent_at is None

    assert digest.run(NOW) == 2
    assert world.admin.email not in _digests()
    assert digest.run(NOW + timedelta(hours=1)) == 0
    assert digest.run(NOW + timedelta(hours=19)) == 0
    assert digest.run(NOW + timedelta(days=1)) == 2  # the next morning
    assert len(outbox("digest")) == 4

    _setting(world.admin, digest_on=True)
    notifications.mark_all_read(world.admin)
    db.session.commit()
    assert digest.run(NOW + timedelta(days=2)) == 2  # the admin has nothing unread any more: no email


def test_the_digest_is_a_periodic_task(app):
    task = next(task for task in registry if task.name == "mail.digest")
    assert task.every == "DIGEST_INTERVAL"


@pytest.mark.postgres
def test_two_runners_at_once_send_each_member_one_digest(app, world, office):
    expected = sorted([world.recruiter.email, world.admin.email, world.other_recruiter.email])
    db.session.remove()
    outcomes = race(
        app,
        {"a": lambda: digest.run(NOW), "b": lambda: digest.run(NOW)},
        hook="do_orm_execute",
        ready=lambda state: state.is_update,
        expected=Exception,
    )
    assert outcomes == ["ok", "ok"]
    messages = outbox("digest")
    assert sorted(m.to_address for m in messages) == expected
