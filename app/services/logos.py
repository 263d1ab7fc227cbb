"""Company logos: PNG or JPEG checked by their bytes, stored under a key that is new for every upload.

SVG is refused: an SVG is a document that can carry scripts and external
references, and no sanitiser is kept in this project; PNG and JPEG cover
logos. Since a key never changes meaning, a logo's public URL can be cached
for a year.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import struct
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import select

from app.after_commit import run_after_commit
from app.core.storage import FileMissing, get_storage
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Company, User
from app.services.companies import require_company_admin

PNG = "image/png"
JPEG = "image/jpeg"
LOGO_TYPES = (PNG, JPEG)
LOGO_MAX_BYTES = 512 * 1024  # the default of the LOGO_MAX_BYTES setting
KEY_RE = re.compile(r"^[0-9a-f]{32}$")
_OLD_LOGOS = "old_logo_keys"


@dataclass(frozen=True)
class LogoUpload:
    filename: str
    data: bytes


class LogoFiles:
    """Where logo bytes live, by key: the storage backend uploads use (app/core/storage)."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        get_storage().put(key, data, content_type)

    def get(self, key: str) -> bytes | None:
        try:
            return get_storage().get(key)
        except FileMissing:
            return None

    def delete(self, key: str) -> None:
        get_storage().delete(key)


logo_files = LogoFiles()


def sniff_logo(data: bytes) -> str | None:
    """PNG (signature and a sane IHDR) or JPEG (start of image and a marker), from the bytes alone."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24 and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return PNG if width > 0 and height > 0 else None
    if data.startswith(b"\xff\xd8\xff") and len(data) > 4:
        return JPEG
    return None


def _looks_like_svg(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head)


def check_logo(upload: LogoUpload) -> str:
    """The logo's type; a ValidationFailed on the `logo` field otherwise."""
    limit = int(current_app.config.get("LOGO_MAX_BYTES", LOGO_MAX_BYTES))
    if not upload.data:
        message = "The file is empty."
    elif len(upload.data) > limit:
        message = f"Must be at most {limit // 1024} KB."
    elif _looks_like_svg(upload.data):
        message = "SVG logos are not accepted (they can carry scripts); upload a PNG or JPEG."
    else:
        content_type = sniff_logo(upload.data)
        if content_type is not None:
            return content_type
        message = "Upload a PNG or JPEG image."
    raise ValidationFailed("The logo is not valid.", errors={"logo": [message]})


def set_logo(actor: User, company_id: int, upload: LogoUpload) -> Company:
    """Replace the company's logo (admins only); the old file goes once the change is committed."""
    company = require_company_admin(actor, company_id)
    content_type = check_logo(upload)
    key = secrets.token_hex(16)
    logo_files.put(key, upload.data, content_type)
    _forget_after_commit(company.logo_key)
    company.logo_key, company.logo_content_type = key, content_type
    db.session.flush()
    return company


def remove_logo(actor: User, company_id: int) -> Company:
    company = require_company_admin(actor, company_id)
    _forget_after_commit(company.logo_key)
    company.logo_key = company.logo_content_type = None
    db.session.flush()
    return company


def _forget_after_commit(key: str | None) -> None:
    """The old logo goes with the change: in its transaction (database storage) or once it is committed (files)."""
    if not key:
        return
    if get_storage().name == "database":
        logo_files.delete(key)
    else:
        db.session.info.setdefault(_OLD_LOGOS, set()).add(key)


def _delete_old_logos(_app: Flask, keys: set[str]) -> None:
    for key in keys:
        with contextlib.suppress(OSError, ValueError):
            logo_files.delete(key)


run_after_commit(_OLD_LOGOS, _delete_old_logos)


def logo_for_key(key: str) -> tuple[bytes, str] | None:
    """(bytes, content type) of a company's current logo, or None: only keys a company holds are served."""
    if not KEY_RE.match(key or ""):
        return None
    content_type = db.session.scalar(select(Company.logo_content_type).where(Company.logo_key == key))
    if content_type not in LOGO_TYPES:
        return None
    data = logo_files.get(key)
    return (data, content_type) if data is not None else None


def content_types(keys: list[str]) -> dict[str, str]:
    """{key: content type} for the keys that are some company's current logo (for copies between backends)."""
    if not keys:
        return {}
    rows = db.session.execute(select(Company.logo_key, Company.logo_content_type).where(Company.logo_key.in_(keys)))
    return {key: content_type for key, content_type in rows}
