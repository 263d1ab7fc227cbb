"""Dashboard forms. Business rules (lengths, ranges, allowed values) are the services' to check."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.models.jobs import EMPLOYMENT_TYPES
from app.services.companies import STAFF_ROLE_VALUES
from app.web.formtools import SafeForm
from app.web.helpers import EMPLOYMENT_LABELS, ROLE_LABELS

REQUIRED = "This field is required."
ROLE_CHOICES = [SelectChoice(role, ROLE_LABELS[role]) for role in STAFF_ROLE_VALUES]


def int_or_none(value) -> int | None:
    """A select's id, or None when none (or nothing readable) was chosen."""
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class JobForm(SafeForm):
    title = StringField("Job title", validators=[DataRequired(REQUIRED), Length(max=200)])
    location = StringField("Location", validators=[Length(max=200)], description="City or region, for example Berlin.")
    remote = BooleanField("Remote work is possible")
    employment_type = SelectField(
        "Employment type", choices=[SelectChoice(value, EMPLOYMENT_LABELS[value]) for value in EMPLOYMENT_TYPES]
    )
    salary_min = IntegerField(
        "Salary from", validators=[Optional(), NumberRange(min=0, message="Must be zero or more.")]
    )
    salary_max = IntegerField("Salary to", validators=[Optional(), NumberRange(min=0, message="Must be zero or more.")])
    salary_currency = StringField(
        "Currency", validators=[Optional(), Length(max=3)], description="Three letters, such as EUR."
    )
    salary_visible = BooleanField(
        "Show the salary publicly",
        default=True,
        description="On the job page, in job feeds and in search engines' job listings. Your team always sees it.",
    )
    department = StringField("Department", validators=[Length(max=100)], description="For example Engineering.")
    headcount = IntegerField(
        "Openings", default=1, validators=[Optional()], description="How many people you are hiring for this role."
    )
    closes_at = DateTimeLocalField(
        "Closing date (UTC)",
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[Optional()],
        description="Optional. The job closes itself then and leaves the board and the job feeds.",
    )
    description = TextAreaField(
        "Description",
        validators=[Length(max=20000)],
        description="Plain text; line breaks are kept. Shown on the public job page.",
    )
    status = SelectField(
        "Publish",
        choices=[
            SelectChoice("draft", "Save as a draft (only your team sees it)"),
            SelectChoice("open", "Open it on the job board now"),
        ],
    )
    stage_template_id = SelectField(
        "Pipeline",
        coerce=int_or_none,
        validate_choice=False,
        choices=[],
        description="The stages applications go through, copied from this template; you can change them on the job.",
    )
    submit = SubmitField("Save job")

    def offer_templates(self, templates) -> None:
        """The company's stage templates to choose from, the default first and chosen unless another one was."""
        self.stage_template_id.choices = [
            SelectChoice(str(template.id), f"{template.name} (default)" if template.is_default else template.name)
            for template in templates
        ]
        if self.stage_template_id.data is None and templates:
            self.stage_template_id.data = templates[0].id

    def service_fields(self, current_closes_at: datetime | None = None) -> dict:
        """The form's values as `jobs.create_job` / `jobs.update_job` take them.

        The closing date is read as UTC; shown to the minute, an unchanged one
        stands for the stored value (which may have seconds).
        """
        closes_at = self.closes_at.data.replace(tzinfo=UTC) if self.closes_at.data else None
        if closes_at and current_closes_at and closes_at == current_closes_at.replace(second=0, microsecond=0):
            closes_at = current_closes_at
        fields = {
            "title": self.title.data or "",
            "location": self.location.data or "",
            "remote": bool(self.remote.data),
            "employment_type": self.employment_type.data,
            "salary_min": self.salary_min.data,
            "salary_max": self.salary_max.data,
            "salary_currency": (self.salary_currency.data or "").strip() or None,
            "salary_visible": bool(self.salary_visible.data),
            "department": self.department.data or "",
            "headcount": self.headcount.data if self.headcount.data is not None else 1,
            "closes_at": closes_at,
            "description": self.description.data or "",
        }
        if "status" in self._fields:
            fields["status"] = self.status.data
        if "stage_template_id" in self._fields and self.stage_template_id.data is not None:
            fields["stage_template_id"] = self.stage_template_id.data
        return fields


