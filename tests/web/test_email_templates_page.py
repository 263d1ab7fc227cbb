"""Email templates in the dashboard: the list, the editor with merge fields and line-numbered errors,
preview with a chosen application, reset; admins edit, other staff read."""

from __future__ import annotations

import html as html_lib
import re

import pytest

from app.extensions import db
from app.mail.default_templates import DEFAULTS
from app.services import email_templates, rejection_reasons
from tests.web.conftest import csrf, post

BASE = "/dashboard/email-templates"


def _form(**fields) -> dict:
    return {"subject": "Hello from {{ company.name }}", "text_body": "Hi {{ candidate.first_name }}", "html_body": "",
            "application_id": "", **fields}  # fmt: skip


def test_the_list_shows_every_email_and_links_to_each(world, as_user):
    client = as_user(world.hiring_manager)
    page = client.get(BASE)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for default in DEFAULTS.values():
        assert html_lib.escape(default.label) in text
    for reason in rejection_reasons.list_reasons(world.admin):
        assert html_lib.escape(f"Rejected: {reason.label}") in text
        assert f'href="{BASE}/stage_rejected.reason_{reason.id}"' in text
    assert "Your company's admins can change these emails." in text
    assert f'href="{BASE}"' in text  # the navigation link


def test_admin_edits_a_template_and_sees_it_in_effect(world, as_user):
    client = as_user(world.admin)
    editor = client.get(f"{BASE}/stage_interview").get_data(as_text=True)
    assert "The built-in default" in editor and "candidate.first_name" in editor  # merge fields beside the form
    assert html_lib.escape(DEFAULTS["stage_interview"].subject, quote=True) in editor
    saved = post(client, f"{BASE}/stage_interview", _form())
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"{BASE}/stage_interview")
    assert email_templates.effective(world.company.id, "stage_interview").subject == "Hello from {{ company.name }}"
    page = client.get(f"{BASE}/stage_interview").get_data(as_text=True)
    assert "Your company's own template" in page and "Reset to the default" in page
    assert "Yours" in client.get(BASE).get_data(as_text=True)


def test_problems_are_shown_beside_their_fields_with_line_numbers(world, as_user):
    client = as_user(world.admin)
    response = post(
        client,
        f"{BASE}/stage_offer",
        _form(
            subject="{{ job.title }", text_body="Hello\r\n\r\n{{ candidate.age }}", html_body="<p>{{ x.__class__ }}</p>"
        ),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    errors = re.findall(r'id="([a-z_]+)-error" class="invalid-feedback d-block">([^<]*)<', page)
    assert dict(errors) == {
        "subject": "Line 1: unexpected &#39;}&#39;",
        "text_body": "Line 3: candidate.age is not a merge field.",
        "html_body": "Line 1: x.__class__ is not a merge field.",
    }
    # What was typed stays in the form, escaped.
    assert "&lt;p&gt;{{ x.__class__ }}&lt;/p&gt;" in page
    assert email_templates.get_template(world.admin, "stage_offer").custom is False


def test_preview_with_a_chosen_application_shows_the_unsaved_draft(world, as_user):
    client = as_user(world.recruiter)
    editor = client.get(f"{BASE}/stage_interview").get_data(as_text=True)
    assert f'<option value="{world.application.id}">Cara Candidate · {world.job.title}</option>' in editor
    assert f'value="{world.other_application.id}"' not in editor
    response = post(
        client,
        f"{BASE}/stage_interview/preview",
        _form(
            subject="Interview for {{ job.title }}",
            text_body="Dear {{ candidate.full_name }},\n{{ stage.name }}",
            html_body="<p>{{ candidate.full_name }} <script>alert(1)</script></p>",
            application_id=str(world.application.id),
        ),
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f"Interview for {world.job.title}" in page
    assert "Dear Cara Candidate,\nInterview" in page
    # The HTML email sits in a sandboxed frame, escaped into its srcdoc attribute.
    frame = re.search(r'<iframe[^>]*sandbox=""[^>]*srcdoc="([^"]*)"', page)
    assert frame and "&lt;script&gt;alert(1)&lt;/script&gt;" in frame.group(1)
    assert "<script>alert(1)</script>" not in page
    assert email_templates.get_template(world.admin, "stage_interview").custom is False  # nothing saved


def test_preview_refuses_another_companys_application(world, as_user):
    client = as_user(world.admin)
    response = post(client, f"{BASE}/stage_offer/preview", _form(application_id=str(world.other_application.id)))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Not an application of your company." in page and "Olga Other" not in page


def test_reset_goes_back_to_the_default(world, as_user):
    email_templates.save_template(world.admin, "stage_hired", subject="Mine", text_body="Mine")
    db.session.commit()
    client = as_user(world.admin)
    response = post(client, f"{BASE}/stage_hired/reset")
    assert response.status_code == 302
    assert email_templates.effective(world.company.id, "stage_hired").subject == DEFAULTS["stage_hired"].subject
    assert "Back to the default template." in client.get(f"{BASE}/stage_hired").get_data(as_text=True)


@pytest.mark.parametrize("role", ["recruiter", "hiring_manager"])
def test_other_staff_read_and_preview_but_cannot_save_or_reset(world, as_user, role):
    client = as_user(world.user(role))
    page = client.get(f"{BASE}/stage_offer").get_data(as_text=True)
    assert "admins can change it" in page and "readonly" in page and 'value="Save"' not in page
    assert post(client, f"{BASE}/stage_offer", _form()).status_code == 403
    assert post(client, f"{BASE}/stage_offer/reset").status_code == 403
    assert email_templates.get_template(world.admin, "stage_offer").custom is False


def test_forms_need_their_csrf_token(world, as_user):
    client = as_user(world.admin)
    csrf(client)
    assert client.post(f"{BASE}/stage_offer", data=_form()).status_code in (400, 422)
    assert client.post(f"{BASE}/stage_offer/reset").status_code in (302, 400)
    assert email_templates.get_template(world.admin, "stage_offer").custom is False


def test_another_companys_reason_and_unknown_keys_are_not_found(world, as_user):
    theirs = rejection_reasons.list_reasons(world.other_admin)[0]
    client = as_user(world.admin)
    for key in (f"stage_rejected.reason_{theirs.id}", "password_reset", "nope"):
        assert client.get(f"{BASE}/{key}").status_code == 404
        assert post(client, f"{BASE}/{key}", _form()).status_code == 404


def test_candidates_and_visitors_are_kept_out(world, as_user, client):
    assert client.get(BASE).status_code == 302  # to sign in
    assert as_user(world.candidate).get(BASE).status_code == 403
