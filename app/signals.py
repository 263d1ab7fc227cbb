"""Domain events, sent by the services inside the transaction of the change.

Listeners (the mail outbox) add rows to the same session, so what they write
commits or rolls back together with the event itself.
"""

from blinker import Namespace

_events = Namespace()

# sender: Application, status_token, added_by, new_candidate (the person's record was made by this application)
application_submitted = _events.signal("application-submitted")
stage_changed = _events.signal("stage-changed")  # sender: Application, change=StageChange
stage_undone = _events.signal("stage-undone")  # sender: Application, change=StageChange (the undo), undone=StageChange
staff_invited = _events.signal("staff-invited")  # sender: User, invited_by=User
password_reset_requested = _events.signal("password-reset-requested")  # sender: User
application_repeated = _events.signal("application-repeated")  # sender: Application, status_token=str
status_link_issued = _events.signal("status-link-issued")  # sender: Application, status_token=str
reply_received = _events.signal("reply-received")  # sender: InboundMessage (stored), notify=bool
note_added = _events.signal("note-added")  # sender: Note, application=Application, mentioned=[User] (not the author)
candidate_changed = _events.signal("candidate-changed")  # sender: Candidate (its details were edited)
job_created = _events.signal("job-created")  # sender: Job
job_updated = _events.signal("job-updated")  # sender: Job, previous_status=str (the status before the change)
jobs_closed = _events.signal("jobs-closed")  # sender: None, job_ids=list[int] (closed on their closing date)
