"""The pipeline board and the application page: moves, rejection with a reason, notes, filters, paging."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Application, OutboxMessage
from app.services import applications
from app.services.resumes import ResumeUpload
from tests.web.conftest import PDF, csrf, post


def _stage(application_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Application, application_id).stage


def _move(client, application, to, **extra):
    """Post the board's move menu, the candidate email already confirmed."""
    board = f"/dashboard/jobs/{application.job_id}"
    data = {"to": to, "version": str(application.version), "next": board, "confirm": "1", **extra}
    return post(client, f"/dashboard/applications/{application.id}/move", data)


def test_board_has_a_column_per_stage_and_cards_with_allowed_moves(world, as_user):
    html = as_user(world.recruiter).get(f"/dashboard/jobs/{world.job.id}").get_data(as_text=True)
    for label in ("Applied", "Screening", "Interview", "Offer", "Hired", "Rejected", "Withdrawn"):
        assert f'<h2 id="col-{label.lower()}">{label}</h2>' in html
    assert "Cara Candidate" in html
    menu = html[html.index(f'id="to-{world.application.id}"') :].split("</select>")[0]
    assert '<option value="screening">Screening</option>' in menu
    assert '<option value="rejected">Reject…</option>' in menu
    assert 'value="interview"' not in menu  # not allowed from applied
    assert f'<label class="visually-hidden" for="to-{world.application.id}">Move Cara Candidate to</label>' in html


def test_recruiter_moves_an_application_through_every_stage(world, as_user):
    client = as_user(world.recruiter)
    application = world.application
    for stage in ("screening", "interview", "offer", "hired"):
        db.session.refresh(application)
        response = _move(client, application, stage)
        assert response.status_code == 302
        assert response.headers["Location"] == f"/dashboard/jobs/{world.job.id}#application-{application.id}"
        assert _stage(application.id) == stage
    html = client.get(f"/dashboard/jobs/{world.job.id}").get_data(as_text=True)
    assert "Cara Candidate moved to Hired." in html
    history = [entry.to_stage for entry in applications.history(world.recruiter, application.id)]
    assert history == ["applied", "screening", "interview", "offer", "hired"]


def test_an_illegal_or_stale_move_is_refused_with_a_message(world, as_user):
    client = as_user(world.recruiter)
    response = _move(client, world.application, "offer")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Cannot move from applied to offer" in page
    assert _stage(world.application.id) == "applied"

    stale_version = world.application.version
    applications.move_stage(world.recruiter, world.application.id, "screening")  # someone else, meanwhile
    db.session.commit()
    data = {"to": "interview", "version": str(stale_version), "next": f"/dashboard/jobs/{world.job.id}", "confirm": "1"}
    response = post(client, f"/dashboard/applications/{world.application.id}/move", data)
    assert "changed meanwhile" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _stage(world.application.id) == "screening"


def test_move_redirects_only_to_this_site(world, as_user):
    client = as_user(world.recruiter)
    response = _move(client, world.application, "screening", next="https://evil.example/")
    assert response.headers["Location"] == f"/dashboard/applications/{world.application.id}"


def test_hiring_manager_cannot_move_or_reject(world, as_user):
    client = as_user(world.hiring_manager)
    assert _move(client, world.application, "screening").status_code == 403
    response = post(client, f"/dashboard/applications/{world.application.id}/reject", {"reason": "No"})
    assert response.status_code == 403
    assert _stage(world.application.id) == "applied"


def test_moves_need_csrf_and_another_companys_application_is_not_found(world, as_user):
    client = as_user(world.recruiter)
    url = f"/dashboard/applications/{world.application.id}/move"
    assert client.post(url, data={"to": "screening"}).status_code == 400
    assert _stage(world.application.id) == "applied"
    response = _move(client, world.other_application, "screening")
    assert response.status_code == 404
    assert _stage(world.other_application.id) == "applied"