class CompanyProfileForm(SafeForm):
    name = StringField("Company name", validators=[DataRequired(REQUIRED), Length(max=200)])
    website = StringField("Website", validators=[Length(max=300)], description="Starting with https:// (or http://).")
    description = TextAreaField(
        "About the company",
        validators=[Length(max=5000)],
        description="Plain text; line breaks are kept. Shown on your careers page.",
    )
    default_language = StringField(
        "Language of candidate emails",
        validators=[Length(max=16)],
        description="A language tag such as en, de or pt-br. Candidates get your email templates in it "
        "(English where you wrote none).",
    )
    logo = FileField("Logo", description="PNG or JPEG, up to 512 KB. Square images look best.")
    remove_logo = BooleanField("Remove the current logo")
    hire_requires_offer = BooleanField(
        "Hiring requires an accepted offer",
        description="A move to a hired stage is refused until the candidate has accepted an offer.",
    )
    offer_self_approval = BooleanField(
        "Approvers may approve their own offers",
        description="Off: whoever made an offer needs someone else (an admin or a named approver) to approve it.",
    )
    submit = SubmitField("Save profile")

    def profile_fields(self) -> dict:
        """The form's values as `companies.update_company` takes them."""
        fields = {
            "name": self.name.data or "",
            "website": (self.website.data or "").strip() or None,
            "description": self.description.data or None,
        }
        if (self.default_language.data or "").strip():  # left empty: unchanged
            fields["default_language"] = self.default_language.data.strip()
        fields["hire_requires_offer"] = bool(self.hire_requires_offer.data)
        fields["offer_self_approval"] = bool(self.offer_self_approval.data)
        return fields


class JobStatusForm(SafeForm):
    status = HiddenField()


class MoveForm(SafeForm):
    to = StringField()
    version = IntegerField(validators=[Optional()])
    next = HiddenField()


class RejectForm(SafeForm):
    """Rejecting: one of the company's reasons, or "Other, say why"; a private note either way."""

    reason_id = SelectField("Reason for rejecting", coerce=int_or_none, validate_choice=False, choices=[])
    reason = TextAreaField(
        "Other, say why",
        validators=[Length(max=2000)],
        description="When none of the listed reasons fits.",
    )
    note = TextAreaField(
        "Private note",
        validators=[Length(max=5000)],
        description="Optional. Reasons and notes stay inside your company: the candidate never sees them.",
    )
    version = HiddenField()
    next = HiddenField()
    submit = SubmitField("Reject application")

    def offer(self, reasons) -> None:
        """The company's reasons to choose from."""
        self.reason_id.choices = [SelectChoice("", "Choose a reason…")] + [
            SelectChoice(str(reason.id), reason.label) for reason in reasons
        ]


class NoteForm(SafeForm):
    body = TextAreaField(
        "Add a note",
        validators=[DataRequired(REQUIRED)],
        description="Only your company's staff can read notes. Type @ to mention a colleague "
        "(or write @[Name](user:id)): they are notified.",
    )
    submit = SubmitField("Add note")


class InviteForm(SafeForm):
    full_name = StringField("Full name", validators=[DataRequired(REQUIRED), Length(max=200)])
    email = EmailField("Email", validators=[DataRequired(REQUIRED), Length(max=254)])
    role = SelectField("Role", choices=ROLE_CHOICES, default="recruiter")
    submit = SubmitField("Send invitation")


class MemberRoleForm(SafeForm):
    role = SelectField("Role", choices=ROLE_CHOICES)
    submit = SubmitField("Save role")


class MemberActiveForm(SafeForm):
    active = HiddenField()
