"""Bulk actions from the pipeline board: tick cards (or take all matching), move, reject with a reason, note, undo."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.models import Application, Note, OutboxMessage, StageChange
from app.services import applications, rejection_reasons
from tests.web.conftest import post


def _stages(ids) -> dict[int, str]:
    db.session.expire_all()
    return dict(db.session.execute(select(Application.id, Application.stage).where(Application.id.in_(ids))).all())


def _people(factory, job, names, *, added_by=None):
    made = [factory.application(factory.candidate(name), job) for name in names]
    if added_by is not None:  # people staff added themselves: they did not apply, so no email goes to them
        db.session.execute(
            update(Application).where(Application.id.in_([a.id for a in made])).values(added_by_id=added_by.id)
        )
        db.session.commit()
    return [application.id for application in made]


def _bulk(client, job_id, ids, **fields):
    data = {"ids": [str(i) for i in ids], "next": f"/dashboard/jobs/{job_id}", **fields}
    return post(client, f"/dashboard/jobs/{job_id}/bulk", data)


def test_the_board_offers_checkboxes_and_the_companys_reasons(world, as_user):
    html = as_user(world.recruiter).get(f"/dashboard/jobs/{world.job.id}").get_data(as_text=True)
    assert f'name="ids" value="{world.application.id}" form="bulk-form"' in html
    assert 'id="bulk-form"' in html and 'name="action" value="reject"' in html
    for reason in rejection_reasons.list_reasons(world.recruiter):
        assert f'<option value="{reason.id}">{reason.label}</option>' in html
    listed = as_user(world.recruiter).get(f"/dashboard/jobs/{world.job.id}?view=list").get_data(as_text=True)
    assert f'name="ids" value="{world.application.id}" form="bulk-form"' in listed


def test_bulk_reject_with_a_reason_confirms_the_emails_then_rejects_each(world, as_user, factory):
    ids = _people(factory, world.job, ["Ann One", "Ben Two", "Cy Three"])
    reason = rejection_reasons.list_reasons(world.recruiter)[0]
    client = as_user(world.recruiter)
    response = _bulk(client, world.job.id, ids, action="reject", reason_id=str(reason.id))
    assert response.status_code == 200  # the candidates would be emailed: say so first
    html = response.get_data(as_text=True)
    assert "Reject 3 applications?" in html and f"reason: {reason.label}" in html
    assert f'3 emails</dt><dd class="confirm-subject">Your application for {world.job.title} at' in html
    assert "Reject and send 3 emails" in html
    assert set(_stages(ids).values()) == {"applied"}

    confirmed = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', html))
    response = _bulk(client, world.job.id, ids, action="reject", reason_id=str(reason.id), confirm=confirmed["confirm"])
    assert response.status_code == 302
    assert set(_stages(ids).values()) == {"rejected"}
    assert _stages([world.application.id]) == {world.application.id: "applied"}  # not ticked: untouched
    rows = db.session.scalars(
        select(StageChange).where(StageChange.application_id.in_(ids), StageChange.to_stage == "rejected")
    ).all()
    assert {row.reason_id for row in rows} == {reason.id} and len({row.batch_id for row in rows}) == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Rejected 3 applications." in page
    assert f'action="/dashboard/bulk/{rows[0].batch_id}/undo"' in page


def test_a_delayed_bulk_rejection_says_when_and_can_be_undone_with_its_emails(world, as_user, factory, app):
    app.config["MAIL_REJECTION_DELAY"] = 2 * 3600
    ids = _people(factory, world.job, ["Ann One", "Ben Two"])
    reason = rejection_reasons.list_reasons(world.recruiter)[0]
    client = as_user(world.recruiter)
    html = _bulk(client, world.job.id, ids, action="reject", reason_id=str(reason.id)).get_data(as_text=True)
    assert '<dd class="confirm-when">in 2 hours; until then, undoing the bulk withdraws them</dd>' in html
    response = _bulk(client, world.job.id, ids, action="reject", reason_id=str(reason.id), confirm="1")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert set(_stages(ids).values()) == {"rejected"}
    undo_url = re.search(r'action="(/dashboard/bulk/[0-9a-f]{32}/undo)"', page).group(1)
    response = post(client, undo_url, {"next": f"/dashboard/jobs/{world.job.id}"})
    assert "Undone: 2 applications back where they were." in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert set(_stages(ids).values()) == {"applied"}
    statuses = db.session.scalars(select(OutboxMessage.status).where(OutboxMessage.kind == "stage_rejected")).all()
    assert statuses == ["cancelled", "cancelled"]  # the waiting emails went with the moves


def test_bulk_move_lists_what_could_not_be_done_and_undoes_the_rest(world, as_user, factory):
    ids = _people(factory, world.job, ["Ann One", "Ben Two"], added_by=world.recruiter)
    ahead = _people(factory, world.job, ["Ida Ahead"], added_by=world.recruiter)[0]
    applications.move_stage(world.recruiter, ahead, "screening")
    applications.move_stage(world.recruiter, ahead, "interview")
    db.session.commit()
    client = as_user(world.recruiter)
    response = _bulk(client, world.job.id, [*ids, ahead], action="move", to="screening", note="First calls booked")
    assert response.status_code == 302  # staff added them: no email, nothing to confirm
    assert _stages([*ids, ahead]) == {ids[0]: "screening", ids[1]: "screening", ahead: "interview"}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Moved 2 applications to Screening." in page
    assert "Not done for 1 application. Ida Ahead: Cannot move from interview to screening" in page
    notes = db.session.scalars(
        select(StageChange.note).where(StageChange.application_id.in_(ids), StageChange.to_stage == "screening")
    ).all()
    assert notes == ["First calls booked"] * 2

    undo_url = re.search(r'action="(/dashboard/bulk/[0-9a-f]{32}/undo)"', page).group(1)
    response = post(client, undo_url, {"next": f"/dashboard/jobs/{world.job.id}"})
    assert response.status_code == 302
    assert _stages(ids) == {ids[0]: "applied", ids[1]: "applied"}
    assert "Undone: 2 applications back where they were." in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    response = post(client, undo_url, {"next": f"/dashboard/jobs/{world.job.id}"})  # again: already undone
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Not done for 2 applications. Ann One: Something else happened to this application since" in page
    assert _stages(ids) == {ids[0]: "applied", ids[1]: "applied"}


def test_all_matching_this_filter_takes_the_filter_not_the_ticks(world, as_user, factory, app):
    ids = _people(factory, world.job, ["Rita Match", "Rick Match", "Other Person"], added_by=world.recruiter)
    client = as_user(world.recruiter)
    response = _bulk(client, world.job.id, [ids[2]], action="move", to="screening", all="y", q="match")
    assert response.status_code == 302
    assert _stages(ids) == {ids[0]: "screening", ids[1]: "screening", ids[2]: "applied"}

    app.config["BULK_MAX"] = 1
    response = _bulk(client, world.job.id, [], action="move", to="interview", all="y", q="match")
    assert "More than 1 applications match" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _stages(ids)[ids[0]] == "screening"


def test_bulk_notes_for_hiring_managers_but_no_moves(world, as_user, factory):
    ids = _people(factory, world.job, ["Ann One", "Ben Two"])
    client = as_user(world.hiring_manager)
    html = client.get(f"/dashboard/jobs/{world.job.id}").get_data(as_text=True)
    assert 'name="action" value="note"' in html and 'name="action" value="move"' not in html
    response = _bulk(client, world.job.id, ids, action="note", note="Both look strong")
    assert response.status_code == 302
    assert db.session.scalars(select(Note.body).where(Note.application_id.in_(ids))).all() == ["Both look strong"] * 2
    assert "Added the note to 2 applications." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _bulk(client, world.job.id, ids, action="move", to="screening", confirm="1").status_code == 403
    assert _bulk(client, world.job.id, ids, action="reject", reason="No", confirm="1").status_code == 403
    assert set(_stages(ids).values()) == {"applied"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"action": "move", "to": "screening", "ids": []}, "Select at least one application first."),
        ({"action": "move", "to": "screening", "ids": ["12x"]}, "could not be read"),
        ({"action": "explode", "to": "screening"}, "could not be read"),
        ({"action": "reject", "confirm": "1"}, "A reason is required to reject"),
        ({"action": "note", "note": ""}, "This field is required"),
    ],
)
def test_bad_bulk_input_is_a_message_and_changes_nothing(world, as_user, fields, message):
    client = as_user(world.recruiter)
    data = {"ids": [str(world.application.id)], "next": f"/dashboard/jobs/{world.job.id}", **fields}
    response = post(client, f"/dashboard/jobs/{world.job.id}/bulk", data)
    assert response.status_code == 302
    assert message in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _stages([world.application.id]) == {world.application.id: "applied"}


def test_another_companys_job_and_applications(world, as_user):
    client = as_user(world.recruiter)
    assert _bulk(client, world.other_job.id, [world.application.id], action="note", note="x").status_code == 404
    response = _bulk(client, world.job.id, [world.other_application.id], action="move", to="screening", confirm="1")
    assert "That application was not found." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _stages([world.other_application.id]) == {world.other_application.id: "applied"}
    assert client.post(f"/dashboard/jobs/{world.job.id}/bulk", data={"action": "note", "note": "x"}).status_code == 400
