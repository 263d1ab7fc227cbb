"""Bulk actions: each application done or reported, its own history row and email, fixed statements per chunk."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.bench_seed import NINE_STAGES
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.models import Application, JobStageCount, Note, OutboxMessage, StageChange, User
from app.services import applications, bulk, rejection_reasons, stage_counts
from tests import bulk as rows
from tests.racing import race

CUSTOM = [
    {"name": "Applied", "category": "applied"},
    {"key": "phone", "name": "Phone", "category": "screening"},
    {"key": "onsite", "name": "Onsite", "category": "interview"},
    {"name": "Offer", "category": "offer"},
    {"name": "Hired", "category": "hired"},
]


def _state(ids: list[int]) -> dict[int, tuple[str, str, int]]:
    found = db.session.execute(
        select(Application.id, Application.stage, Application.stage_category, Application.version).where(
            Application.id.in_(ids)
        )
    )
    return {app_id: (stage, category, version) for app_id, stage, category, version in found}


def _history(ids: list[int]) -> list[StageChange]:
    return list(
        db.session.scalars(
            select(StageChange).where(StageChange.application_id.in_(ids)).order_by(StageChange.application_id)
        )
    )


def _kept_counts(job_ids: list[int]) -> dict[tuple[int, str], int]:
    found = db.session.execute(
        select(JobStageCount.job_id, JobStageCount.stage, JobStageCount.count).where(
            JobStageCount.job_id.in_(job_ids), JobStageCount.count > 0
        )
    )
    return {(job_id, stage): count for job_id, stage, count in found}


def _counts_match_a_recount(job_ids: list[int]) -> None:
    kept = _kept_counts(job_ids)
    stage_counts.rebuild(job_ids)
    assert kept == _kept_counts(job_ids)


def _emails(change_ids: list[int]) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.stage_change_id.in_(change_ids))))


def test_a_bulk_move_gives_each_application_its_history_row_email_and_count(factory):
    tenant = factory.tenant()
    job = tenant["job"]
    ids = rows.applications(job.id, 5)
    before = _state(ids)
    result = bulk.run(tenant["recruiter"], action="move", items=ids, to="screening", note="Good batch")
    db.session.commit()

    assert result.failed == [] and len(result.batch_id) == 32
    assert [(item.id, item.stage, item.version) for item in result.succeeded] == [
        (app_id, "screening", before[app_id][2] + 1) for app_id in ids
    ]
    assert _state(ids) == {app_id: ("screening", "screening", before[app_id][2] + 1) for app_id in ids}
    moves = [change for change in _history(ids) if change.batch_id is not None]
    assert sorted(change.application_id for change in moves) == ids  # one row each
    assert {(c.from_stage, c.to_stage, c.to_category, c.actor_id, c.note, c.batch_id) for c in moves} == {
        ("applied", "screening", "screening", tenant["recruiter"].id, "Good batch", result.batch_id)
    }
    assert sorted(item.change_id for item in result.succeeded) == sorted(change.id for change in moves)
    emails = _emails([change.id for change in moves])
    assert sorted(m.stage_change_id for m in emails) == sorted(c.id for c in moves)  # one email each
    addresses = {
        c.application_id: a.candidate.email for c in moves for a in [db.session.get(Application, c.application_id)]
    }
    assert {m.to_address for m in emails} == set(addresses.values())
    assert {m.kind for m in emails} == {"stage_screening"}
    assert _kept_counts([job.id]) == {(job.id, "screening"): 5}
    _counts_match_a_recount([job.id])


def test_each_refused_application_is_reported_and_left_alone(factory):
    ours, theirs = factory.tenant(), factory.tenant()
    job = ours["job"]
    custom = factory.job(ours["recruiter"], pipeline=CUSTOM)
    ok, stale = rows.applications(job.id, 2)
    (illegal,) = rows.applications(job.id, 1, stage="interview")
    (invalid,) = rows.applications(custom.id, 1)
    (foreign,) = rows.applications(theirs["job"].id, 1)
    unknown = 2_000_000_000
    everyone = [ok, stale, illegal, invalid, foreign]
    before = _state(everyone)
    items = [ok, (stale, before[stale][2] + 7), illegal, invalid, foreign, unknown]

    result = bulk.run(ours["recruiter"], action="move", items=items, to="screening")
    db.session.commit()

    assert [item.id for item in result.succeeded] == [ok]
    failed = {item.id: item.as_dict() for item in result.failed}
    assert [item.id for item in result.failed] == [stale, illegal, invalid, foreign, unknown]  # as given
    assert failed[stale] == {
        "id": stale, "code": "stale", "detail": bulk.STALE, "current_stage": "applied", "version": before[stale][2]
    }  # fmt: skip
    assert failed[illegal]["code"] == "illegal"
    assert failed[illegal]["current_stage"] == "interview"
    assert failed[illegal]["allowed"] == ["offer", "rejected", "withdrawn"]
    assert failed[invalid]["code"] == "invalid" and failed[invalid]["current_stage"] == "applied"
    assert "phone" in failed[invalid]["detail"]
    assert failed[foreign] == {"id": foreign, "code": "not_found", "detail": bulk.NOT_FOUND}
    assert failed[unknown] == {"id": unknown, "code": "not_found", "detail": bulk.NOT_FOUND}  # reads the same
    after = _state(everyone)
    assert {app_id: after[app_id] for app_id in everyone if app_id != ok} == {
        app_id: before[app_id] for app_id in everyone if app_id != ok
    }
    assert [c.application_id for c in _history(everyone) if c.batch_id] == [ok]
    _counts_match_a_recount([job.id, custom.id, theirs["job"].id])


def test_another_companys_applications_are_not_found_and_untouched(factory):
    ours, theirs = factory.tenant(), factory.tenant()
    ids = rows.applications(theirs["job"].id, 3)
    before, history, outbox = _state(ids), len(_history(ids)), db.session.scalar(select(func.count(OutboxMessage.id)))
    for action, extra in (("move", {"to": "screening"}), ("reject", {"reason": "No"}), ("note", {"note": "Hi"})):
        result = bulk.run(ours["admin"], action=action, items=ids, **extra)
        assert result.succeeded == [] and {f.code for f in result.failed} == {"not_found"}
    db.session.commit()
    assert _state(ids) == before and len(_history(ids)) == history
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == outbox
    assert db.session.scalar(select(func.count(Note.id))) == 0


def test_hiring_managers_and_candidates_may_not_move(factory):
    tenant = factory.tenant()
    ids = rows.applications(tenant["job"].id, 2)
    for action, extra in (("move", {"to": "screening"}), ("reject", {"reason": "No"})):
        with pytest.raises(Forbidden):
            bulk.run(tenant["hiring_manager"], action=action, items=ids, **extra)
        with pytest.raises(Forbidden):
            bulk.run(factory.candidate(), action=action, items=ids, **extra)
    with pytest.raises(Forbidden):  # only the candidate withdraws
        bulk.run(tenant["recruiter"], action="move", items=ids, to="withdrawn")
    assert {stage for stage, _, _ in _state(ids).values()} == {"applied"}


def test_hiring_managers_add_notes_one_row_each(factory):
    tenant, other = factory.tenant(), factory.tenant()
    ids = rows.applications(tenant["job"].id, 3)
    (foreign,) = rows.applications(other["job"].id, 1)
    manager = tenant["hiring_manager"]
    result = bulk.run(manager, action="note", items=[*ids, foreign], note="  Strong batch  ")
    db.session.commit()
    assert result.batch_id is None
    assert [item.id for item in result.succeeded] == ids
    assert [(f.id, f.code) for f in result.failed] == [(foreign, "not_found")]
    notes = db.session.scalars(select(Note).order_by(Note.application_id)).all()
    assert [(n.application_id, n.author_id, n.body) for n in notes] == [(i, manager.id, "Strong batch") for i in ids]
    assert applications.list_notes(manager, ids[0])[0].body == "Strong batch"
    with pytest.raises(ValidationFailed) as raised:
        bulk.run(manager, action="note", items=ids, note=" ")
    assert "note" in raised.value.errors


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"action": "archive", "items": [1]}, "action"),
        ({"action": "move", "items": [], "to": "screening"}, "ids"),
        ({"action": "move", "items": [1, 2, 1], "to": "screening"}, "ids"),
        ({"action": "move", "items": [1, (2, 3), "4"], "to": "screening"}, "ids"),
        ({"action": "move", "items": [True], "to": "screening"}, "ids"),
        ({"action": "move", "items": [2_147_483_648], "to": "screening"}, "ids"),
        ({"action": "move", "items": [1]}, "to"),
        ({"action": "move", "items": [1], "to": "Screening!"}, "to"),
        ({"action": "reject", "items": [1]}, "reason"),
        ({"action": "reject", "items": [1], "reason": "   "}, "reason"),
        ({"action": "move", "items": [1], "to": "rejected"}, "reason"),
        ({"action": "reject", "items": [1], "reason_id": 2_000_000_000}, "reason_id"),
        ({"action": "reject", "items": [1], "to": "screening", "reason": "No"}, "to"),
    ],
)
def test_bad_input_is_refused_whole(factory, kwargs, field):
    tenant = factory.tenant()
    ids = rows.applications(tenant["job"].id, 2)
    kwargs = {**kwargs, "items": [ids[0] if type(i) is int and i == 1 else i for i in kwargs["items"]]}
    with pytest.raises(ValidationFailed) as raised:
        bulk.run(tenant["recruiter"], **kwargs)
    assert field in raised.value.errors
    assert {stage for stage, _, _ in _state(ids).values()} == {"applied"}


def test_at_most_bulk_max_applications(app, factory):
    tenant = factory.tenant()
    ids = rows.applications(tenant["job"].id, 4)
    app.config["BULK_MAX"] = 3
    with pytest.raises(ValidationFailed) as raised:
        bulk.run(tenant["recruiter"], action="move", items=ids, to="screening")
    assert raised.value.errors == {"ids": ["At most 3 applications at once; 4 were given."]}
    assert len(bulk.run(tenant["recruiter"], action="move", items=ids[:3], to="screening").succeeded) == 3


def test_a_bulk_reject_with_a_reason_emails_each_and_is_undone_as_one_action(factory):
    tenant = factory.tenant()
    job, recruiter = tenant["job"], tenant["recruiter"]
    applied = rows.applications(job.id, 3)
    interviewed = rows.applications(job.id, 2, stage="interview")
    ids = applied + interviewed
    before = _state(ids)
    reason = rejection_reasons.list_reasons(recruiter)[0]
    result = bulk.run(recruiter, action="reject", items=ids, reason_id=reason.id, note="Private")
    assert [item.stage for item in result.succeeded] == ["rejected"] * 5
    moves = [c for c in _history(ids) if c.batch_id == result.batch_id]
    assert {(c.reason, c.reason_id, c.note, c.to_category) for c in moves} == {
        (reason.label, reason.id, "Private", "rejected")
    }
    emails = _emails([c.id for c in moves])
    assert len(emails) == 5 and {m.kind for m in emails} == {"stage_rejected"}
    # Each waits with its snapshot (rendered when it goes): no note, no reason in it.
    assert all(m.text_body is None for m in emails)
    snapshots = " ".join(f"{m.subject} {json.dumps(m.context)}" for m in emails)
    assert "Private" not in snapshots and reason.label not in snapshots
    _counts_match_a_recount([job.id])

    undone = bulk.undo_batch(recruiter, result.batch_id)  # the emails still wait
    db.session.commit()
    assert undone.failed == [] and undone.batch_id != result.batch_id
    assert sorted(item.id for item in undone.succeeded) == sorted(ids)
    after = _state(ids)
    assert {app_id: after[app_id][:2] for app_id in ids} == {app_id: before[app_id][:2] for app_id in ids}
    assert {m.status for m in _emails([c.id for c in moves])} == {"cancelled"}
    undos = [c for c in _history(ids) if c.batch_id == undone.batch_id]
    assert sorted(c.undo_of_id for c in undos) == sorted(c.id for c in moves)  # both stay on the record
    assert _kept_counts([job.id]) == {(job.id, "applied"): 3, (job.id, "interview"): 2}
    _counts_match_a_recount([job.id])
    with pytest.raises(NotFound):  # nothing left to undo in that batch... the undo itself is not a batch to undo
        bulk.undo_batch(recruiter, undone.batch_id)


def test_undo_reports_what_can_no_longer_be_undone(app, factory):
    tenant = factory.tenant()
    recruiter, admin = tenant["recruiter"], tenant["admin"]
    stranger = factory.tenant()["recruiter"]
    ids = rows.applications(tenant["job"].id, 3)
    result = bulk.run(recruiter, action="move", items=ids, to="screening")  # not committed: the emails wait
    applications.move_stage(admin, ids[1], "interview")  # something happened since
    db.session.execute(  # an email went out
        OutboxMessage.__table__.update()
        .where(OutboxMessage.stage_change_id == result.succeeded[2].change_id)
        .values(status="sent")
    )
    with pytest.raises(Forbidden):
        bulk.undo_batch(admin, result.batch_id)  # not theirs
    with pytest.raises(Forbidden):
        bulk.undo_batch(tenant["hiring_manager"], result.batch_id)
    with pytest.raises(NotFound):
        bulk.undo_batch(stranger, result.batch_id)  # another company: no such batch
    with pytest.raises(NotFound):
        bulk.undo_batch(recruiter, "not-a-batch")

    undone = bulk.undo_batch(recruiter, result.batch_id)
    assert [(item.id, item.stage) for item in undone.succeeded] == [(ids[0], "applied")]
    failed = {item.id: item for item in undone.failed}
    assert failed[ids[1]].code == "not_undoable" and "happened" in failed[ids[1]].detail
    assert failed[ids[1]].current_stage == "interview"
    assert failed[ids[2]].code == "not_undoable" and "emailed" in failed[ids[2]].detail
    db.session.commit()
    assert {app_id: stage for app_id, (stage, _, _) in _state(ids).items()} == {
        ids[0]: "applied", ids[1]: "interview", ids[2]: "screening"
    }  # fmt: skip


def test_undo_after_the_window_undoes_nothing(app, factory):
    tenant = factory.tenant()
    ids = rows.applications(tenant["job"].id, 2)
    result = bulk.run(tenant["recruiter"], action="move", items=ids, to="screening")
    app.config["UNDO_WINDOW_SECONDS"] = 0
    undone = bulk.undo_batch(tenant["recruiter"], result.batch_id)
    assert undone.succeeded == [] and {f.code for f in undone.failed} == {"not_undoable"}
    assert {stage for stage, _, _ in _state(ids).values()} == {"screening"}


def test_moves_follow_each_jobs_own_pipeline(factory):
    tenant = factory.tenant()
    nine = factory.job(tenant["recruiter"], pipeline=[{k: v for k, v in s.items()} for s in NINE_STAGES])
    standard = tenant["job"]
    in_nine = rows.applications(nine.id, 2, stage="screening")
    in_standard = rows.applications(standard.id, 2, stage="screening")
    result = bulk.run(tenant["recruiter"], action="move", items=in_nine + in_standard, to="phone_screen")
    assert [item.id for item in result.succeeded] == in_nine
    assert {f.code for f in result.failed} == {"invalid"}  # the standard pipeline has no phone screen
    moves = [c for c in _history(in_nine) if c.batch_id == result.batch_id]
    assert {c.to_category for c in moves} == {"screening"}
    assert _emails([c.id for c in moves]) == []  # same category: the candidate is not told
    result = bulk.run(tenant["recruiter"], action="move", items=in_nine + in_standard, to="interview")
    assert [item.id for item in result.succeeded] == in_standard  # the nine-stage job goes through take_home first
    illegal = {f.id: f for f in result.failed}
    assert illegal[in_nine[0]].code == "illegal" and illegal[in_nine[0]].allowed == [
        "take_home",
        "rejected",
        "withdrawn",
    ]
    _counts_match_a_recount([nine.id, standard.id])


def test_objects_already_in_the_session_read_the_new_stage(factory):
    tenant = factory.tenant()
    ids = rows.applications(tenant["job"].id, 2)
    held = db.session.get(Application, ids[0])
    version = held.version
    bulk.run(tenant["recruiter"], action="move", items=ids, to="screening")
    assert (held.stage, held.stage_category, held.version) == ("screening", "screening", version + 1)
    assert db.session.get(Application, ids[0]) is held
    moved = applications.move_stage(tenant["recruiter"], ids[0], "interview", expected_version=version + 1)
    db.session.commit()
    assert moved.stage == "interview" and _state([ids[0]])[ids[0]] == ("interview", "interview", version + 2)
    assert len(applications.history(tenant["recruiter"], ids[0])) == 3  # applied, the bulk move, this one


PER_CHUNK = 3  # the SELECT of the chunk, one UPDATE (one destination), the INSERT of its history rows


def test_statements_are_fixed_per_chunk_whatever_the_number(factory, count_statements):
    tenant = factory.tenant()
    recruiter_id, job_ids = tenant["recruiter"].id, [tenant["job"].id, factory.job(tenant["recruiter"]).id]
    one = rows.applications(job_ids[0], 1)
    hundred = rows.applications(job_ids[0], 100)
    many = rows.applications(job_ids[0], 200) + rows.applications(job_ids[1], 50)
    logs = []
    for ids in (one, hundred, many):
        db.session.expunge_all()
        actor = db.session.get(User, recruiter_id)
        with count_statements() as log:
            result = bulk.run(actor, action="move", items=ids, to="screening")
        assert len(result.succeeded) == len(ids)
        logs.append(log)
    # Per chunk of 100: PER_CHUNK; then one upsert of the counts per job, one INSERT of every email and one
    # of every event (webhooks and the event feed).
    assert logs[0].count == logs[1].count == PER_CHUNK + 1 + 1 + 1, logs[1].report()
    assert logs[2].count == 3 * PER_CHUNK + 2 + 1 + 1, logs[2].report()
    assert len(_emails([c.id for c in _history(many) if c.batch_id])) == 250
    _counts_match_a_recount(job_ids)


def test_a_reject_by_reason_id_and_notes_stay_fixed_too(factory, count_statements):
    tenant = factory.tenant()
    recruiter_id = tenant["recruiter"].id
    reason_id = rejection_reasons.list_reasons(tenant["recruiter"])[0].id
    ids = rows.applications(tenant["job"].id, 250)
    db.session.expunge_all()
    actor = db.session.get(User, recruiter_id)
    with count_statements() as log:
        bulk.run(actor, action="reject", items=ids, reason_id=reason_id)
    assert log.count == 1 + 3 * PER_CHUNK + 1 + 1 + 1, log.report()  # the reason's look-up first; the events
    with count_statements() as log:
        result = bulk.run(actor, action="note", items=ids, note="Seen")
    assert len(result.succeeded) == 250
    assert log.count == 3 + 1, log.report()  # a SELECT per chunk, one INSERT


def test_a_failure_half_way_leaves_nothing_half_done(app, factory, monkeypatch):
    tenant = factory.tenant()
    ids = rows.applications(tenant["job"].id, 150)
    before = _state(ids)
    calls = []

    def broken(job, pairs):
        calls.append(len(pairs))
        raise RuntimeError("the database went away")

    monkeypatch.setattr(stage_counts, "record_moves", broken)
    with pytest.raises(RuntimeError):
        bulk.run(tenant["recruiter"], action="move", items=ids, to="screening")
    db.session.rollback()  # what the request's commit hook does on an error
    assert calls == [150]
    assert _state(ids) == before
    assert not [c for c in _history(ids) if c.batch_id]


def _racing(who: str) -> None:
    db.session.info["who"] = who


def _at(state, who: str, what: str) -> bool:
    """The session of `who` is about to run `what`: "read" (its SELECT of applications) or "write"."""
    if state.session.info.get("who") != who:
        return False
    if what == "read":
        return state.is_select and state.bind_mapper is not None and state.bind_mapper.class_ is Application
    return state.is_update or state.is_insert


@pytest.mark.postgres
@pytest.mark.parametrize("first", ["bulk", "single"])
def test_a_bulk_move_racing_a_single_move_of_one_of_its_applications(app, factory, first):
    """`bulk`: the bulk holds its locked rows when the single move reads; `single`: the single
    move has written (not committed) when the bulk reads. Either way one move wins, once."""
    tenant = factory.tenant()
    job_id = tenant["job"].id
    ids = rows.applications(job_id, 5)
    contested = ids[2]
    recruiter_id, admin_id = tenant["recruiter"].id, tenant["admin"].id
    db.session.remove()
    results: dict[str, bulk.BulkResult] = {}

    def bulk_move() -> None:
        _racing("bulk")
        actor = db.session.get(User, recruiter_id)
        results["bulk"] = bulk.run(actor, action="move", items=ids, to="screening")

    def single_move() -> None:
        _racing("single")
        applications.move_stage(db.session.get(User, admin_id), contested, "screening")

    hold = {"bulk": {"bulk": "write", "single": "read"}, "single": {"bulk": "read", "single": "write"}}[first]
    outcomes = race(
        app,
        {"bulk": bulk_move, "single": single_move},
        hook="do_orm_execute",
        ready=lambda state: any(_at(state, who, what) for who, what in hold.items()),
        expected=Conflict,
    )
    moves = db.session.scalars(
        select(StageChange).where(StageChange.application_id == contested, StageChange.from_stage == "applied")
    ).all()
    assert len(moves) == 1  # exactly one of the two moved it
    final = db.session.get(Application, contested)
    assert (final.stage, final.version) == ("screening", 2)
    assert {stage for stage, _, _ in _state(ids).values()} == {"screening"}
    done = results["bulk"]
    assert [item.id for item in done.succeeded] == [i for i in ids if i != contested or moves[0].batch_id]
    if first == "bulk":
        assert moves[0].batch_id == done.batch_id
        assert outcomes in (["IllegalTransition", "ok"], ["StaleUpdate", "ok"])  # the single move lost
    else:  # the bulk waited for the single move's commit and found it moved
        assert moves[0].batch_id is None and outcomes == ["ok", "ok"]
        assert [(f.id, f.code, f.current_stage) for f in done.failed] == [(contested, "illegal", "screening")]
    _counts_match_a_recount([job_id])
    db.session.commit()
