"""The `database` backend: bytes in the `stored_files` table, seen by every web host.

Writes join the caller's transaction (the request's one commit): a request that
fails leaves no row behind.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator

from sqlalchemy import delete, select

from app.core.storage.base import FileMissing, StoredObject, check_key
from app.extensions import db
from app.models.files import StoredFile


class DatabaseStorage:
    name = "database"

    def put(self, key: str, data: bytes, content_type: str) -> None:
        db.session.add(
            StoredFile(
                key=check_key(key),
                content_type=content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                data=data,
            )
        )

    def open(self, key: str) -> StoredObject:
        # One statement, columns only: the bytes are read once and kept out of the identity map.
        row = db.session.execute(
            select(StoredFile.size, StoredFile.content_type, StoredFile.data).where(StoredFile.key == check_key(key))
        ).first()
        if row is None:
            raise FileMissing(key)
        return StoredObject(key, row.size, row.content_type, io.BytesIO(row.data))

    def get(self, key: str) -> bytes:
        data = db.session.scalar(select(StoredFile.data).where(StoredFile.key == check_key(key)))
        if data is None:
            raise FileMissing(key)
        return data

    def delete(self, key: str) -> None:
        check_key(key)
        for pending in list(db.session.new):
            if isinstance(pending, StoredFile) and pending.key == key:
                db.session.expunge(pending)  # never written: nothing to delete
                return
        db.session.execute(delete(StoredFile).where(StoredFile.key == key))

    def exists(self, key: str) -> bool:
        return db.session.scalar(select(StoredFile.key).where(StoredFile.key == check_key(key))) is not None

    def keys(self) -> Iterator[str]:
        yield from db.session.scalars(select(StoredFile.key).order_by(StoredFile.key))
