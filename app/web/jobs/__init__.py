"""The public side: the job board, a page per job with its apply form, careers pages.

The blueprint's command group is `flask jobs ...` (closing dates: `flask jobs close-due`).
"""

from flask import Blueprint

from app.closing import close_due_command

bp = Blueprint("jobs", __name__, template_folder="templates")
bp.cli.add_command(close_due_command)

from app.web.jobs import careers, routes  # noqa: E402,F401
