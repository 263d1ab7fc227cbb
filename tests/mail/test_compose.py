"""Pure units: building emails from rows, telling permanent from temporary failures."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime

import pytest

from app.mail.compose import build_email, new_message_id, one_line
from app.mail.delivery import is_permanent
from app.models import OutboxMessage


def _row(**fields) -> OutboxMessage:
    values = {
        "to_address": "ada@example.com",
        "to_name": "Ada",
        "subject": "Hello",
        "text_body": "Plain",
        "html_body": "<p>Rich</p>",
        "message_id": "<abc@ats.example>",
        "created_at": datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC),
    }
    return OutboxMessage(**{**values, **fields})


def test_one_line_flattens_every_control_character():
    assert one_line("a\r\nb\tc\x00d\x7fe") == "a b c d e"


def test_build_email_carries_the_stored_message_id_and_both_parts():
    email = build_email(_row(), "ATS <no-reply@ats.example>")
    assert email["Message-ID"] == "<abc@ats.example>"
    assert email["From"].addresses[0].addr_spec == "no-reply@ats.example"
    assert email["Date"] == "Wed, 02 Jan 2030 03:04:05 +0000"
    assert email.get_body(("plain",)).get_content().strip() == "Plain"
    assert email.get_body(("html",)).get_content().strip() == "<p>Rich</p>"


def test_build_email_keeps_crlf_out_of_headers():
    email = build_email(_row(to_name="Eve\r\nBcc: x@evil.example", subject="Hi\nX-A: 1"), "ATS <a@b.example>")
    headers = email.as_string().partition("\n\n")[0]
    assert "\nBcc:" not in headers and "\nX-A:" not in headers
    assert email["Subject"] == "Hi X-A: 1"


def test_an_unusable_address_is_a_value_error():
    with pytest.raises(ValueError):
        build_email(_row(to_address="not-an-address"), "ATS <a@b.example>")


def test_message_ids_are_unique_and_use_the_sender_domain():
    first, second = new_message_id("ATS <no-reply@ats.example>"), new_message_id("ATS <no-reply@ats.example>")
    assert first != second and first.endswith("@ats.example>")


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (smtplib.SMTPDataError(451, b"later"), False),
        (smtplib.SMTPDataError(554, b"rejected"), True),
        (smtplib.SMTPRecipientsRefused({"a@b.example": (550, b"no such user")}), True),
        (smtplib.SMTPRecipientsRefused({"a@b.example": (450, b"greylisted")}), False),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
        (ConnectionRefusedError(111, "refused"), False),
        (TimeoutError("timed out"), False),
        (ValueError("bad header"), True),
    ],
)
def test_permanent_failures(error, permanent):
    assert is_permanent(error) is permanent


def test_links_stay_whole_in_the_raw_message():
    link = "https://ats.example/auth/set-password/" + "x" * 120
    raw = build_email(_row(text_body=f"Open:\n{link}\n", html_body=f'<a href="{link}">go</a>'), "a@b.example")
    assert raw.as_string().count(link) == 2


def test_non_ascii_bodies_are_still_encoded_safely():
    email = build_email(_row(text_body="Grüße, José\n", html_body=None), "a@b.example")
    assert email.get_content().strip() == "Grüße, José"
    assert email["Content-Transfer-Encoding"] == "quoted-printable"
