"""Password hashing with argon2id; parameters come from the config."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import Flask, current_app

# Verified against when the email is unknown, so a wrong email costs as much as a
# wrong password and the response time does not reveal which accounts exist.
_DUMMY_PASSWORD = "not-a-real-password"  # noqa: S105 - never a credential


def init_passwords(app: Flask) -> None:
    hasher = PasswordHasher(
        time_cost=app.config["ARGON2_TIME_COST"],
        memory_cost=app.config["ARGON2_MEMORY_COST"],
        parallelism=app.config["ARGON2_PARALLELISM"],
    )
    app.extensions["password_hasher"] = hasher
    app.extensions["password_dummy_hash"] = hasher.hash(_DUMMY_PASSWORD)


def _hasher() -> PasswordHasher:
    return current_app.extensions["password_hasher"]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-work check; a missing hash still pays for one verification."""
    target = password_hash or current_app.extensions["password_dummy_hash"]
    try:
        ok = _hasher().verify(target, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return ok and password_hash is not None


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
