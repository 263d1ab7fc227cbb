"""Where personal data lives, and how erasure reaches each place.

Every model names its personal columns in `__personal_data__`; every other text, JSON or binary column is
named here in NOT_PERSONAL. A test walks the models' metadata and fails on a column in neither, so a new
column cannot hold a person's data unnoticed. ERASURE says, per table with personal data, what
anonymising a candidate does to it (`app/services/anonymise.py` does it); KEPT lists the places erasure
leaves alone on purpose, and why.
"""

from __future__ import annotations

from sqlalchemy import JSON, LargeBinary, String, Text

from app.extensions import db

NOT_PERSONAL: dict[str, frozenset[str]] = {
    table: frozenset(columns)
    for table, columns in {
        "api_keys": ("name", "prefix", "secret_hash", "scopes"),
        "booking_requests": ("title", "interviewer_ids", "timezone", "location", "video_url", "token_hash", "status"),
        "booking_slots": ("status",),
        "calendar_feeds": ("token_hash",),
        # A person's export or erasure request: the ZIP under file_key is deleted when the link expires.
        "data_requests": ("kind", "status", "token_hash", "file_key"),
        "interview_kinds": ("name", "stage", "location", "video_url", "default_interviewer_ids", "scorecard"),
        "interviews": ("title", "status", "timezone", "location", "video_url", "scorecard", "uid"),
        "application_answers": ("label", "kind", "flag"),
        "applications": (
            "stage",
            "stage_category",
            "resume_content_type",
            "source",
            "utm_source",
            "utm_medium",
            "utm_campaign",
            "referrer_host",
            "status_token_hash",
        ),
        # The reports' copy of the application's source and current category (migration 0036).
        "application_summaries": ("source", "stage_category"),
        "audit_events": ("action", "object_type", "object_id", "prev_hash", "hash"),
        # An import's report says row, outcome and reason (ids, never the row's values); the uploaded files
        # (file_key, resumes_key) are deleted from storage when the import ends.
        "candidate_import_rows": ("outcome", "reason"),
        "candidate_imports": (
            "status",
            "filename",
            "file_key",
            "resumes_key",
            "resumes_filename",
            "encoding",
            "delimiter",
            "header",
            "mapping",
            "error",
        ),
        "candidate_search": (),
        "candidates": ("source", "preferred_language", "legal_hold_reason"),
        "companies": ("name", "slug", "website", "description", "logo_key", "logo_content_type", "default_language"),
        "duplicate_candidates": ("reasons", "status"),
        "eeo_question_sets": ("questions",),
        "email_templates": ("key", "language", "subject", "text_body", "html_body"),
        "events": ("type", "object_type"),
        "idempotency_keys": ("scope", "key", "fingerprint", "state", "response_headers"),
        "inbound_messages": ("message_id", "in_reply_to", "dropped"),
        "job_questions": ("kind", "label", "help_text", "options", "knockout"),
        "job_stage_counts": ("stage", "category"),
        "jobs": (
            "title",
            "description",
            "location",
            "employment_type",
            "salary_currency",
            "department",
            "status",
            "pipeline_stages",
            "pipeline_allow_skip",
            "pipeline_template_id",
            "pipeline_version",
        ),
        "notifications": ("kind",),
        "offer_events": ("from_status", "to_status"),
        "offer_letter_templates": ("body",),
        "offers": ("status", "currency"),
        "outbox_messages": ("kind", "template", "message_id", "status"),
        "privacy_notices": ("text",),
        "rejection_reasons": ("label", "email_template"),
        "reply_addresses": ("token",),
        "resume_texts": ("resume_key", "status", "detail"),
        "retention_runs": ("trigger", "policy", "anonymised"),
        "revoked_tokens": ("jti",),
        "stage_changes": ("from_stage", "to_stage", "to_category", "batch_id"),
        "stage_templates": ("name", "stages", "allow_skip"),
        "stored_files": ("key", "content_type", "sha256"),
        "tags": ("name", "key", "colour"),
        "talent_pools": ("name", "key", "description"),
        "users": ("password_hash", "role"),
        # A signed-in browser's session (who is signed in, the CSRF token); expires with the session.
        "web_sessions": ("session_id", "data"),
        "webhook_deliveries": ("status", "response_snippet", "last_error"),
        "webhook_endpoints": ("url", "description", "event_types", "secret"),
    }.items()
}

ERASURE: dict[str, str] = {
    "candidates": "name replaced by 'Erased candidate #<id>'; email, phone, location and links emptied; unlinked "
    "from their login; tags and talent pools removed",
    "applications": "cover letter, resume (file, name, key), referrer's name, consent address and status link "
    "emptied; stage, source, job and times kept for the analytics",
    "application_answers": "deleted",
    "eeo_responses": "deleted (the voluntary equal-opportunity answers of the person's applications)",
    "notes": "deleted",
    "stage_changes": "free-text note and reason emptied; stages, times and the reason's id kept",
    "outbox_messages": "address, name, subject, bodies, merge fields, last error emptied; waiting ones cancelled",
    "inbound_messages": "deleted, with their stored attachments",
    "resume_texts": "deleted",
    "candidate_search": "deleted",
    "stored_files": "the applications' resumes and the replies' attachments deleted from storage",
    "events": "payload replaced by the object's id and `erased: true`",
    "interviews": "interviewers' private notes emptied; the interview's title, times and place kept",
    "interview_feedback": "deleted (ratings, recommendation and notes about the person)",
    "interview_feedback_revisions": "deleted with the feedback",
    "offers": "terms and the sent letter emptied; status, amount, currency and dates kept for the reports",
    "offer_events": "notes emptied",
    "candidate_merges": "merges the person took part in deleted (their undo is no longer possible); the records "
    "merged into theirs are erased with it",
}

KEPT: dict[str, str] = {
    "users": "a login belongs to the person, not to one company: anonymising a company's record unlinks it; the "
    "person's own 'erase me' neutralises it (email replaced, no password, inactive; the id stays for its references)",
    "audit_events": "the security log is append-only and hash-chained; it names staff and ids, and a candidate's "
    "own sign-ins (legitimate interest)",
    "idempotency_keys": "a stored API answer kept at most IDEMPOTENCY_TTL, then deleted by api.idempotency_cleanup",
}

DECLARED_TYPES = (String, Text, JSON, LargeBinary)


def personal_columns() -> dict[str, tuple[str, ...]]:
    """{table: personal columns} from the models' `__personal_data__`."""
    found: dict[str, tuple[str, ...]] = {}
    for mapper in db.Model.registry.mappers:
        declared = getattr(mapper.class_, "__personal_data__", ())
        if declared:
            found[mapper.local_table.name] = tuple(declared)
    return found


def undeclared_columns() -> list[str]:
    """`table.column` of every text, JSON or binary column declared neither personal nor not personal."""
    personal = personal_columns()
    missing = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if not _is_textual(column.type):
                continue
            name = column.name
            if name in personal.get(table.name, ()) or name in NOT_PERSONAL.get(table.name, ()):
                continue
            missing.append(f"{table.name}.{name}")
    return missing


def _is_textual(column_type) -> bool:
    impl = getattr(column_type, "impl", None)
    return isinstance(column_type, DECLARED_TYPES) or isinstance(impl, DECLARED_TYPES)
