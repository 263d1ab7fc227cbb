"""Two requests naming the same new tag at the same moment, on two real PostgreSQL connections."""

import pytest
from sqlalchemy import func, select

from app.errors import Conflict
from app.extensions import db
from app.models import CandidateTag, Tag, User
from app.services import tags
from tests.racing import race

pytestmark = pytest.mark.postgres


def test_two_requests_adding_the_same_new_tag_make_one_tag_and_both_tag(app, factory):
    tenant = factory.tenant()
    first = factory.application(factory.candidate(), tenant["job"]).candidate_id
    second = factory.application(factory.candidate(), tenant["job"]).candidate_id
    recruiter_id, admin_id = tenant["recruiter"].id, tenant["admin"].id
    company_id = tenant["job"].company_id
    db.session.commit()
    db.session.remove()

    def add(user_id: int, candidate_id: int, name: str):
        return lambda: tags.tag_candidate(db.session.get(User, user_id), candidate_id, name)

    # Both have looked the name up (no such tag yet) and now insert it together.
    outcomes = race(
        app,
        {"a": add(recruiter_id, first, "rust"), "b": add(admin_id, second, "Rust")},
        hook="do_orm_execute",
        ready=lambda state: state.is_insert,
        expected=Conflict,
    )
    assert outcomes == ["ok", "ok"]
    (tag,) = db.session.scalars(select(Tag).where(Tag.company_id == company_id))
    assert tag.key == "rust"
    carried = db.session.scalars(select(CandidateTag.candidate_id).where(CandidateTag.tag_id == tag.id))
    assert sorted(carried) == sorted([first, second])


def test_two_creations_of_the_same_tag_make_one_and_a_conflict(app, factory):
    tenant = factory.tenant()
    recruiter_id, admin_id = tenant["recruiter"].id, tenant["admin"].id
    company_id = tenant["job"].company_id
    db.session.commit()
    db.session.remove()

    def create(user_id: int, name: str):
        return lambda: tags.create_tag(db.session.get(User, user_id), name=name)

    outcomes = race(
        app,
        {"a": create(recruiter_id, "Go"), "b": create(admin_id, "go")},
        hook="do_orm_execute",
        ready=lambda state: state.is_insert,
        expected=Conflict,
    )
    assert outcomes == ["Conflict", "ok"]
    assert db.session.scalar(select(func.count()).select_from(Tag).where(Tag.company_id == company_id)) == 1


def test_two_renames_to_the_same_name_make_one_rename_and_a_conflict(app, factory):
    tenant = factory.tenant()
    recruiter_id, admin_id = tenant["recruiter"].id, tenant["admin"].id
    first = tags.create_tag(tenant["recruiter"], name="Golang").id
    second = tags.create_tag(tenant["recruiter"], name="Go lang").id
    db.session.commit()
    db.session.remove()

    def rename(user_id: int, tag_id: int):
        return lambda: tags.update_tag(db.session.get(User, user_id), tag_id, name="Go")

    outcomes = race(
        app,
        {"a": rename(recruiter_id, first), "b": rename(admin_id, second)},
        hook="do_orm_execute",
        ready=lambda state: state.is_select and "tags.key =" in str(state.statement),
        expected=Conflict,
    )
    assert outcomes == ["Conflict", "ok"]
    names = sorted(db.session.scalars(select(Tag.name).where(Tag.id.in_([first, second]))))
    assert names in (["Go", "Go lang"], ["Go", "Golang"])
