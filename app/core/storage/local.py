"""The `local` backend: one file per key in a directory of this host (UPLOAD_DIR)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from app.core.storage.base import FileMissing, StoredObject, check_key


class LocalStorage:
    """Files written at once, outside any transaction (a failed request may leave one behind)."""

    name = "local"

    def __init__(self, directory: str) -> None:
        self.directory = directory

    def _path(self, key: str) -> str:
        return os.path.join(self.directory, check_key(key))

    def put(self, key: str, data: bytes, content_type: str) -> None:
        # The content type is not kept: the record that points at the file holds it.
        os.makedirs(self.directory, exist_ok=True)
        with open(self._path(key), "xb") as handle:
            handle.write(data)

    def open(self, key: str) -> StoredObject:
        try:
            handle = open(self._path(key), "rb")  # noqa: SIM115 - the download response closes it
        except (FileNotFoundError, IsADirectoryError):
            raise FileMissing(key) from None
        return StoredObject(key, os.fstat(handle.fileno()).st_size, None, handle)

    def get(self, key: str) -> bytes:
        with self.open(key).file as handle:
            return handle.read()

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.remove(self._path(key))

    def exists(self, key: str) -> bool:
        return os.path.isfile(self._path(key))

    def keys(self) -> Iterator[str]:
        if not os.path.isdir(self.directory):
            return
        for entry in sorted(os.scandir(self.directory), key=lambda e: e.name):
            with contextlib.suppress(ValueError):
                if entry.is_file() and check_key(entry.name):
                    yield entry.name
