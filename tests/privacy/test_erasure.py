"""Erasure is complete: every column is declared, and after it nothing of the person is left anywhere."""

from __future__ import annotations

import pytest
from sqlalchemy import String, Text, select, text, update

from app.core.storage import get_storage
from app.errors import Conflict, Forbidden
from app.extensions import db
from app.models import Application, Candidate, OutboxMessage, StageChange
from app.services import analytics, erasure, personal_data
from app.services.anonymise import tombstone
from tests.privacy.conftest import EMAIL, NAME, NOTE_WORD, RESUME_WORD, make_person, pool_of

MARKERS = (NAME.split()[1].lower(), EMAIL.split("@")[0], RESUME_WORD, NOTE_WORD)


def test_every_text_column_of_every_model_is_declared_personal_or_not():
    assert personal_data.undeclared_columns() == []
    personal = set(personal_data.personal_columns())
    assert personal - set(personal_data.ERASURE) - set(personal_data.KEPT) == set()


def test_a_new_undeclared_column_is_caught(app):
    table = db.metadata.tables["notes"]
    column = db.Column("gossip", Text)
    table.append_column(column)
    try:
        assert "notes.gossip" in personal_data.undeclared_columns()
    finally:
        table._columns.remove(column)


def _traces(company_id: int | None = None) -> list[str]:
    """`table.column` of every text value anywhere that still holds one of the person's words."""
    found = []
    for table in db.metadata.sorted_tables:
        if table.name in personal_data.KEPT:
            continue
        for column in table.columns:
            if not personal_data._is_textual(column.type):
                continue
            for marker in MARKERS:
                like = f"%{marker}%"
                cast = db.cast(column, String) if not isinstance(column.type, String | Text) else column
                matching = select(db.func.count()).select_from(table).where(db.func.lower(cast).like(like))
                hit = db.session.scalar(matching)
                if hit:
                    found.append(f"{table.name}.{column.name}:{marker}")
    return sorted(set(found))


def test_after_erasure_no_word_of_the_person_is_left_anywhere(person):
    tenant, someone = person
    admin = tenant["admin"]
    _interviewed(tenant, someone)
    assert _traces(), "the fixture must leave traces to look for"
    assert get_storage().exists(someone.resume_key)
    before = analytics.funnel(admin, analytics.parse_filters({}))

    # A refused delivery quotes the address in its error.
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.application_id == someone.application_id)
        .values(last_error=f"550 <{EMAIL}>: no such user")
    )
    db.session.commit()
    assert "outbox_messages.last_error:" + EMAIL.split("@")[0] in _traces()

    erased = erasure.erase(admin, someone.candidate_id)
    db.session.commit()

    assert erased.applications == 1 and erased.files == 2
    assert _traces() == []
    assert not get_storage().exists(someone.resume_key)
    candidate = db.session.get(Candidate, someone.candidate_id)
    assert candidate.full_name == tombstone(candidate.id) and candidate.anonymised_at is not None
    # What analytics need stays: the application, its stage history, source and job; the funnel is unchanged.
    application = db.session.get(Application, someone.application_id)
    assert (application.source, application.job_id) == ("sourced", tenant["job"].id)
    assert db.session.scalar(select(db.func.count()).where(StageChange.application_id == application.id)) >= 1
    assert analytics.funnel(admin, analytics.parse_filters({})) == before
    assert db.session.scalars(select(OutboxMessage.status)).all()  # the rows stay, emptied


def test_erasure_in_one_company_leaves_the_same_person_elsewhere_alone(factory, person):
    tenant, someone = person
    other = factory.tenant()
    elsewhere = make_person(other)
    erasure.erase(tenant["admin"], someone.candidate_id)
    db.session.commit()
    kept = db.session.get(Candidate, elsewhere.candidate_id)
    assert (kept.full_name, kept.email, kept.anonymised_at) == (NAME, EMAIL, None)
    assert get_storage().exists(elsewhere.resume_key)
    assert db.session.get(Application, elsewhere.application_id).cover_letter is not None


