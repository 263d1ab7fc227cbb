"""The keys duplicates are found by: each field written one way, so equal people give equal keys.

Pure functions (no database): the candidate service stores them on write, the
migration backfills them, the duplicates pass recomputes them for records that
changed. Each returns None when there is nothing to compare by.
"""

from __future__ import annotations

import difflib
import hashlib
import unicodedata
from urllib.parse import urlsplit

from app.services import phones

# A name pair at least this similar (difflib's ratio of the token-sorted names) counts as "very similar".
NAME_SIMILARITY = 0.85
# googlemail.com is Google's other name for gmail.com: the same mailbox.
EMAIL_DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}


def email_key(email: str | None) -> str | None:
    """Lower-cased and trimmed; googlemail.com read as gmail.com.

    Dots and `+tags` are kept: only some providers ignore them, and a rule of one
    provider applied to all would pair different people.
    """
    if not email or "@" not in email:
        return None
    local, _, domain = email.strip().lower().rpartition("@")
    return f"{local}@{EMAIL_DOMAIN_ALIASES.get(domain, domain)}"[:254]


def phone_key(phone: str | None) -> str | None:
    """E.164 (app/services/phones.py) when the number carries its country code, else None."""
    if not phone:
        return None
    parsed = phones.normalise(phone)
    return parsed.value if parsed.normalised else None


def linkedin_key(links: dict | None) -> str | None:
    """`https://www.LinkedIn.com/in/Ada-L/?trk=x` -> `linkedin.com/in/ada-l`: no scheme, www, query, slash, case."""
    url = (links or {}).get("linkedin") if isinstance(links, dict) else None
    if not url or not isinstance(url, str):
        return None
    text = url.strip()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    host = (parts.hostname or "").lower()
    for prefix in ("www.", "m."):
        host = host.removeprefix(prefix)
    if not host.endswith("linkedin.com"):
        return None
    path = parts.path.rstrip("/").lower()
    if not path:
        return None
    return f"linkedin.com{path}"[:300]


def name_key(full_name: str | None) -> str | None:
    """Accents dropped, case folded, punctuation to spaces, words sorted: "Lovelace, Ádá" -> "ada lovelace"."""
    if not full_name:
        return None
    text = unicodedata.normalize("NFKD", full_name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    words = "".join(ch if ch.isalnum() else " " for ch in text).split()
    return " ".join(sorted(words))[:200] or None


def similar_names(a: str | None, b: str | None) -> bool:
    """The same token-sorted name, or a difflib ratio of at least NAME_SIMILARITY."""
    if not a or not b:
        return False
    return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= NAME_SIMILARITY


def resume_hash(text: str | None) -> str | None:
    """SHA-256 of a resume's extracted text (whitespace folded): the same file gives the same hash."""
    if not text:
        return None
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def keys_for(*, full_name: str | None, email: str | None, phone: str | None, links: dict | None) -> dict:
    """Every key of a candidate's details, by column name."""
    return {
        "email_key": email_key(email),
        "phone_e164": phone_key(phone),
        "linkedin_key": linkedin_key(links),
        "name_key": name_key(full_name),
    }
