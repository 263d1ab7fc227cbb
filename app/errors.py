"""Domain errors raised by the services; each front door renders them its own way."""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    title = "Bad request"
    type_slug = "bad-request"

    def __init__(self, detail: str, *, errors: dict[str, list[str]] | None = None, **extra) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.extra = extra

    def to_problem(self) -> dict:
        body = {
            "type": f"/problems/{self.type_slug}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


class NotFound(DomainError):
    status = 404
    title = "Not found"
    type_slug = "not-found"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"
    type_slug = "forbidden"


class Unauthorized(DomainError):
    status = 401
    title = "Unauthorized"
    type_slug = "unauthorized"


class TooManyAttempts(DomainError):
    """Refused for a while after too many failures (per account, not per client); `retry_after` in seconds."""

    status = 429
    title = "Too many attempts"
    type_slug = "rate-limited"

    def __init__(self, detail: str, *, retry_after: int, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(detail, errors=errors)
        self.retry_after = retry_after


class ValidationFailed(DomainError):
    status = 422
    title = "Validation failed"
    type_slug = "validation-failed"


class Conflict(DomainError):
    status = 409
    title = "Conflict"
    type_slug = "conflict"


class IllegalTransition(Conflict):
    title = "Illegal stage transition"
    type_slug = "illegal-transition"

    def __init__(self, current: str, requested: str, allowed: list[str]) -> None:
        allowed_text = ", ".join(allowed) if allowed else "none (it is final)"
        super().__init__(
            f"Cannot move from {current} to {requested}; allowed from {current}: {allowed_text}.",
            current_stage=current,
            allowed=allowed,
        )
        self.current = current
        self.requested = requested
        self.allowed = allowed


class StaleUpdate(Conflict):
    title = "Changed meanwhile"
    type_slug = "stale-update"


class TooManyRequests(DomainError):
    status = 429
    title = "Too many requests"
    type_slug = "too-many-requests"