def test_reject_asks_for_a_reason(world, as_user):
    client = as_user(world.recruiter)
    url = f"/dashboard/applications/{world.application.id}/reject"
    board = f"/dashboard/jobs/{world.job.id}"
    form = client.get(f"{url}?next={board}").get_data(as_text=True)
    assert "Reason for rejecting" in form and f'value="{board}"' in form

    response = post(client, url, {"reason": "   ", "version": str(world.application.version), "next": board})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="reason-error"' in html and "A reason is required to reject." in html
    assert _stage(world.application.id) == "applied"

    response = post(client, url, {"reason": "Needs more <b>Go</b> experience", "next": board})
    assert response.status_code == 302 and response.headers["Location"] == board
    assert _stage(world.application.id) == "rejected"
    page = client.get(f"/dashboard/applications/{world.application.id}").get_data(as_text=True)
    assert "Needs more &lt;b&gt;Go&lt;/b&gt; experience" in page  # staff see the reason, as text

    again = client.get(url)
    assert again.status_code == 302  # final now: nothing to reject


def test_filter_by_stage_and_page_a_column_with_a_cursor(world, as_user, factory):
    for n in range(55):
        factory.application(factory.candidate(f"Bulk {n:02d}"), world.job)
    client = as_user(world.recruiter)
    board = client.get(f"/dashboard/jobs/{world.job.id}").get_data(as_text=True)
    assert board.count('class="board-card"') == 10  # the first cards of each column
    assert 'Applied <span class="badge text-bg-light">56</span>' in board
    more = re.search(r'href="(/dashboard/jobs/\d+\?stage=applied&amp;cursor=[^"]+)"', board)
    assert more

    filtered = client.get(f"/dashboard/jobs/{world.job.id}?stage=applied").get_data(as_text=True)
    assert filtered.count('class="board-card"') == 50
    assert 'id="col-screening"' not in filtered
    next_url = re.search(r'href="(/dashboard/jobs/\d+\?stage=applied&amp;cursor=[^"]+)"', filtered).group(1)
    rest = client.get(next_url.replace("&amp;", "&")).get_data(as_text=True)
    assert rest.count('class="board-card"') == 6
    names = set(re.findall(r"Bulk \d\d", filtered)) | set(re.findall(r"Bulk \d\d", rest))
    assert len(names) == 55  # every card once, none twice


@pytest.mark.parametrize("query", ["stage=hired-ish", "cursor=abc", "stage=applied&cursor=%%%"])
def test_bad_board_filters_are_a_clear_4xx(world, as_user, query):
    response = as_user(world.recruiter).get(f"/dashboard/jobs/{world.job.id}?{query}")
    assert response.status_code == 422
    assert "not valid" in response.get_data(as_text=True)


def test_board_queries_do_not_grow_with_the_number_of_cards(world, as_user, factory, count_statements):
    """Counts come from the kept stage counts and every column's cards from one statement."""
    client = as_user(world.recruiter)
    url = f"/dashboard/jobs/{world.job.id}"
    client.get(url)
    with count_statements() as few:
        client.get(url)
    for n in range(12):
        application = factory.application(factory.candidate(f"More {n}"), world.job)
        if n % 2:
            applications.move_stage(world.recruiter, application.id, "screening")
    db.session.commit()
    with count_statements() as many:
        html = client.get(url).get_data(as_text=True)
    assert "More 11" in html
    assert many.count == few.count  # one more column has cards: still one statement for all of them
    assert not any("FROM applications" in s and "GROUP BY" in s for s in many.statements)  # nothing counted per view


def test_home_queries_do_not_grow_with_jobs_and_activity(world, as_user, factory, count_statements):
    client = as_user(world.admin)
    client.get("/dashboard/")
    with count_statements() as few:
        client.get("/dashboard/")
    for _ in range(5):
        job = factory.job(world.recruiter)
        factory.application(factory.candidate(), job)
    with count_statements() as many:
        client.get("/dashboard/")
    assert many.count == few.count


