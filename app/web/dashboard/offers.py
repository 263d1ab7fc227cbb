"""Offers in the dashboard: the application's offer page, its steps, approvers, the letter template, approvals."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.errors import Conflict, DomainError, Forbidden, ValidationFailed
from app.models import Role
from app.services import offer_letters, offers
from app.services.access import EDITORS
from app.services.currencies import to_major
from app.web.dashboard import bp
from app.web.dashboard.offer_forms import ApproversForm, LetterTemplateForm, OfferForm, OfferStepForm
from app.web.formtools import flash_error, show_errors
from app.web.login import staff_required

STEPS = ("submit", "approve", "send", "withdraw")
DONE = {
    "submit": "The offer awaits approval.",
    "approve": "The offer is approved: it can be sent.",
    "send": "The offer is sent: the candidate gets an email to read it and answer.",
    "withdraw": "The offer is withdrawn.",
}


def _page(application, offer, form: OfferForm | None = None, status: int = 200):
    editable = offer is None or offer.status in ("draft", "awaiting_approval", "approved")
    if form is None:
        form = OfferForm(formdata=None)
        if offer is not None and editable:
            form.salary_amount.data = to_major(offer.salary_minor, offer.currency)
            form.currency.data = offer.currency
            form.start_date.data = offer.start_date
            form.terms.data = offer.terms
    approvers = offers.approvers_of(application.job_id)
    return render_template(
        "dashboard/offer.html",
        application=application,
        offer=offer,
        form=form,
        editable=editable and current_user.role in EDITORS,
        new_offer=offer is None or not offer.is_open,
        step_form=OfferStepForm(formdata=None),
        history=offers.history(offer) if offer is not None else [],
        may_approve=offer is not None and offers.may_approve(current_user, offer, approvers),
        editor=current_user.role in EDITORS,
        letter=_letter(offer, application),
        display=_display,
    ), status


def _display(offer) -> str:
    from app.services.currencies import display

    return display(offer.salary_minor, offer.currency)


def _letter(offer, application) -> str | None:
    """The letter as sent, else as it would read now (inside a sandboxed frame on the page)."""
    if offer is None:
        return None
    if offer.letter_html is not None:
        return offer_letters.document(offer.letter_html)
    try:
        body = offer_letters.render(
            offer_letters.effective_body(offer.company_id),
            offer_letters.fields_of(offer, application, current_user.full_name),
        )
    except offer_letters.LetterError:
        return None
    return offer_letters.document(body)


@bp.get("/applications/<int:application_id>/offer")
@staff_required
def offer_page(application_id: int):
    application = offers.staff_application(current_user, application_id)
    return _page(application, offers.current_offer(application))


@bp.post("/applications/<int:application_id>/offer")
@staff_required
def save_offer(application_id: int):
    application = offers.staff_application(current_user, application_id)
    offer = offers.current_offer(application)
    form = OfferForm()
    if form.validate_on_submit():
        try:
            if offer is not None and offer.is_open:
                offers.update_offer(current_user, offer.id, **form.terms_fields())
                done = "The offer is saved."
            else:
                offer = offers.create_offer(current_user, application.id, **form.terms_fields())
                done = "The offer is saved as a draft: submit it for approval when it is ready."
        except ValidationFailed as error:
            show_errors(form, error)
        except (Conflict, Forbidden) as error:
            flash_error(error)
            return redirect(url_for("dashboard.offer_page", application_id=application_id))
        else:
            flash(done, "success")
            return redirect(url_for("dashboard.offer_page", application_id=application_id))
        application = offers.staff_application(current_user, application_id)
        offer = offers.current_offer(application)
    return _page(application, offer, form, 422)


@bp.post("/offers/<int:offer_id>/<any(submit, approve, send, withdraw):step>")
@staff_required
def offer_step(offer_id: int, step: str):
    offer = offers.get_offer(current_user, offer_id)
    application_id = offer.application_id
    form = OfferStepForm()
    if form.validate_on_submit():
        try:
            getattr(offers, step)(current_user, offer_id, note=form.note.data or None)
        except DomainError as error:
            flash_error(error)
        else:
            flash(DONE[step], "success")
    else:
        flash("The note is too long, or the form expired: try again.", "danger")
    return redirect(url_for("dashboard.offer_page", application_id=application_id))


@bp.get("/offers")
@staff_required
def offers_page():
    waiting = offers.awaiting_approval(current_user)
    return render_template("dashboard/offers.html", waiting=waiting, display=_display)


@bp.route("/jobs/<int:job_id>/offer-approvers", methods=["GET", "POST"])
@staff_required
def offer_approvers(job_id: int):
    form = ApproversForm()
    current = [] if form.is_submitted() else offers.list_approvers(current_user, job_id)
    members = offers.company_members(current_user)
    form.user_ids.choices = [(m.id, f"{m.full_name} ({m.role.replace('_', ' ')})") for m in members]
    if form.validate_on_submit():
        try:
            offers.set_approvers(current_user, job_id, form.user_ids.data or [])
        except ValidationFailed as error:
            show_errors(form, error)
        except Forbidden as error:
            flash_error(error)
            return redirect(url_for("dashboard.offer_approvers", job_id=job_id))
        else:
            flash("The approvers are saved.", "success")
            return redirect(url_for("dashboard.offer_approvers", job_id=job_id))
    elif not form.is_submitted():
        form.user_ids.data = [m.id for m in current]
    status = 422 if form.errors else 200
    return render_template(
        "dashboard/offer_approvers.html", form=form, job_id=job_id, current=current,
        editor=current_user.role in EDITORS,
    ), status  # fmt: skip


@bp.route("/offer-letter", methods=["GET", "POST"])
@staff_required
def offer_letter_page():
    template = offer_letters.get_template(current_user)
    form = LetterTemplateForm(data={"body": template.body})
    preview = None
    admin = current_user.role == Role.ADMIN.value
    if form.validate_on_submit():
        if not admin:
            abort(403)
        try:
            if form.reset.data:
                offer_letters.reset_template(current_user)
                flash("The built-in letter is in use again.", "success")
                return redirect(url_for("dashboard.offer_letter_page"))
            if form.preview.data:
                preview = offer_letters.document(offer_letters.preview(current_user, form.body.data))
            else:
                offer_letters.save_template(current_user, form.body.data)
                flash("The offer letter is saved.", "success")
                return redirect(url_for("dashboard.offer_letter_page"))
        except ValidationFailed as error:
            show_errors(form, error, rollback=False)
    elif not form.is_submitted():
        preview = offer_letters.document(offer_letters.preview(current_user))
    status = 422 if form.errors else 200
    return render_template(
        "dashboard/offer_letter.html", form=form, template=template, preview=preview, admin=admin,
        fields=offer_letters.MERGE_FIELDS,
    ), status  # fmt: skip
