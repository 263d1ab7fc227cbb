from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SubmitField


class WithdrawForm(FlaskForm):
    submit = SubmitField("Withdraw my application")
