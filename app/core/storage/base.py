"""What every storage backend offers, and the keys it accepts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

# Letters, digits, dot, dash, underscore; no leading dot, no slash: a key is
# never a path, whatever the backend.
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class FileMissing(LookupError):
    """No file is stored under that key."""


def check_key(key: str) -> str:
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise ValueError("not a storage key")
    return key


@dataclass(frozen=True)
class StoredObject:
    """A stored file opened for reading; whoever reads `file` closes it (a download response does)."""

    key: str
    size: int
    content_type: str | None  # None where the backend does not keep it (local)
    file: BinaryIO


class Storage(Protocol):
    name: str

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store new bytes under a key not used before."""

    def open(self, key: str) -> StoredObject:
        """The file, ready to stream; FileMissing when there is none."""

    def get(self, key: str) -> bytes:
        """All the bytes at once; FileMissing when there is none."""

    def delete(self, key: str) -> None:
        """Forget the file; nothing happens when there is none."""

    def exists(self, key: str) -> bool: ...

    def keys(self) -> Iterator[str]:
        """Every key stored, for copies between backends."""
