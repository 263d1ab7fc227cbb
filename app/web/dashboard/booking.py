"""Offering interview times from the application page, and withdrawing a booking link.

The page's panel (dashboard/_booking.html) reads its data through the
`booking_panel` template global, so the application page's view stays as it is.
"""

from __future__ import annotations

from flask import flash, g, redirect, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.models import Application, BookingRequest, User
from app.services import applications, booking
from app.services.access import EDITORS
from app.web.booking.routes import when, zone_names
from app.web.dashboard import bp
from app.web.dashboard.applications import application_page
from app.web.dashboard.booking_forms import OfferForm
from app.web.dashboard.candidate_forms import StatusLinkForm
from app.web.formtools import flash_error, show_errors
from app.web.login import staff_required

RENAMED = {"slots": "slots", "expires_at": "slots"}


def _form(application: Application, form: OfferForm | None = None) -> OfferForm:
    form = form or OfferForm()
    staff = db.session.scalars(
        select(User)
        .where(User.company_id == application.company_id, User.active.is_(True), User.role != "candidate")
        .order_by(User.full_name, User.id)
        .limit(200)
    ).all()
    form.interviewer_ids.choices = [(u.id, u.full_name) for u in staff]
    form.timezone.choices = [(name, name.replace("_", " ")) for name in zone_names()]
    return form


@bp.app_template_global()
def booking_panel(application: Application) -> dict:
    """The application's latest booking requests (with their times), and the offer form for editors."""
    requests = list(
        db.session.scalars(
            select(BookingRequest)
            .options(selectinload(BookingRequest.slots))
            .where(BookingRequest.application_id == application.id)
            .order_by(BookingRequest.id.desc())
            .limit(5)
        )
    )
    editor = current_user.role in EDITORS
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
    return {
        "rows": rows,
        "form": _form(application, g.get("booking_form")) if editor else None,
        "cancel_form": StatusLinkForm() if editor else None,
    }


@bp.post("/applications/<int:application_id>/booking-requests")
@staff_required
def offer_times(application_id: int):
    form = OfferForm()
    application = applications.get_application(current_user, application_id)
    form.timezone.choices = [(name, name) for name in zone_names()]
    if form.validate_on_submit():
        try:
            booking.offer(
                current_user,
                application_id,
                slots=form.slot_lines(),
                timezone=form.timezone.data,
                title=form.title.data,
                interviewer_ids=form.interviewer_ids.data,
                duration_minutes=form.duration_minutes.data,
                location=form.location.data or "",
                video_url=form.video_url.data or "",
            )
        except ValidationFailed as error:
            show_errors(form, error, RENAMED, rollback=False)
        except Conflict as error:
            show_errors(form, error, RENAMED)
        else:
            count = len(form.slot_lines())
            flash(
                f"{count} time{'' if count == 1 else 's'} offered: the link is on its way to "
                f"{application.candidate.email}.",
                "success",
            )
            return redirect(url_for("dashboard.application", application_id=application_id, _anchor="booking"))
    g.booking_form = form
    return application_page(application, status=422)


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
    return redirect(url_for("dashboard.application", application_id=application_id, _anchor="booking"))
