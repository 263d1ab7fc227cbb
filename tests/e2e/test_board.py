"""The pipeline board in a real Chromium: drag and drop, the undo toast, the keyboard menu, the email
confirmation, and a phone-width board that scrolls its columns inside itself, never the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from app.extensions import db
from app.models import Application, StageChange
from app.services import applications, rejection_reasons
from tests.e2e.test_hiring_flow import sign_in

pytestmark = pytest.mark.browser

NINE_STAGES = [
    {"name": "Applied", "category": "applied"},
    {"name": "Phone screen", "category": "screening"},
    {"name": "Take-home", "category": "screening"},
    {"name": "Technical interview", "category": "interview"},
    {"name": "Onsite", "category": "interview"},
    {"name": "Offer", "category": "offer"},
    {"name": "Hired", "category": "hired"},
]


def _stage(application_id: int) -> str:
    db.session.expire_all()
    stage = db.session.scalar(select(Application.stage).where(Application.id == application_id))
    db.session.remove()
    return stage


def _setup(factory, names, *, pipeline=None, title="Site Reliability Engineer"):
    tenant = factory.tenant()
    fields = {"pipeline": pipeline} if pipeline else {}
    job = factory.job(tenant["recruiter"], title=title, **fields)
    made = [factory.application(factory.candidate(name), job) for name in names]
    ids = [application.id for application in made]
    emails = [application.candidate.email for application in made]
    recruiter = tenant["recruiter"]
    return tenant, job.id, ids, emails, recruiter


def _card(page: Page, application_id: int):
    return page.locator(f"#application-{application_id}")


def test_drag_a_card_to_the_next_column_then_undo_it_from_the_toast(factory, new_page, page_errors):
    _tenant, job_id, (eve_id, _), (eve_email, _), recruiter = _setup(
        factory, ["Eve Example", "Sam Second"], pipeline=NINE_STAGES, title="Site Reliability Engineer"
    )
    recruiter_email = recruiter.email
    db.session.remove()

    page = new_page()
    sign_in(page, recruiter_email)
    page.goto(f"/dashboard/jobs/{job_id}")
    card = _card(page, eve_id)
    toast = page.locator("#board-toast")
    expect(page.locator("[data-drop=applied]")).to_contain_text("Eve Example")

    # Applied to Phone screen enters the screening category: the candidate is emailed, so it asks first.
    card.locator(".card-meta").drag_to(page.locator("[data-drop=phone_screen]"))
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Moving Eve Example to Phone screen emails them.")
    expect(dialog.locator(".confirm-to")).to_have_text(f"Eve Example <{eve_email}>")
    expect(dialog.locator(".confirm-subject")).to_have_text(
        "Your application for Site Reliability Engineer is being reviewed"
    )
    dialog.get_by_role("button", name="Move and send email").click()
    expect(toast).to_contain_text("Eve Example moved to Phone screen.")
    expect(page.locator("[data-drop=phone_screen]")).to_contain_text("Eve Example")
    expect(page.locator(".board-column[data-stage=phone_screen] [data-column-count]")).to_have_text("1")
    expect(page.locator(".board-column[data-stage=applied] [data-column-count]")).to_have_text("1")
    assert _stage(eve_id) == "phone_screen"  # in the database, not just on the page
    # Here the email goes out at once (no queue), so the move can no longer be taken back: the toast says why.
    toast.get_by_role("button", name="Undo").click()
    expect(toast).to_contain_text("already been emailed about this move")
    assert _stage(eve_id) == "phone_screen"

    # Phone screen to Take-home stays in the screening category: no email, no question, and undo works.
    card.locator(".card-meta").drag_to(page.locator("[data-drop=take_home]"))
    expect(toast).to_contain_text("Eve Example moved to Take-home.")
    expect(page.locator("[data-drop=take_home]")).to_contain_text("Eve Example")
    assert _stage(eve_id) == "take_home"
    toast.get_by_role("button", name="Undo").click()
    expect(toast).to_contain_text("Undone: Eve Example is back in Phone screen.")
    expect(page.locator("[data-drop=phone_screen]")).to_contain_text("Eve Example")
    expect(page.locator("[data-drop=take_home]")).not_to_contain_text("Eve Example")
    expect(page.locator(".board-column[data-stage=take_home] [data-column-count]")).to_have_text("0")
    assert _stage(eve_id) == "phone_screen"
    undone = db.session.scalars(select(StageChange.undo_of_id).where(StageChange.application_id == eve_id)).all()
    db.session.remove()
    assert undone[-1] is not None  # the move and its undo both stay in the history

    # A drop the card's moves do not allow is refused on the page: it stays where it was.
    card.locator(".card-meta").drag_to(page.locator("[data-drop=offer]"))
    expect(page.locator("[data-drop=phone_screen]")).to_contain_text("Eve Example")
    expect(page.locator("[data-drop=offer]")).not_to_contain_text("Eve Example")
    assert _stage(eve_id) == "phone_screen"
    assert page_errors == []  # no script errors, nothing refused by the Content-Security-Policy


def test_a_conflicting_drop_snaps_back_with_the_message(factory, new_page, page_errors):
    _tenant, job_id, (eve_id,), _, recruiter = _setup(
        factory, ["Eve Example"], pipeline=NINE_STAGES, title="Platform Engineer"
    )
    applications.move_stage(recruiter, eve_id, "phone_screen")
    db.session.commit()
    recruiter_email = recruiter.email
    db.session.remove()

    page = new_page()
    sign_in(page, recruiter_email)
    page.goto(f"/dashboard/jobs/{job_id}")
    # Someone else moves the application meanwhile: the page still holds the old version.
    db.session.execute(update(Application).where(Application.id == eve_id).values(version=Application.version + 1))
    db.session.commit()
    db.session.remove()
    _card(page, eve_id).locator(".card-meta").drag_to(page.locator("[data-drop=take_home]"))
    expect(page.locator("#board-toast")).to_contain_text("changed meanwhile")
    expect(page.locator("[data-drop=phone_screen]")).to_contain_text("Eve Example")
    expect(page.locator("[data-drop=take_home]")).not_to_contain_text("Eve Example")
    assert _stage(eve_id) == "phone_screen"
    assert [e for e in page_errors if "409" not in e] == []


def test_keyboard_only_move_through_the_menu(factory, new_page, page_errors):
    """Phone screen to Take-home: both screening stages, so no email and no confirmation."""
    _tenant, job_id, (pia_id,), _, recruiter = _setup(
        factory, ["Pia Pipeline"], pipeline=NINE_STAGES, title="Platform Engineer"
    )
    applications.move_stage(recruiter, pia_id, "phone_screen")
    db.session.commit()
    recruiter_email = recruiter.email
    db.session.remove()

    page = new_page()
    sign_in(page, recruiter_email)
    page.goto(f"/dashboard/jobs/{job_id}")
    page.locator(f"#application-{pia_id} .card-name").focus()  # the card's name link, as Tab reaches it
    page.keyboard.press("Tab")
    expect(page.locator(f"#application-{pia_id} summary")).to_be_focused()
    page.keyboard.press("Enter")  # opens the menu
    page.keyboard.press("Tab")
    expect(page.locator(f"#to-{pia_id}")).to_be_focused()
    expect(page.locator(f"#to-{pia_id}")).to_have_value("take_home")  # the next stage comes first
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#board-toast")).to_contain_text("Pia Pipeline moved to Take-home.")
    expect(page.locator("[data-drop=take_home]")).to_contain_text("Pia Pipeline")
    expect(page.locator(f"#application-{pia_id} summary")).to_be_focused()  # still on the card
    assert _stage(pia_id) == "take_home"
    assert page_errors == []


def test_the_offer_asks_for_confirmation_showing_the_email(factory, new_page, page_errors):
    _tenant, job_id, (ola_id,), (ola_email,), recruiter = _setup(factory, ["Ola Offer"], title="Data Engineer")
    for stage in ("screening", "interview"):
        applications.move_stage(recruiter, ola_id, stage)
    db.session.commit()
    recruiter_email = recruiter.email
    db.session.remove()

    page = new_page()
    sign_in(page, recruiter_email)
    page.goto(f"/dashboard/jobs/{job_id}")
    card = _card(page, ola_id)
    card.locator("summary").click()
    card.get_by_label("Move Ola Offer to").select_option("offer")
    card.get_by_role("button", name="Move", exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog.locator(".confirm-subject")).to_have_text("Good news about your application for Data Engineer")
    expect(dialog.locator(".confirm-to")).to_have_text(f"Ola Offer <{ola_email}>")
    dialog.get_by_role("button", name="Cancel").click()
    expect(page.locator("#board-toast")).to_contain_text("Not moved")
    expect(page.locator("[data-drop=interview]")).to_contain_text("Ola Offer")
    assert _stage(ola_id) == "interview"

    card.get_by_role("button", name="Move", exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name="Move and send email").click()
    expect(page.locator("[data-drop=offer]")).to_contain_text("Ola Offer")
    assert _stage(ola_id) == "offer"
    assert page_errors == []


def test_phone_width_pages_do_not_pan_sideways(factory, browser, live_server, page_errors):
    names = [f"Person {n:02d} With A Rather Long Name" for n in range(6)]
    tenant, job_id, ids, _, recruiter = _setup(
        factory, names, pipeline=NINE_STAGES, title="A job title long enough to wrap on a phone screen"
    )
    applications.move_stage(recruiter, ids[0], "phone_screen")
    db.session.commit()
    admin_email = tenant["admin"].email
    db.session.remove()

    context = browser.new_context(base_url=live_server, viewport={"width": 375, "height": 812}, is_mobile=True)
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        sign_in(page, admin_email)  # an admin sees every staff page
        pages = [
            f"/dashboard/jobs/{job_id}",
            f"/dashboard/jobs/{job_id}?view=list",
            f"/dashboard/jobs/{job_id}?stage=applied&q=person",
            "/dashboard/",
            "/dashboard/jobs",
            f"/dashboard/applications/{ids[0]}",
            f"/dashboard/applications/{ids[1]}/reject",
            f"/dashboard/jobs/{job_id}/edit",
            f"/dashboard/jobs/{job_id}/questions",
            f"/dashboard/jobs/{job_id}/candidates/new",
            "/dashboard/jobs/new",
            "/dashboard/team",
            "/dashboard/company",
            "/dashboard/privacy-notice",
            "/dashboard/mail",
        ]
        for url in pages:
            page.goto(url)
            widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            assert widths[0] <= widths[1], f"{url} pans sideways: {widths}"
        page.goto(f"/dashboard/jobs/{job_id}")
        page.locator("#bulk-bar summary").click()  # the bulk bar, open, fits too
        expect(page.get_by_label("Reject with the reason")).to_be_visible()
        widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], f"the open bulk bar pans sideways: {widths}"
        page.locator("#bulk-bar summary").click()
        board = page.evaluate(
            "() => { const b = document.querySelector('.board'); return [b.scrollWidth, b.clientWidth]; }"
        )
        assert board[0] > board[1]  # nine columns: the board scrolls inside itself
        page.locator(".board").evaluate("board => board.scrollBy(2000, 0)")
        expect(page.locator("#col-withdrawn")).to_be_in_viewport()
        assert page.evaluate("() => window.scrollX") == 0
    finally:
        context.close()
    assert page_errors == []


def test_bulk_reject_three_with_a_reason(factory, new_page, page_errors):
    _tenant, job_id, ids, _, recruiter = _setup(
        factory, ["Ann One", "Ben Two", "Cy Three", "Dee Four"], title="Warehouse Lead"
    )
    reason = rejection_reasons.list_reasons(recruiter)[1]
    reason_id, reason_label, recruiter_email = reason.id, reason.label, recruiter.email
    db.session.commit()
    db.session.remove()

    page = new_page()
    sign_in(page, recruiter_email)
    page.goto(f"/dashboard/jobs/{job_id}")
    for name in ("Ann One", "Ben Two", "Cy Three"):
        page.get_by_label(f"Select {name}").check()
    bar = page.locator("#bulk-bar")
    expect(bar.locator("[data-bulk-count]")).to_have_text("3")  # ticking opened the bar and counts
    bar.get_by_label("Reject with the reason").select_option(label=reason_label)
    bar.get_by_role("button", name="Reject", exact=True).click()

    expect(page.get_by_role("heading", name="Reject 3 applications?")).to_be_visible()
    expect(page.locator(".confirm-subject")).to_have_text("Your application for Warehouse Lead at " + _company(job_id))
    page.get_by_role("button", name="Reject and send 3 emails").click()

    expect(page.get_by_text("Rejected 3 applications.")).to_be_visible()
    rejected = page.locator("[data-drop=rejected]")
    for name in ("Ann One", "Ben Two", "Cy Three"):
        expect(rejected).to_contain_text(name)
    expect(page.locator("[data-drop=applied]")).to_contain_text("Dee Four")
    stages = dict(db.session.execute(select(Application.id, Application.stage).where(Application.id.in_(ids))).all())
    reasons = set(
        db.session.scalars(
            select(StageChange.reason_id).where(StageChange.application_id.in_(ids), StageChange.to_stage == "rejected")
        )
    )
    db.session.remove()
    assert [stages[i] for i in ids] == ["rejected", "rejected", "rejected", "applied"]
    assert reasons == {reason_id}
    assert page_errors == []


def _company(job_id: int) -> str:
    from app.models import Job

    name = db.session.get(Job, job_id).company.name
    db.session.remove()
    return name
