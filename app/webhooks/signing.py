"""Standard Webhooks signatures (https://www.standardwebhooks.com/): secrets, headers, the body."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from datetime import datetime

PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    """`whsec_` + base64 of 32 random bytes."""
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def webhook_id(event_id: int) -> str:
    """The `webhook-id` of an event: the same on every attempt and every replay, so receivers can drop repeats."""
    return f"evt_{event_id}"


def body(event_type: str, occurred_at: datetime, data: dict) -> bytes:
    """The JSON body: {type, timestamp, data}."""
    envelope = {"type": event_type, "timestamp": occurred_at.isoformat().replace("+00:00", "Z"), "data": data}
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()


def signature(secret: str, msg_id: str, timestamp: int, payload: bytes) -> str:
    """`v1,` + base64 of HMAC-SHA256 over "id.timestamp.body", keyed with the secret's decoded bytes."""
    key = base64.b64decode(secret.removeprefix(PREFIX))
    signed = f"{msg_id}.{timestamp}.".encode() + payload
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def headers(secret: str, msg_id: str, timestamp: int, payload: bytes) -> dict[str, str]:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, msg_id, timestamp, payload),
        "Content-Type": "application/json",
    }
