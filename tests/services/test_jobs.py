import pytest

from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.services import jobs


def test_recruiter_and_admin_create_jobs_in_their_own_company(db, factory):
    tenant = factory.tenant()
    for role in ("recruiter", "admin"):
        job = jobs.create_job(tenant[role], title=f"By {role}")
        assert job.company_id == tenant["company"].id and job.status == "draft"


def test_company_cannot_be_chosen_by_the_caller(db, factory):
    tenant = factory.tenant()
    with pytest.raises(ValidationFailed) as info:
        jobs.create_job(tenant["recruiter"], title="X", company_id=12345)
    assert "company_id" in info.value.errors


@pytest.mark.parametrize("role", ["hiring_manager"])
def test_hiring_manager_cannot_create_or_edit_jobs(db, factory, role):
    tenant = factory.tenant()
    with pytest.raises(Forbidden):
        jobs.create_job(tenant[role], title="X")
    with pytest.raises(Forbidden):
        jobs.update_job(tenant[role], tenant["job"].id, title="Y")


def test_candidate_cannot_create_jobs(db, factory):
    with pytest.raises(Forbidden):
        jobs.create_job(factory.candidate(), title="X")


def test_drafts_are_invisible_outside_the_company(db, factory):
    tenant = factory.tenant()
    draft = factory.job(tenant["recruiter"], status="draft")
    other = factory.tenant()
    assert jobs.get_job(tenant["hiring_manager"], draft.id).id == draft.id
    for viewer in (None, factory.candidate(), other["admin"]):
        with pytest.raises(NotFound):
            jobs.get_job(viewer, draft.id)
    with pytest.raises(NotFound):
        jobs.update_job(other["recruiter"], draft.id, title="Hijack")


def test_open_job_of_another_company_is_visible_but_not_editable(db, factory):
    tenant = factory.tenant()
    other = factory.tenant()
    assert jobs.get_job(other["recruiter"], tenant["job"].id).id == tenant["job"].id
    with pytest.raises(Forbidden):
        jobs.update_job(other["recruiter"], tenant["job"].id, title="Hijack")


def test_open_and_close(db, factory):
    tenant = factory.tenant()
    job = factory.job(tenant["recruiter"], status="draft")
    jobs.set_job_status(tenant["recruiter"], job.id, "open")
    assert job.status == "open" and job.opened_at is not None
    jobs.set_job_status(tenant["admin"], job.id, "closed")
    assert job.status == "closed" and job.closed_at is not None


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "T", "employment_type": "forever"}, "employment_type"),
        ({"title": "T", "status": "archived"}, "status"),
        ({"title": "T", "salary_min": 10, "salary_max": 5}, "salary_max"),
        ({"title": "T", "salary_min": -1}, "salary_min"),
        ({"title": "T", "salary_max": 2_000_000_001}, "salary_max"),
        ({"title": "T", "salary_currency": "EURO"}, "salary_currency"),
        ({"title": "T", "remote": "yes"}, "remote"),
    ],
)
def test_job_validation(db, factory, fields, bad):
    tenant = factory.tenant()
    with pytest.raises(ValidationFailed) as info:
        jobs.create_job(tenant["recruiter"], **fields)
    assert bad in info.value.errors


def test_delete_only_without_applications(db, factory):
    tenant = factory.tenant()
    empty = factory.job(tenant["recruiter"], status="draft")
    jobs.delete_job(tenant["recruiter"], empty.id)
    factory.application(factory.candidate(), tenant["job"])
    with pytest.raises(Conflict):
        jobs.delete_job(tenant["recruiter"], tenant["job"].id)


def test_public_list_shows_open_jobs_of_every_company_with_filters(db, factory):
    a = factory.tenant()
    b = factory.tenant()
    factory.job(a["recruiter"], status="draft", title="Hidden draft")
    remote = factory.job(b["recruiter"], title="Remote Python developer", remote=True, location="Berlin")
    page = jobs.list_jobs(None)
    titles = {job.title for job in page.items}
    assert "Hidden draft" not in titles
    assert {a["job"].title, b["job"].title, remote.title} <= titles
    assert [j.id for j in jobs.list_jobs(None, q="python").items] == [remote.id]
    assert [j.id for j in jobs.list_jobs(None, remote=True).items] == [remote.id]
    assert [j.id for j in jobs.list_jobs(None, location="berl").items] == [remote.id]
    assert {j.id for j in jobs.list_jobs(None, company_id=a["company"].id).items} == {a["job"].id}
    assert jobs.list_jobs(None, q="100%_").items == []


def test_staff_list_own_drafts_only(db, factory):
    a = factory.tenant()
    b = factory.tenant()
    draft_a = factory.job(a["recruiter"], status="draft")
    factory.job(b["recruiter"], status="draft")
    assert [j.id for j in jobs.list_jobs(a["hiring_manager"], status="draft").items] == [draft_a.id]
    with pytest.raises(Forbidden):
        jobs.list_jobs(factory.candidate(), status="draft")


def test_keyset_pagination_walks_every_job_once(db, factory):
    tenant = factory.tenant()
    for n in range(7):
        factory.job(tenant["recruiter"], title=f"Paged {n}")
    seen, cursor = [], None
    while True:
        page = jobs.list_jobs(None, limit=3, cursor=cursor, q="Paged")
        seen.extend(j.id for j in page.items)
        cursor = page.next_cursor
        if not cursor:
            break
    assert len(seen) == 7 == len(set(seen))
    assert seen == sorted(seen, reverse=True)


@pytest.mark.parametrize(("limit", "cursor"), [(0, None), (101, None), (10, "garbage!"), (10, "aWQ6eA")])
def test_bad_page_parameters(db, limit, cursor):
    with pytest.raises(ValidationFailed):
        jobs.list_jobs(None, limit=limit, cursor=cursor)