def test_application_page_shows_everything_escaped(world, as_user, factory):
    application = applications.apply(
        world.candidate,
        factory.job(world.recruiter, title="Second job").id,
        cover_letter="<script>alert('letter')</script>\nSecond line",
        resume=ResumeUpload("My CV.pdf", PDF),
        consent=True,
    )
    db.session.commit()
    client = as_user(world.hiring_manager)
    url = f"/dashboard/applications/{application.id}"
    html = client.get(url).get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;letter&#39;)&lt;/script&gt;\nSecond line" in html
    assert "<script>alert('letter')" not in html
    assert world.candidate.email in html
    with client.get(f"{url}/resume") as download:
        assert download.status_code == 200 and download.data == PDF
        assert 'filename="My CV.pdf"' in download.headers["Content-Disposition"]


def test_hiring_manager_adds_a_note_and_it_is_escaped(world, as_user):
    client = as_user(world.hiring_manager)
    url = f"/dashboard/applications/{world.application.id}"
    response = post(client, f"{url}/notes", {"body": "Great call.\n<script>alert('note')</script>"})
    assert response.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "Note added." in html
    assert "Great call.\n&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt;" in html
    assert world.hiring_manager.full_name in html

    response = post(client, f"{url}/notes", {"body": ""})
    assert response.status_code == 422
    assert 'id="body-error"' in response.get_data(as_text=True)
    token = csrf(client, url)
    assert client.post(f"{url}/notes", data={"body": "no token"}).status_code == 400
    assert client.post(f"{url}/notes", data={"body": "with token", "csrf_token": token}).status_code == 302


def test_notes_on_another_companys_application_are_not_found(world, as_user):
    client = as_user(world.other_admin)
    response = post(client, f"/dashboard/applications/{world.application.id}/notes", {"body": "Sneaky"})
    assert response.status_code == 404


def test_a_missing_resume_file_is_a_404_not_a_500(world, as_user, app):
    import os

    application = applications.apply(
        world.other_candidate, world.job.id, resume=ResumeUpload("cv.pdf", PDF), cover_letter="", consent=True
    )
    db.session.commit()
    os.remove(os.path.join(app.config["UPLOAD_DIR"], application.resume_key))
    response = as_user(world.recruiter).get(f"/dashboard/applications/{application.id}/resume")
    assert response.status_code == 404


def test_upload_larger_than_the_request_limit_is_a_friendly_413(make_app, app):
    from tests.factories import Factory
    from tests.web.conftest import login

    small = make_app(MAX_CONTENT_LENGTH=1024)
    with small.app_context():
        tenant = Factory().tenant()
        client = small.test_client()
        login(client, Factory().candidate())
        token = csrf(client, f"/jobs/{tenant['job'].id}")
        response = client.post(
            f"/jobs/{tenant['job'].id}/apply",
            data={"csrf_token": token, "resume": (io.BytesIO(PDF + b"0" * 4096), "cv.pdf")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 413
        assert "File too large" in response.get_data(as_text=True)


def test_the_reject_form_offers_to_undo_a_rejection_whose_email_still_waits(world, as_user, app):
    app.config["MAIL_REJECTION_DELAY"] = 3600
    client = as_user(world.recruiter)
    url = f"/dashboard/applications/{world.application.id}/reject"
    board = f"/dashboard/jobs/{world.job.id}"
    data = {"reason": "Position filled", "version": str(world.application.version), "next": board}
    response = post(client, url, data)
    assert response.status_code == 302 and _stage(world.application.id) == "rejected"
    page = client.get(board).get_data(as_text=True)
    flash = page[page.index("undo-flash") :].split("</div>")[0]
    assert "Cara Candidate&#39;s application is rejected." in flash
    assert f'action="/dashboard/applications/{world.application.id}/undo"' in flash

    change_id = re.search(r'name="change_id" value="(\d+)"', flash).group(1)
    undo = post(client, f"/dashboard/applications/{world.application.id}/undo", {"change_id": change_id, "next": board})
    assert undo.status_code == 302 and _stage(world.application.id) == "applied"
    statuses = db.session.scalars(
        select(OutboxMessage.status).where(OutboxMessage.application_id == world.application.id,
                                           OutboxMessage.kind == "stage_rejected")
    ).all()  # fmt: skip
    assert statuses == ["cancelled"]  # the waiting rejection email never leaves
