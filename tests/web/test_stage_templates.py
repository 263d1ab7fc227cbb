"""Stage templates in the dashboard: staff read them; admins add, edit, reorder, make default and delete."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import StageTemplate
from app.services import pipelines
from tests.plugins.statements import BUDGET
from tests.web.conftest import csrf, login, post

BASE = "/dashboard/stage-templates"
ENGINEERING = [
    ("Applied", "applied"),
    ("Phone screen", "screening"),
    ("Take-home", "screening"),
    ("Onsite", "interview"),
    ("Offer", "offer"),
    ("Hired", "hired"),
]


def rows(stages, *, empty: int = 3, **fields) -> dict:
    """The editor's fields for these stages: (name, category[, extras]) in page order, then empty rows."""
    data: dict = {"name": "Engineering", **fields}
    for n, stage in enumerate(stages):
        name, category, *rest = stage
        extra = rest[0] if rest else {}
        data[f"stages-{n}-name"] = name
        data[f"stages-{n}-category"] = category
        data[f"stages-{n}-position"] = str(extra.get("position", n + 1))
        for flag in ("internal", "remove"):
            if extra.get(flag):
                data[f"stages-{n}-{flag}"] = "y"
        if extra.get("key"):
            data[f"stages-{n}-key"] = extra["key"]
        for setting in ("email", "email_template", "email_delay_minutes"):
            if setting in extra:
                data[f"stages-{n}-{setting}"] = str(extra[setting])
    for n in range(len(stages), len(stages) + empty):
        data.update({f"stages-{n}-name": "", f"stages-{n}-category": "", f"stages-{n}-position": str(n + 1)})
    return data


def value_of(html: str, name: str) -> str | None:
    """The value an input of the page holds."""
    match = re.search(rf'<input [^>]*name="{re.escape(name)}"[^>]*?(?: value="([^"]*)")?>', html)
    return None if match is None else (match.group(1) or "")


def _templates(world) -> list[StageTemplate]:
    db.session.expire_all()
    return pipelines.list_templates(world.admin)


def _shape(template: StageTemplate) -> list[tuple]:
    return [(s["name"], s["category"], s["internal"]) for s in template.stages]


def test_every_staff_member_reads_the_templates_the_default_first(world, as_user, app):
    extra = pipelines.create_template(world.admin, name="Aardvark", stages=[
        {"name": "In", "category": "applied"}, {"name": "Offer", "category": "offer"},
        {"name": "Hired", "category": "hired"}])  # fmt: skip
    db.session.commit()
    admin = as_user(world.admin).get(BASE).get_data(as_text=True)
    assert admin.index("Standard") < admin.index("Aardvark")  # the default first, whatever its name
    assert "New template" in admin and f"{BASE}/{extra.id}/delete" in admin
    assert 'href="/dashboard/stage-templates"' in admin  # in the staff navigation
    for member in (world.recruiter, world.hiring_manager):
        client = app.test_client()
        login(client, member)
        response = client.get(BASE)
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "Aardvark" in html and "Screening" in html
        assert "New template" not in html and "/delete" not in html and "Make default" not in html
        assert "Company admins can change these templates." in html


@pytest.mark.parametrize("who", ["recruiter", "hiring_manager"])
def test_only_admins_change_templates(world, as_user, who):
    standard = _templates(world)[0]
    client = as_user(getattr(world, who))
    assert client.get(f"{BASE}/new").status_code == 403
    assert client.get(f"{BASE}/{standard.id}").status_code == 403
    assert post(client, f"{BASE}/new", rows(ENGINEERING)).status_code == 403
    assert post(client, f"{BASE}/{standard.id}", rows(ENGINEERING, name="Changed")).status_code == 403
    assert post(client, f"{BASE}/{standard.id}/delete").status_code == 403
    assert [t.name for t in _templates(world)] == ["Standard"]


def test_candidates_and_visitors_are_kept_out(world, as_user, app):
    standard = _templates(world)[0]
    visitor = app.test_client()
    response = visitor.get(BASE)
    assert response.status_code == 302 and "/auth/login?next=" in response.headers["Location"]
    candidate = as_user(world.candidate)
    assert candidate.get(BASE).status_code == 403
    assert candidate.get(f"{BASE}/{standard.id}").status_code == 403
    assert post(candidate, f"{BASE}/{standard.id}/delete").status_code == 403


