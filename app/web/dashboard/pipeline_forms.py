"""The forms of the pipeline pages: stage templates, a job's pipeline, rejection reasons, the reject form.

A pipeline is edited as rows (one per stage) plus a few empty rows to add
stages; each row has an order number and a remove box, so adding, removing and
reordering work without JavaScript. The service checks the stages; its errors
come back as `stages.<index>.<field>` on the stages it was sent, and
`StageRows.show_errors` puts each one beside its row.
"""

from __future__ import annotations

from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from app import workflow
from app.errors import DomainError
from app.extensions import db
from app.mail.default_templates import DEFAULTS
from app.web.formtools import SafeForm, storable

EMPTY_ROWS = 3  # rows offered to add stages
MAX_ROWS = workflow.MAX_STAGES + EMPTY_ROWS
CATEGORY_CHOICES = [SelectChoice("", "Choose…")] + [
    SelectChoice(category, workflow.CATEGORY_LABELS[category]) for category in workflow.CATEGORIES
]
ROW_FIELDS = ("name", "category", "internal", "email", "email_template", "email_delay_minutes")
EMAIL_CHOICES = [SelectChoice("", "Default"), SelectChoice("on", "Send"), SelectChoice("off", "Do not send")]
TEMPLATE_CHOICES = [SelectChoice("", "The category's")] + [
    SelectChoice(key, template.label) for key, template in DEFAULTS.items()
]
_EMAIL_VALUES = {"on": True, "off": False}


class StageRowForm(Form):
    """One stage: its key is kept in a hidden field so a renamed stage stays the same stage."""

    key = HiddenField()
    position = IntegerField("Order", validators=[Optional()])
    name = StringField("Stage name", validators=[Length(max=200)])
    category = SelectField("Category", choices=CATEGORY_CHOICES, validate_choice=False, default="")
    internal = BooleanField("Internal")
    email = SelectField("Email on entry", choices=EMAIL_CHOICES, validate_choice=False, default="")
    email_template = SelectField("Email template", choices=TEMPLATE_CHOICES, validate_choice=False, default="")
    email_delay_minutes = IntegerField("Email delay (minutes)", validators=[Optional()])
    remove = BooleanField("Remove")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self._fields.values():
            field.validators = [storable, *field.validators]
        self.row_errors: list[str] = []

    @property
    def blank(self) -> bool:
        """A row offered to add a stage and left empty."""
        return not self.key.data and not (self.name.data or "").strip()