def test_legal_hold_refuses_erasure_and_changes_nothing(person):
    tenant, someone = person
    admin = tenant["admin"]
    erasure.set_legal_hold(admin, someone.candidate_id, "Tribunal claim 2026/17")
    db.session.commit()
    with pytest.raises(Conflict, match="legal hold"):
        erasure.erase(admin, someone.candidate_id)
    db.session.rollback()
    assert db.session.get(Candidate, someone.candidate_id).full_name == NAME
    assert get_storage().exists(someone.resume_key)
    erasure.lift_legal_hold(admin, someone.candidate_id)
    erasure.erase(admin, someone.candidate_id)
    db.session.commit()
    with pytest.raises(Conflict, match="erased already"):
        erasure.erase(admin, someone.candidate_id)


def test_only_admins_of_the_company_erase(factory, person):
    tenant, someone = person
    with pytest.raises(Forbidden):
        erasure.erase(tenant["recruiter"], someone.candidate_id)
    from app.errors import NotFound

    with pytest.raises(NotFound):
        erasure.erase(factory.tenant()["admin"], someone.candidate_id)


def test_withdrawn_consent_leaves_pools_and_cancels_waiting_mail(person):
    tenant, someone = person
    pool_of(tenant, someone.candidate_id)
    erasure.withdraw_consent(tenant["recruiter"], someone.candidate_id)
    db.session.commit()
    from app.models import PoolMember

    assert db.session.scalar(select(db.func.count()).select_from(PoolMember)) == 0
    pending = db.session.execute(
        text("SELECT count(*) FROM outbox_messages WHERE application_id = :a AND status = 'pending'"),
        {"a": someone.application_id},
    ).scalar()
    assert pending == 0
    assert db.session.get(Candidate, someone.candidate_id).consent_withdrawn_at is not None


def test_erasing_a_kept_record_erases_the_records_merged_into_it(person):
    from app.services import merging

    tenant, someone = person
    twin = make_person(tenant, name=NAME, email="zenobia.q@elsewhere.example", job=_second_job(tenant))
    merging.merge(tenant["recruiter"], someone.candidate_id, twin.candidate_id)
    db.session.commit()
    erased = erasure.erase(tenant["admin"], someone.candidate_id)
    db.session.commit()
    assert erased.applications == 2 and erased.files == 4
    assert _traces() == []
    from app.models import CandidateMerge

    assert db.session.scalar(select(db.func.count()).select_from(CandidateMerge)) == 0


def _second_job(tenant):
    from tests.factories import Factory

    return Factory().job(tenant["recruiter"])


def _interviewed(tenant, someone) -> None:
    """An interview with the interviewers' notes, and feedback amended once (a revision), about the person."""
    from app.services import feedback, interviews

    interview = interviews.schedule(
        tenant["recruiter"],
        someone.application_id,
        starts_at="2030-03-01T10:00Z",
        ends_at="2030-03-01T11:00Z",
        timezone="UTC",
        title="Technical",
        interviewer_ids=[tenant["hiring_manager"].id],
        notes=f"Ask {NAME} about the {NOTE_WORD}",
    )
    interview.scorecard = [{"name": "Skills", "attributes": ["Python"]}]
    db.session.commit()
    manager = tenant["hiring_manager"]
    feedback.submit(manager, interview.id, ratings={"Skills/Python": 3}, recommendation="yes", notes=f"{NOTE_WORD}!")
    db.session.commit()
    feedback.amend(manager, interview.id, ratings={"Skills/Python": 4}, recommendation="yes", notes=f"{NOTE_WORD}!!")
    db.session.commit()
    from app.services import offers

    offers.create_offer(
        tenant["recruiter"],
        someone.application_id,
        salary_amount="1000",
        currency="EUR",
        start_date="2031-01-01",
        terms=f"Relocation for {NAME}",
    )
    db.session.commit()


def test_a_details_form_opened_before_the_erasure_cannot_write_the_person_back(person):
    from app.errors import StaleUpdate
    from app.services import candidate_profiles

    tenant, someone = person
    version = db.session.get(Candidate, someone.candidate_id).version
    erasure.erase(tenant["admin"], someone.candidate_id)
    db.session.commit()
    with pytest.raises(StaleUpdate):
        candidate_profiles.update(
            tenant["recruiter"], someone.candidate_id, expected_version=version, full_name=NAME, email=EMAIL
        )
    db.session.rollback()
    assert db.session.get(Candidate, someone.candidate_id).full_name == tombstone(someone.candidate_id)