def test_another_companys_template_is_not_found(world, as_user):
    theirs = pipelines.list_templates(world.other_admin)[0]
    db.session.commit()
    client = as_user(world.admin)
    assert client.get(f"{BASE}/{theirs.id}").status_code == 404
    assert post(client, f"{BASE}/{theirs.id}", rows(ENGINEERING)).status_code == 404
    assert post(client, f"{BASE}/{theirs.id}/default").status_code == 404
    assert post(client, f"{BASE}/{theirs.id}/delete").status_code == 404
    assert "Other job" not in client.get(BASE).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(StageTemplate, theirs.id).name == "Standard"


def test_admin_adds_a_template_reordering_and_removing_rows_without_javascript(world, as_user):
    client = as_user(world.admin)
    page = client.get(f"{BASE}/new")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'name="csrf_token"' in html
    # It starts from the Standard stages, plus empty rows to add more; the rows work without a script.
    assert value_of(html, "stages-0-name") == "Applied" and value_of(html, "stages-4-name") == "Hired"
    assert value_of(html, "stages-7-name") == "" and value_of(html, "stages-8-name") is None
    assert "js/stage-rows.js" in html
    stages = [
        ("Applied", "applied"),
        ("Take-home", "screening", {"position": 3}),
        ("Phone screen", "screening", {"position": 2, "internal": True}),
        ("Reference check", "interview", {"remove": True}),
        ("Onsite", "interview", {"position": 4}),
        ("Offer", "offer", {"position": 5}),
        ("Hired", "hired", {"position": 6}),
    ]
    response = post(client, f"{BASE}/new", rows(stages, allow_skip="y"))
    assert response.status_code == 302, response.get_data(as_text=True)
    made = next(t for t in _templates(world) if t.name == "Engineering")
    assert _shape(made) == [
        ("Applied", "applied", False),
        ("Phone screen", "screening", True),
        ("Take-home", "screening", False),
        ("Onsite", "interview", False),
        ("Offer", "offer", False),
        ("Hired", "hired", False),
    ]
    assert [s["key"] for s in made.stages] == ["applied", "phone_screen", "take_home", "onsite", "offer", "hired"]
    assert made.allow_skip is True and made.is_default is False
    listed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "is added" in listed and "internal: candidates see “Screening”" in listed


def test_errors_are_shown_beside_the_rows_they_belong_to(world, as_user):
    client = as_user(world.admin)
    stages = [
        ("Applied", "applied", {"position": 1}),
        ("Offer", "offer", {"position": 4}),
        ("Phone screen", "", {"position": 2}),  # sent second: the service says stages.1.category
        ("", "interview", {"position": 3, "key": "onsite"}),  # a kept stage with its name cleared
        ("Hired", "hired", {"position": 5}),
    ]
    response = post(client, f"{BASE}/new", rows(stages, name=""))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="name-error"[^>]*>This field is required\.', html)
    assert re.search(r'id="stages-2-category-error"[^>]*>Must be one of: applied, screening', html)
    assert re.search(r'id="stages-3-name-error"[^>]*>A name of 1 to 60 characters is required\.', html)
    assert 'id="stages-1-category-error"' not in html and 'id="stages-0-name-error"' not in html
    # What was typed stays, the empty rows too.
    assert value_of(html, "stages-2-name") == "Phone screen" and value_of(html, "stages-7-name") == ""
    # The order rule, once every row is right, stands above the rows.
    wrong_order = [("Applied", "applied"), ("Offer", "offer"), ("Onsite", "interview"), ("Hired", "hired")]
    response = post(client, f"{BASE}/new", rows(wrong_order))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="stages-error"[^>]*>\s*<div>Stages must run in category order', html)
    assert [t.name for t in _templates(world)] == ["Standard"]


def test_values_the_database_cannot_hold_are_refused_beside_the_row(world, as_user):
    client = as_user(world.admin)
    stages = [("Applied", "applied"), ("Call\x00", "screening"), ("Offer", "offer", {"position": "9" * 40}),
              ("Hired", "hired")]  # fmt: skip
    response = post(client, f"{BASE}/new", rows(stages))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="stages-1-name-error"[^>]*>Contains a character that is not allowed\.', html)
    assert re.search(r'id="stages-2-position-error"[^>]*>Must be a number between', html)
    assert [t.name for t in _templates(world)] == ["Standard"]


