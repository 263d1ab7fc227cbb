"""Interviews and interview plans as the API renders them (also the webhook payload)."""

from __future__ import annotations

from app.models import Interview, InterviewKind, User


def _iso(value):
    return value.isoformat() if value is not None else None


def interview_out(interview: Interview, users: dict[int, User], *, notes: bool) -> dict:
    """InterviewOut; `notes`: the interviewers' notes are included (staff only)."""
    data = {
        "id": interview.id,
        "application_id": interview.application_id,
        "kind_id": interview.kind_id,
        "title": interview.title,
        "status": interview.status,
        "starts_at": _iso(interview.starts_at),
        "ends_at": _iso(interview.ends_at),
        "timezone": interview.timezone,
        "location": interview.location,
        "video_url": interview.video_url,
        "interviewers": [
            {"id": i, "full_name": users[i].full_name if i in users else ""} for i in interview.interviewer_ids
        ],
        "organizer_id": interview.organizer_id,
        "scorecard": interview.scorecard or [],
        "uid": interview.uid,
        "sequence": interview.sequence,
        "version": interview.version,
        "created_at": _iso(interview.created_at),
        "updated_at": _iso(interview.updated_at),
        "cancelled_at": _iso(interview.cancelled_at),
    }
    if notes:
        data["notes"] = interview.notes
    return data


def kind_out(kind: InterviewKind) -> dict:
    """InterviewKindOut: one step of a job's interview plan."""
    return {
        "id": kind.id,
        "name": kind.name,
        "position": kind.position,
        "stage": kind.stage,
        "duration_minutes": kind.duration_minutes,
        "location": kind.location,
        "video_url": kind.video_url,
        "default_interviewer_ids": list(kind.default_interviewer_ids or []),
        "scorecard": kind.scorecard or [],
    }
