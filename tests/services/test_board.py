"""The board's read model: filters (stage, flagged, source, text), the list view's sorts and keyset pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.models import Application, OutboxMessage
from app.models.base import utcnow
from app.services import applications, board
from tests import bulk

CUSTOM = [
    {"name": "Applied", "category": "applied"},
    {"name": "Phone screen", "category": "screening"},
    {"name": "Take-home", "category": "screening"},
    {"name": "Technical interview", "category": "interview"},
    {"name": "Onsite", "category": "interview"},
    {"name": "Offer", "category": "offer"},
    {"name": "Hired", "category": "hired"},
]


@pytest.fixture
def people(factory):
    """A job with five applicants, one with LIKE wildcards in the name; the same names on another job."""
    tenant = factory.tenant()
    names = ["Ann 100% Fit", "Bob_Smith", "Carl Other", "dora explorer", "Ed Young"]
    made = {name: factory.application(factory.candidate(name), tenant["job"]) for name in names}
    other_job = factory.job(tenant["recruiter"], title="Second job")
    factory.application(factory.candidate("Ann 100% Fit"), other_job)
    other = factory.tenant()
    factory.application(factory.candidate("Bob_Smith"), other["job"])
    return tenant, made


def _names(cards) -> list[str]:
    return [card.name for card in cards]


def _board_names(result) -> set[str]:
    return {card.name for column in result.columns for card in column.cards}


def test_text_search_matches_name_or_email_literally_and_only_in_the_job(people):
    tenant, made = people
    recruiter, job_id = tenant["recruiter"], tenant["job"].id
    assert _board_names(board.board(recruiter, job_id, q="100%")) == {"Ann 100% Fit"}
    assert _board_names(board.board(recruiter, job_id, q="%")) == {"Ann 100% Fit"}  # not "anything"
    assert _board_names(board.board(recruiter, job_id, q="_")) == {"Bob_Smith"}  # not "any one character"
    assert _board_names(board.board(recruiter, job_id, q="DORA")) == {"dora explorer"}  # any case
    email = made["Ed Young"].candidate.email
    assert _board_names(board.board(recruiter, job_id, q=email.split("@")[0])) == {"Ed Young"}
    assert _board_names(board.board(recruiter, job_id, q="  ")) == set(made)  # blank: no filter
    found = board.board(recruiter, job_id, q="ann")
    assert found.counts == {"applied": 1}  # the other job's Ann is not counted


def test_filters_by_stage_source_and_knockout_flag(people):
    tenant, made = people
    recruiter, job_id = tenant["recruiter"], tenant["job"].id
    applications.move_stage(recruiter, made["Carl Other"].id, "screening")
    db.session.execute(update(Application).where(Application.id == made["Bob_Smith"].id).values(source="referral"))
    bulk.flags([made["Ed Young"].id, made["Carl Other"].id])
    db.session.commit()

    assert _board_names(board.board(recruiter, job_id, source="referral")) == {"Bob_Smith"}
    flagged = board.board(recruiter, job_id, flagged=True)
    assert _board_names(flagged) == {"Ed Young", "Carl Other"}
    assert flagged.counts == {"applied": 1, "screening": 1}
    flags = {card.name: card.flags for column in flagged.columns for card in column.cards}
    assert flags == {
        "Ed Young": [("Do you have a work permit?", "Answer is No")],
        "Carl Other": [("Do you have a work permit?", "Answer is No")],
    }
    both = board.board(recruiter, job_id, flagged=True, stage="screening")
    assert [column.stage for column in both.columns] == ["screening"]
    assert _board_names(both) == {"Carl Other"}
    assert both.matching == 1
    mixed = board.rows(recruiter, job_id, flagged=True, q="young", source="careers_page")
    assert _names(mixed.rows) == ["Ed Young"] and mixed.matching == 1


def test_cards_carry_days_in_stage_source_and_resume_marker(people):
    tenant, made = people
    ann = made["Ann 100% Fit"]
    db.session.execute(
        update(Application)
        .where(Application.id == ann.id)
        .values(stage_entered_at=utcnow() - timedelta(days=3, hours=2), resume_key="somekey")
    )
    db.session.commit()
    cards = {card.name: card for card in board.board(tenant["recruiter"], tenant["job"].id).columns[0].cards}
    assert cards["Ann 100% Fit"].days == 3 and cards["Ann 100% Fit"].has_resume
    assert cards["Bob_Smith"].days == 0 and not cards["Bob_Smith"].has_resume
    assert cards["Bob_Smith"].source == "careers_page"


def test_bad_filters_and_another_companys_job(people, factory):
    tenant, _ = people
    recruiter, job_id = tenant["recruiter"], tenant["job"].id
    for kwargs in (
        {"stage": "hired-ish"},
        {"source": "carrier-pigeon"},
        {"q": "x" * 101},
        {"q": "two\nlines"},
        {"cursor": "abc"},  # a board cursor needs its stage
    ):
        with pytest.raises(ValidationFailed):
            board.board(recruiter, job_id, **kwargs)
    for kwargs in ({"sort": "salary"}, {"direction": "sideways"}, {"sort": "name", "cursor": "bm90LWpzb24"}):
        with pytest.raises(ValidationFailed):
            board.rows(recruiter, job_id, **kwargs)
    with pytest.raises(NotFound):
        board.board(factory.tenant()["recruiter"], job_id)
    with pytest.raises(NotFound):
        board.rows(factory.tenant()["recruiter"], job_id)


def _all_pages(actor, job_id, **kwargs) -> list[str]:
    names, cursor = [], None
    for _ in range(20):
        page = board.rows(actor, job_id, limit=2, cursor=cursor, **kwargs)
        names += _names(page.rows)
        cursor = page.next_cursor
        if cursor is None:
            return names
    raise AssertionError("the pages never ended")


def test_list_view_sorts_and_pages_by_keyset(people):
    tenant, made = people
    recruiter, job_id = tenant["recruiter"], tenant["job"].id
    applications.move_stage(recruiter, made["Ed Young"].id, "screening")
    applications.move_stage(recruiter, made["Ed Young"].id, "interview")
    applications.move_stage(recruiter, made["Ann 100% Fit"].id, "screening")
    now = utcnow()
    for days, name in enumerate(["Carl Other", "Ann 100% Fit", "dora explorer", "Bob_Smith", "Ed Young"]):
        db.session.execute(
            update(Application)
            .where(Application.id == made[name].id)
            .values(stage_entered_at=now - timedelta(days=days))
        )
    db.session.commit()

    by_name = ["Ann 100% Fit", "Bob_Smith", "Carl Other", "dora explorer", "Ed Young"]  # case-insensitive
    assert _all_pages(recruiter, job_id, sort="name") == by_name
    assert _all_pages(recruiter, job_id, sort="name", direction="desc") == by_name[::-1]
    newest_first = list(made)[::-1]
    assert _all_pages(recruiter, job_id) == newest_first  # applied, newest first by default
    assert _all_pages(recruiter, job_id, sort="applied", direction="asc") == list(made)
    # Pipeline order, not alphabetical; ties by id.
    assert _all_pages(recruiter, job_id, sort="stage") == [
        "Bob_Smith", "Carl Other", "dora explorer", "Ann 100% Fit", "Ed Young"
    ]  # fmt: skip
    assert _all_pages(recruiter, job_id, sort="days") == [
        "Ed Young", "Bob_Smith", "dora explorer", "Ann 100% Fit", "Carl Other"
    ]  # fmt: skip  # longest in the stage first
    assert _all_pages(recruiter, job_id, sort="days", direction="asc") == [
        "Carl Other", "Ann 100% Fit", "dora explorer", "Bob_Smith", "Ed Young"
    ]  # fmt: skip
    assert _all_pages(recruiter, job_id, sort="name", stage="applied") == ["Bob_Smith", "Carl Other", "dora explorer"]


def test_a_custom_pipeline_board_has_its_own_columns_and_moves(factory):
    tenant = factory.tenant()
    job = factory.job(tenant["recruiter"], title="Platform Engineer", pipeline=CUSTOM)
    application = factory.application(factory.candidate("Pia Pipeline"), job)
    result = board.board(tenant["recruiter"], job.id)
    assert [column.label for column in result.columns] == [stage["name"] for stage in CUSTOM] + [
        "Rejected",
        "Withdrawn",
    ]
    first = result.columns[0]
    assert first.stage == "applied" and first.moves == ["phone_screen", "rejected"]
    assert result.can_move
    manager_view = board.board(tenant["hiring_manager"], job.id)
    assert not manager_view.can_move and manager_view.columns[0].moves == []

    # Entering the screening category emails the candidate; a second screening stage does not.
    email = board.email_for_move(tenant["recruiter"], application, "phone_screen")
    assert email is not None and email.to_address == application.candidate.email
    assert email.subject == "Your application for Platform Engineer is being reviewed"
    assert board.email_for_move(tenant["recruiter"], application, "onsite") is None  # not a legal move
    assert board.email_for_move(tenant["hiring_manager"], application, "phone_screen") is None  # not theirs
    assert board.email_for_move(tenant["recruiter"], application, "phone_screen", expected_version=99) is None
    result = board.move(tenant["recruiter"], application.id, "phone_screen")
    db.session.commit()
    assert result.from_stage == "applied" and result.change.to_stage == "phone_screen"
    assert result.undo is not None and result.undo.change_id == result.change.id
    assert board.email_for_move(tenant["recruiter"], application, "take_home") is None
    messages = db.session.scalars(
        db.select(OutboxMessage.kind).where(OutboxMessage.stage_change_id == result.change.id)
    ).all()
    assert messages == ["stage_screening"]