def test_a_taken_name_and_a_stale_edit_are_refused_and_keep_the_input(world, as_user):
    client = as_user(world.admin)
    response = post(client, f"{BASE}/new", rows(ENGINEERING, name="standard"))
    assert response.status_code == 409
    assert re.search(r'id="name-error"[^>]*>Already used by another template\.', response.get_data(as_text=True))
    standard = _templates(world)[0]
    form = client.get(f"{BASE}/{standard.id}").get_data(as_text=True)
    read = str(standard.version)
    assert value_of(form, "version") == read
    pipelines.update_template(world.admin, standard.id, allow_skip=True)  # someone else saved meanwhile
    db.session.commit()
    stale = post(client, f"{BASE}/{standard.id}", rows(ENGINEERING, name="Renamed", version=read))
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "The template changed meanwhile" in html and 'value="Renamed"' in html
    assert _templates(world)[0].name == "Standard"


def test_admin_edits_makes_default_and_deletes(world, as_user):
    client = as_user(world.admin)
    post(client, f"{BASE}/new", rows(ENGINEERING))
    standard, engineering = _templates(world)
    form = client.get(f"{BASE}/{engineering.id}").get_data(as_text=True)
    assert value_of(form, "stages-1-key") == "phone_screen" and value_of(form, "name") == "Engineering"
    # Rename a stage: its key stays. Add one in an empty row.
    edited = [(name, category, {"key": key}) for (name, category), key in zip(
        ENGINEERING, ["applied", "phone_screen", "take_home", "onsite", "offer", "hired"], strict=True)]  # fmt: skip
    edited[1] = ("Recruiter call", "screening", {"key": "phone_screen"})
    edited.insert(4, ("Meet the team", "interview", {"position": 4}))
    for n, stage in enumerate(edited):
        stage[2]["position"] = n + 1
    data = rows(edited, name="Engineering roles", version=str(engineering.version))
    response = post(client, f"{BASE}/{engineering.id}", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    engineering = _templates(world)[1]
    assert engineering.name == "Engineering roles"
    assert [(s["key"], s["name"]) for s in engineering.stages][1] == ("phone_screen", "Recruiter call")
    assert [s["key"] for s in engineering.stages][4] == "meet_the_team"
    # The default cannot be deleted (no button, and the request is refused); another one can become it.
    assert post(client, f"{BASE}/{standard.id}/delete").status_code == 302
    assert len(_templates(world)) == 2
    assert "cannot be deleted" in client.get(BASE).get_data(as_text=True)
    assert post(client, f"{BASE}/{engineering.id}/default").status_code == 302
    first, second = _templates(world)
    assert (first.id, first.is_default, second.is_default) == (engineering.id, True, False)
    new_job = client.get("/dashboard/jobs/new").get_data(as_text=True)
    assert re.search(rf'<option selected value="{engineering.id}">Engineering roles \(default\)</option>', new_job)
    assert post(client, f"{BASE}/{standard.id}/delete").status_code == 302
    assert [t.name for t in _templates(world)] == ["Engineering roles"]


def test_forms_need_a_csrf_token(world, as_user):
    client = as_user(world.admin)
    response = client.post(f"{BASE}/new", data=rows(ENGINEERING))
    assert response.status_code == 400
    standard = _templates(world)[0]
    assert client.post(f"{BASE}/{standard.id}/delete", data={}).status_code == 400
    assert [t.name for t in _templates(world)] == ["Standard"]


def test_pages_stay_within_the_statement_budget(world, as_user, count_statements):
    client = as_user(world.admin)
    post(client, f"{BASE}/new", rows(ENGINEERING))
    template_id = _templates(world)[1].id
    token = csrf(client)
    db.session.remove()
    for method, url, data in (
        ("GET", BASE, None),
        ("GET", f"{BASE}/new", None),
        ("GET", f"{BASE}/{template_id}", None),
        ("POST", f"{BASE}/{template_id}", rows(ENGINEERING, name="Again")),
        ("POST", f"{BASE}/new", rows(ENGINEERING, name="Third")),
        ("POST", f"{BASE}/{template_id}/default", {}),
    ):
        with count_statements() as log:
            body = {"csrf_token": token, **data} if data is not None else None
            response = client.open(url, method=method, data=body)
        assert response.status_code in (200, 302), (url, response.status_code)
        assert log.count <= BUDGET, f"{method} {url}\n{log.report()}"
        db.session.remove()
