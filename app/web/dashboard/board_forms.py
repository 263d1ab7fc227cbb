"""Forms of the pipeline board (the move menu posts the shared MoveForm): undo, the bulk bar."""

from __future__ import annotations

from wtforms import BooleanField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.web.formtools import SafeForm


class UndoForm(SafeForm):
    change_id = IntegerField(validators=[Optional()])  # the move to take back; refused if anything happened since
    next = HiddenField()


class BulkForm(SafeForm):
    """The board's bulk bar; the selected ids come as repeated `ids` fields (checkboxes on the cards)."""

    action = StringField()  # move | reject | note | email | add_tag | remove_tag: the button pressed
    to = StringField()
    reason_id = IntegerField(validators=[Optional()])
    note = TextAreaField(validators=[Length(max=10000)])
    subject = StringField()  # email: checked with its body by the service (app/services/messages.py)
    body = TextAreaField()
    tag = StringField(validators=[Length(max=50)])  # add_tag | remove_tag: the tag's name
    all = BooleanField()  # every application matching the filters below, not the ticked ones
    stage = StringField()
    flagged = BooleanField()
    source = StringField()
    q = StringField()
    confirm = HiddenField()
    next = HiddenField()
