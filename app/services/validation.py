"""Field checks shared by the services; problems are collected per field."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from app.errors import ValidationFailed

PASSWORD_MIN = 8
PASSWORD_MAX = 256


class Checker:
    """Collects field errors and raises them together."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def text(self, field: str, value, *, required: bool = False, max_len: int = 200) -> str | None:
        if value is None:
            if required:
                self.add(field, "This field is required.")
            return None
        if not isinstance(value, str):
            self.add(field, "Must be text.")
            return None
        value = value.strip()
        if required and not value:
            self.add(field, "This field is required.")
        elif len(value) > max_len:
            self.add(field, f"Must be at most {max_len} characters.")
        elif any(ch in value for ch in "\x00"):
            self.add(field, "Contains a character that is not allowed.")
        return value

    def line(self, field: str, value, *, required: bool = False, max_len: int = 200) -> str | None:
        """Single-line text: no CR/LF (names, titles, subjects end up in headers)."""
        value = self.text(field, value, required=required, max_len=max_len)
        if value and ("\r" in value or "\n" in value):
            self.add(field, "Must be a single line.")
        return value

    def choice(self, field: str, value, choices, *, required: bool = False) -> str | None:
        if value is None:
            if required:
                self.add(field, "This field is required.")
            return None
        if value not in choices:
            self.add(field, f"Must be one of: {', '.join(choices)}.")
            return None
        return value

    def email(self, field: str, value) -> str | None:
        value = self.line(field, value, required=True, max_len=254)
        if not value:
            return None
        try:
            return normalize_email(value)
        except EmailNotValidError:
            self.add(field, "Not a valid email address.")
            return None

    def password(self, field: str, value) -> str | None:
        if not isinstance(value, str) or not value:
            self.add(field, "This field is required.")
            return None
        if len(value) < PASSWORD_MIN:
            self.add(field, f"Must be at least {PASSWORD_MIN} characters.")
        elif len(value) > PASSWORD_MAX:
            self.add(field, f"Must be at most {PASSWORD_MAX} characters.")
        return value

    def raise_if_any(self, detail: str = "Some fields are not valid.") -> None:
        if self.errors:
            raise ValidationFailed(detail, errors=self.errors)


def normalize_email(value: str) -> str:
    """Syntax-checked, lower-cased address (no DNS lookup)."""
    result = validate_email(value.strip(), check_deliverability=False)
    return result.normalized.lower()