class StageRows:
    """What the template and job pipeline forms share: the rows, read in order and errors put back."""

    stages: FieldList

    def fill_stages(self, stages, counts: dict[str, int] | None = None) -> None:
        """Show these stages (dicts or workflow.Stage), then the empty rows to add more."""
        while self.stages.entries:
            self.stages.pop_entry()
        for position, stage in enumerate(stages, 1):
            data = stage.as_dict() if isinstance(stage, workflow.Stage) else dict(stage)
            email = data.get("email")
            data["email"] = "" if email is None else ("on" if email else "off")
            self.stages.append_entry({**data, "position": position, "remove": False})
        self.add_empty_rows()

    def add_empty_rows(self) -> None:
        last = max((entry.form.position.data or 0 for entry in self.stages.entries), default=0)
        for n in range(1, EMPTY_ROWS + 1):
            if len(self.stages.entries) < MAX_ROWS:
                self.stages.append_entry({"position": last + n})

    def stage_specs(self) -> list[dict]:
        """The stages as the service takes them, in the order the numbers say (ties: as on the page)."""
        chosen = []
        for index, entry in enumerate(self.stages.entries):
            row = entry.form
            if row.remove.data or row.blank:
                continue
            position = row.position.data if row.position.data is not None else index + 1
            chosen.append((position, index, row))
        chosen.sort(key=lambda item: (item[0], item[1]))
        self.sent_rows = [row for _position, _index, row in chosen]
        specs = []
        for row in self.sent_rows:
            spec = {
                "name": row.name.data or "",
                "category": row.category.data or "",
                "internal": bool(row.internal.data),
                "email": _EMAIL_VALUES.get(row.email.data or ""),
                "email_template": row.email_template.data or None,
                "email_delay_minutes": row.email_delay_minutes.data,
            }
            if row.key.data:
                spec["key"] = row.key.data
            specs.append(spec)
        return specs

    def row_for_key(self, key: str) -> StageRowForm | None:
        for entry in self.stages.entries:
            if entry.form.key.data == key:
                return entry.form
        return None

    def show_errors(self, error: DomainError) -> None:
        """Each service error beside its field or its row; the rest above the stages or the form.

        The request is rolled back first: a service may have flushed part of the change.
        """
        db.session.rollback()
        self.stage_errors: list[str] = getattr(self, "stage_errors", [])
        sent = getattr(self, "sent_rows", [])
        placed = False
        for name, messages in (error.errors or {}).items():
            parts = name.split(".")
            if parts[0] == "stages" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(sent):
                row = sent[int(parts[1])]
                field = row._fields.get(parts[2]) if len(parts) > 2 and parts[2] in ROW_FIELDS else None
                if field is not None:
                    field.errors = [*field.errors, *messages]
                else:  # a key or the row as a whole
                    row.row_errors.extend(messages)
            elif name == "stages":
                if not self._beside_rows(error):
                    self.stage_errors.extend(messages)
            elif name in self._fields and name != "stages":
                self._fields[name].errors = [*self._fields[name].errors, *messages]
            else:
                self.form_errors.extend(messages)
            placed = True
        if not placed:
            self.form_errors.append(error.detail)

    def _beside_rows(self, error: DomainError) -> bool:
        """A stage that holds applications and may not go (or change category): the message beside it."""
        extra = getattr(error, "extra", {}) or {}
        placed = False
        for occupied in extra.get("occupied") or ():
            row = self.row_for_key(occupied["stage"])
            if row is not None:
                count = occupied["applications"]
                row.row_errors.append(
                    f"{occupied['name']} holds {count} application{'s' if count != 1 else ''}: "
                    "move them to another stage first. Nothing was changed."
                )
                row.remove.data = False
                placed = True
        for key in extra.get("recategorised") or ():
            row = self.row_for_key(key)
            if row is not None:
                row.category.errors = [*row.category.errors, "This stage holds applications: keep its category."]
                placed = True
        if placed:
            self.stage_errors.append(error.detail)
        return placed

    @property
    def has_errors(self) -> bool:
        rows = (entry.form for entry in self.stages.entries)
        return bool(
            self.errors
            or self.form_errors
            or getattr(self, "stage_errors", None)
            or any(row.row_errors or any(field.errors for field in row) for row in rows)
        )


class StageTemplateForm(StageRows, SafeForm):
    name = StringField("Template name", validators=[Length(max=200)], description="For example Engineering.")
    allow_skip = BooleanField(
        "Moves may skip forward",
        description="A recruiter may move an application past stages (never straight into a hired stage).",
    )
    version = HiddenField()
    stages = FieldList(FormField(StageRowForm), max_entries=MAX_ROWS)
    submit = SubmitField("Save template")

    def template_fields(self) -> dict:
        return {"name": self.name.data or "", "allow_skip": bool(self.allow_skip.data), "stages": self.stage_specs()}


class JobPipelineForm(StageRows, SafeForm):
    allow_skip = BooleanField(
        "Moves may skip forward",
        description="A recruiter may move an application past stages (never straight into a hired stage).",
    )
    version = HiddenField()
    stages = FieldList(FormField(StageRowForm), max_entries=MAX_ROWS)
    submit = SubmitField("Save pipeline")


class ActionForm(SafeForm):
    """A button with nothing to fill in (make default, delete, archive, restore); CSRF only."""

    direction = HiddenField()


class ReasonForm(SafeForm):
    label = StringField("Reason", validators=[Length(max=400)], description="Up to 200 characters.")
    submit = SubmitField("Add reason")


def version_of(form) -> int | None:
    """The version the page was read at, or None when it cannot be read (then the save is not guarded)."""
    raw = (form.version.data or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else None
