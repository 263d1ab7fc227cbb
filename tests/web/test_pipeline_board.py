"""The pipeline board's moves: the no-JS menu, the email confirmation, the JSON endpoint, undo, filters, list view."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.models import Application, MessageStatus, OutboxMessage, StageChange
from app.models.base import utcnow
from app.services import applications
from tests import bulk
from tests.web.conftest import csrf, post

JSON = {"Accept": "application/json"}


def _stage(application_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Application, application_id).stage


def _version(application_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Application, application_id).version


def _board(job_id: int) -> str:
    return f"/dashboard/jobs/{job_id}"


def _json_move(client, application_id: int, to: str, *, token: str | None = None, **fields):
    headers = dict(JSON)
    if token is not False:
        headers["X-CSRFToken"] = token or csrf(client)
    data = {"to": to, "version": str(_version(application_id)), **fields}
    return client.post(f"/dashboard/applications/{application_id}/move", data=data, headers=headers)


def _moved_to(world, stage: str) -> None:
    for to in ("screening", "interview", "offer", "hired")[
        : ("screening", "interview", "offer", "hired").index(stage) + 1
    ]:
        applications.move_stage(world.recruiter, world.application.id, to)
    db.session.commit()


def test_the_no_js_menu_moves_and_comes_back_to_the_card_with_an_undo_button(world, as_user, factory):
    """A move that emails no one (a person staff added) goes straight through."""
    client = as_user(world.recruiter)
    added = factory.application(factory.candidate("Nell Nomail"), world.job)
    db.session.execute(update(Application).where(Application.id == added.id).values(added_by_id=world.recruiter.id))
    db.session.commit()
    board = _board(world.job.id)
    html = client.get(board).get_data(as_text=True)
    assert f'action="/dashboard/applications/{added.id}/move"' in html
    response = post(
        client,
        f"/dashboard/applications/{added.id}/move",
        {"to": "screening", "version": str(added.version), "next": board},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"{board}#application-{added.id}"
    assert _stage(added.id) == "screening"
    page = client.get(board).get_data(as_text=True)
    flash = page[page.index("undo-flash") :].split("</div>")[0]
    assert "Nell Nomail moved to Screening." in flash
    change_id = db.session.scalar(
        select(StageChange.id).where(StageChange.application_id == added.id).order_by(StageChange.id.desc())
    )
    assert f'action="/dashboard/applications/{added.id}/undo"' in flash
    assert f'name="change_id" value="{change_id}"' in flash

    # The flash's Undo button: back to applied, both rows kept in the history.
    response = post(client, f"/dashboard/applications/{added.id}/undo", {"change_id": str(change_id), "next": board})
    assert response.status_code == 302 and response.headers["Location"] == f"{board}#application-{added.id}"
    assert _stage(added.id) == "applied"
    assert "Undone: Nell Nomail is back in Applied." in client.get(board).get_data(as_text=True)
    history = [(e.from_stage, e.to_stage, e.undo_of_id) for e in applications.history(world.recruiter, added.id)]
    assert history == [(None, "applied", None), ("applied", "screening", None), ("screening", "applied", change_id)]


def test_a_move_that_emails_the_candidate_asks_first_showing_the_email(world, as_user):
    _moved_to(world, "interview")
    client = as_user(world.recruiter)
    board = _board(world.job.id)
    url = f"/dashboard/applications/{world.application.id}/move"
    version = _version(world.application.id)
    response = post(client, url, {"to": "offer", "version": str(version), "next": board})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Move Cara Candidate to Offer?" in html
    assert f"Good news about your application for {world.job.title}" in html
    assert f"Cara Candidate &lt;{world.candidate.email}&gt;" in html
    assert 'name="confirm" value="1"' in html and f'name="version" value="{version}"' in html
    assert _stage(world.application.id) == "interview"  # nothing moved, nothing sent
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "stage_offer")) is None

    response = post(client, url, {"to": "offer", "version": str(version), "next": board, "confirm": "1"})
    assert response.status_code == 302 and _stage(world.application.id) == "offer"
    assert db.session.scalar(select(OutboxMessage.to_address).where(OutboxMessage.kind == "stage_offer")) == (
        world.candidate.email
    )


def test_rejecting_from_the_menu_goes_to_the_reject_form(world, as_user):
    client = as_user(world.recruiter)
    board = _board(world.job.id)
    response = post(
        client,
        f"/dashboard/applications/{world.application.id}/move",
        {"to": "rejected", "version": str(world.application.version), "next": board},
    )
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"/dashboard/applications/{world.application.id}/reject?next=")
    assert _stage(world.application.id) == "applied"


def test_json_move_answers_the_card_and_its_undo(world, as_user, factory):
    client = as_user(world.recruiter)
    response = _json_move(client, world.application.id, "screening")
    assert response.status_code == 409  # the candidate would be emailed: confirm first
    body = response.get_json()
    assert body["type"] == "confirm"
    assert body["confirm"] == {
        "subject": f"Your application for {world.job.title} is being reviewed",
        "to_name": "Cara Candidate",
        "to_address": world.candidate.email,
        "when": "at once",
    }
    assert _stage(world.application.id) == "applied"

    response = _json_move(client, world.application.id, "screening", confirm="1")
    assert response.status_code == 200
    body = response.get_json()
    assert body["message"] == "Cara Candidate moved to Screening."
    assert body["from_stage"] == "applied"
    card = body["application"]
    assert card["stage"] == "screening" and card["version"] == _version(world.application.id)
    assert [move["key"] for move in card["allowed"]] == ["interview", "rejected"]
    change = db.session.scalar(select(StageChange).order_by(StageChange.id.desc()))
    assert body["undo"] == {"url": f"/dashboard/applications/{world.application.id}/undo", "change_id": change.id}


def test_json_move_needs_the_csrf_header(world, as_user):
    client = as_user(world.recruiter)
    response = _json_move(client, world.application.id, "screening", token=False, confirm="1")
    assert response.status_code == 400
    response = _json_move(client, world.application.id, "screening", token="forged", confirm="1")
    assert response.status_code == 400
    assert _stage(world.application.id) == "applied"


def test_json_move_conflicts_say_why(world, as_user):
    client = as_user(world.recruiter)
    response = _json_move(client, world.application.id, "offer", confirm="1")  # illegal from applied
    assert response.status_code == 409
    assert response.get_json()["type"] == "illegal-transition"
    assert "Cannot move from applied to offer" in response.get_json()["message"]

    stale = _version(world.application.id)
    applications.move_stage(world.recruiter, world.application.id, "screening")  # someone else, meanwhile
    db.session.commit()
    response = _json_move(client, world.application.id, "interview", version=str(stale))
    assert response.status_code == 409  # stale: no confirmation asked, the conflict itself
    body = response.get_json()
    assert body["type"] == "stale-update" and "changed meanwhile" in body["message"]
    assert body["current_stage"] == "screening"
    assert _stage(world.application.id) == "screening"

    response = _json_move(client, world.application.id, "rejected")
    assert response.status_code == 422 and response.get_json()["type"] == "reason-required"
    assert response.get_json()["redirect"].startswith(f"/dashboard/applications/{world.application.id}/reject")

    response = _json_move(client, world.other_application.id, "screening", confirm="1")
    assert response.status_code == 404


def test_json_undo_and_its_refusals(world, as_user, app):
    client = as_user(world.recruiter)
    token = csrf(client)
    headers = {**JSON, "X-CSRFToken": token}
    url = f"/dashboard/applications/{world.application.id}/undo"
    body = _json_move(client, world.application.id, "screening", token=token, confirm="1").get_json()
    change_id = body["undo"]["change_id"]

    # The email about the move has gone out: too late to undo.
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.stage_change_id == change_id).values(status=MessageStatus.SENT.value)
    )
    db.session.commit()
    response = client.post(url, data={"change_id": change_id}, headers=headers)
    assert response.status_code == 409 and "already been emailed" in response.get_json()["message"]
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.stage_change_id == change_id)
        .values(status=MessageStatus.PENDING.value)
    )
    db.session.commit()

    response = client.post(url, data={"change_id": change_id}, headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["application"]["stage"] == "applied" and body["from_stage"] == "screening"
    assert body["message"] == "Undone: Cara Candidate is back in Applied."
    assert _stage(world.application.id) == "applied"
    status = db.session.scalar(select(OutboxMessage.status).where(OutboxMessage.stage_change_id == change_id))
    assert status == MessageStatus.CANCELLED.value  # the waiting email is withdrawn with the move

    # Something happened since (the undo itself): the old move is no longer the last.
    response = client.post(url, data={"change_id": change_id}, headers=headers)
    assert response.status_code == 409 and "cannot be undone" in response.get_json()["message"].lower()

    # The window has passed.
    body = _json_move(client, world.application.id, "screening", token=token, confirm="1").get_json()
    db.session.execute(
        update(StageChange)
        .where(StageChange.id == body["undo"]["change_id"])
        .values(created_at=utcnow() - timedelta(hours=1))
    )
    db.session.commit()
    response = client.post(url, data={"change_id": body["undo"]["change_id"]}, headers=headers)
    assert response.status_code == 409 and "that time has passed" in response.get_json()["message"]
    # Without JavaScript the same refusal comes back as a message on the board.
    response = post(client, url, {"change_id": str(body["undo"]["change_id"]), "next": _board(world.job.id)})
    assert response.status_code == 302
    assert "that time has passed" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _stage(world.application.id) == "screening"
    assert client.post(url, data={"change_id": change_id}, headers=JSON).status_code == 400  # no CSRF token


def test_hiring_managers_see_no_move_controls_and_are_refused(world, as_user):
    client = as_user(world.hiring_manager)
    for url in (_board(world.job.id), _board(world.job.id) + "?view=list"):
        html = client.get(url).get_data(as_text=True)
        assert "Cara Candidate" in html
        assert "move-form" not in html and "data-allowed" not in html and "data-can-move" not in html
        assert "board.js" not in html and "Sortable" not in html
    response = post(
        client,
        f"/dashboard/applications/{world.application.id}/move",
        {"to": "screening", "version": str(world.application.version), "confirm": "1"},
    )
    assert response.status_code == 403
    assert _json_move(client, world.application.id, "screening", confirm="1").status_code == 403
    assert post(client, f"/dashboard/applications/{world.application.id}/undo", {}).status_code == 403
    token = csrf(client)
    response = client.post(
        f"/dashboard/applications/{world.application.id}/undo", headers={**JSON, "X-CSRFToken": token}
    )
    assert response.status_code == 403
    assert _stage(world.application.id) == "applied"


def test_board_filters_keep_each_other_and_the_old_links(world, as_user, factory):
    referred = factory.application(factory.candidate("Rita 50%_Referred"), world.job)
    flagged = factory.application(factory.candidate("Fred Flagged"), world.job)
    db.session.execute(update(Application).where(Application.id == referred.id).values(source="referral"))
    db.session.commit()
    bulk.flags([flagged.id])
    client = as_user(world.recruiter)
    board = _board(world.job.id)

    def names(query: str) -> set[str]:
        response = client.get(f"{board}?{query}")
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        html = response.get_data(as_text=True)
        return set(re.findall(r'class="card-name[^"]*" href="[^"]+">([^<]+)<', html))

    everyone = {"Cara Candidate", "Rita 50%_Referred", "Fred Flagged"}
    assert names("") == everyone
    assert names("source=referral") == {"Rita 50%_Referred"}
    assert names("flagged=1") == {"Fred Flagged"}
    assert names("q=%25_") == {"Rita 50%_Referred"}  # "%_" matched literally
    assert names("q=cara&stage=applied") == {"Cara Candidate"}
    assert names("q=cara&stage=screening") == set()
    assert names("view=list&source=referral") == {"Rita 50%_Referred"}
    assert names("view=list&flagged=1&q=fred") == {"Fred Flagged"}
    html = client.get(f"{board}?q=rita&source=referral").get_data(as_text=True)
    assert 'value="rita"' in html and '<option value="referral" selected>' in html  # the form keeps them
    assert f'href="{board}?stage=applied&amp;source=referral&amp;q=rita"' in html  # the pills keep them too
    assert 'Applied <span class="badge text-bg-light">1</span>' in html  # counted with the filters
    for query in ("source=pigeon", "sort=salary&view=list", "q=" + "x" * 101):
        assert client.get(f"{board}?{query}").status_code == 422


def test_list_view_sorts_and_pages(world, as_user):
    ids = bulk.applications(world.job.id, 60)
    client = as_user(world.recruiter)
    board = _board(world.job.id)
    first = client.get(f"{board}?view=list&sort=name").get_data(as_text=True)
    rows = re.findall(r'<tr class="board-row" id="application-(\d+)"', first)
    assert len(rows) == 50
    assert 'aria-sort="ascending"' in first
    names = re.findall(r'class="card-name[^"]*" href="[^"]+">([^<]+)<', first)
    assert names == sorted(names, key=str.lower)
    more = re.search(r'href="([^"]+cursor=[^"]+)"', first).group(1).replace("&amp;", "&")
    assert "sort=name" in more and "view=list" in more
    second = client.get(more).get_data(as_text=True)
    rest = re.findall(r'<tr class="board-row" id="application-(\d+)"', second)
    assert len(rest) == 11 and not set(rest) & set(rows)
    assert {int(i) for i in rows + rest} == {*ids, world.application.id}
    assert "cursor=" not in second.split("First page")[-1]  # the last page has no next link

    descending = client.get(f"{board}?view=list&sort=name&dir=desc").get_data(as_text=True)
    names_desc = re.findall(r'class="card-name[^"]*" href="[^"]+">([^<]+)<', descending)
    assert names_desc == sorted(names_desc, key=str.lower, reverse=True)
    by_stage = client.get(f"{board}?view=list&sort=stage").get_data(as_text=True)
    assert 'aria-sort="ascending"' in by_stage
    assert client.get(f"{board}?view=list&sort=days&cursor=forged").status_code == 422


@pytest.mark.parametrize("query", ["", "?view=list", "?q=cand&source=careers_page", "?view=list&q=x&sort=days"])
def test_board_and_list_statements_do_not_grow_with_the_cards(world, as_user, count_statements, query):
    client = as_user(world.recruiter)
    url = _board(world.job.id) + query
    client.get(url)
    with count_statements() as few:
        client.get(url)
    bulk.flags(bulk.applications(world.job.id, 40))
    bulk.applications(world.job.id, 10, stage="interview")
    with count_statements() as many:
        assert client.get(url).status_code == 200
    assert many.count == few.count <= 8, many.report()


def test_names_flags_and_stage_names_are_escaped_on_the_board_and_the_list(factory, as_user):
    tenant = factory.tenant()
    pipeline = [
        {"name": "<b>Inbox</b>", "category": "applied"},
        {"name": "Offer <i>now</i>", "category": "offer"},
        {"name": "Hired", "category": "hired"},
    ]
    job = factory.job(tenant["recruiter"], pipeline=pipeline)
    application = factory.application(factory.candidate("<script>alert(1)</script>"), job)
    bulk.flags([application.id], label="<img src=x onerror=alert(2)>")
    client = as_user(tenant["recruiter"])
    for url in (_board(job.id), _board(job.id) + "?view=list"):
        html = client.get(url).get_data(as_text=True)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
        assert "&lt;img src=x onerror=alert(2)&gt;" in html and "<img src=x" not in html
        assert "&lt;b&gt;Inbox&lt;/b&gt;" in html and "<b>Inbox" not in html
        assert "Offer &lt;i&gt;now&lt;/i&gt;" in html and "<i>now" not in html
