"""Interview times offered to the candidate: the application's booking page, offering, withdrawing a link.

The application page only links here (dashboard/_booking.html, no statement of
its own): that page is at its statement budget already.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.models import Application, BookingRequest, User
from app.services import applications, booking, interview_plans
from app.services.access import EDITORS
from app.web.booking.routes import when, zone_names
from app.web.dashboard import bp
from app.web.dashboard.booking_forms import OfferForm
from app.web.dashboard.candidate_forms import StatusLinkForm
from app.web.formtools import flash_error, show_errors
from app.web.login import staff_required

RECENT = 20


def _rows(application: Application) -> list[dict]:
    """The application's latest requests with their times (one SELECT), as the page shows them."""
    requests = (
        db.session.scalars(
            select(BookingRequest)
            .options(joinedload(BookingRequest.slots))
            .where(BookingRequest.application_id == application.id)
            .order_by(BookingRequest.id.desc())
            .limit(RECENT)
        )
        .unique()
        .all()
    )
    rows = []
    for found in requests:
        booked = found.booked_slot
        rows.append(
            {
                "request": found,
                "status": found.effective_status,
                "times": [when(s.starts_at, s.ends_at, found.timezone) for s in found.slots],
                "booked": when(booked.starts_at, booked.ends_at, found.timezone) if booked else None,
            }
        )
    return rows


def _choices(application: Application, form: OfferForm) -> OfferForm:
    staff = db.session.scalars(
        select(User)
        .where(User.company_id == application.company_id, User.active.is_(True), User.role != "candidate")
        .order_by(User.full_name, User.id)
        .limit(500)
    ).all()
    form.interviewer_ids.choices = [(u.id, f"{u.full_name} ({u.role.replace('_', ' ')})") for u in staff]
    form.timezone.choices = [(name, name.replace("_", " ")) for name in zone_names()]
    form.kind_id.choices = [(0, "None")] + [
        (k.id, f"{k.name} ({k.duration_minutes} min)") for k in interview_plans.plan_of(application.job_id)
    ]
    return form


def _page(application: Application, form: OfferForm | None = None, status: int = 200):
    editor = current_user.role in EDITORS
    return render_template(
        "dashboard/booking.html",
        application=application,
        rows=_rows(application),
        form=_choices(application, form or OfferForm()) if editor else None,
        cancel_form=StatusLinkForm() if editor else None,
    ), status


@bp.get("/applications/<int:application_id>/booking")
@staff_required
def booking_page(application_id: int):
    return _page(applications.get_application(current_user, application_id))


@bp.post("/applications/<int:application_id>/booking-requests")
@staff_required
def offer_times(application_id: int):
    form = OfferForm()
    form.timezone.choices = [(name, name) for name in zone_names()]
    application = applications.get_application(current_user, application_id)
    if form.validate_on_submit():
        try:
            booking.offer(
                current_user,
                application_id,
                slots=form.slot_lines(),
                timezone=form.timezone.data,
                title=form.title.data,
                kind_id=form.kind_id.data or None,
                interviewer_ids=form.interviewer_ids.data,
                duration_minutes=form.duration_minutes.data,
                location=form.location.data or "",
                video_url=form.video_url.data or "",
            )
        except ValidationFailed as error:  # checked before anything is written
            show_errors(form, error, {"expires_at": "slots"}, rollback=False)
        except Conflict as error:
            show_errors(form, error)
        else:
            count = len(form.slot_lines())
            flash(
                f"{count} time{'' if count == 1 else 's'} offered: the link is on its way to "
                f"{application.candidate.email}.",
                "success",
            )
            return redirect(url_for("dashboard.booking_page", application_id=application_id))
    return _page(application, form, 422)


@bp.post("/booking-requests/<int:request_id>/cancel")
@staff_required
def cancel_booking_request(request_id: int):
    found = booking.get_request(current_user, request_id)
    application_id = found.application_id
    if StatusLinkForm().validate_on_submit():  # a CSRF-checked form with no fields
        try:
            booking.cancel(current_user, request_id)
        except Conflict as error:
            flash_error(error)
        else:
            flash("The booking link is withdrawn: its times are released.", "success")
    return redirect(url_for("dashboard.booking_page", application_id=application_id))
