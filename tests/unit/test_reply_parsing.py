"""Reply addresses and reading a reply: pure functions."""

from __future__ import annotations

from email.message import EmailMessage

from app.mail.inbound import parse, trim_quoted
from app.services import replies

DOMAIN = "Replies.Example"


def test_tokens_are_long_random_and_caseless():
    tokens = {replies.new_token() for _ in range(200)}
    assert len(tokens) == 200
    assert all(len(t) == 32 and t == t.lower() and t.isalnum() for t in tokens)  # 160 bits of base32


def test_only_reply_addresses_of_the_domain_carry_a_token():
    token = replies.new_token()
    assert replies.token_of(f"reply+{token}@replies.example", DOMAIN) == token
    assert replies.token_of(f"REPLY+{token.upper()}@REPLIES.EXAMPLE", DOMAIN) == token  # a server changed the case
    assert replies.token_of(f"<reply+{token}@replies.example>", DOMAIN) == token
    assert replies.token_of(f"reply+{token}@other.example", DOMAIN) is None
    assert replies.token_of(f"reply+{token[:-1]}@replies.example", DOMAIN) is None
    assert replies.token_of(f"reply+{token}x@replies.example", DOMAIN) is None
    assert replies.token_of(f"someone+{token}@replies.example", DOMAIN) is None
    assert replies.token_of(f"reply+{token}@replies.example", "") is None


def test_quoted_history_is_trimmed_and_a_reply_of_quotes_only_is_kept_whole():
    assert trim_quoted("Yes, Monday works.\n\nOn Mon, 30 Nov 2026 at 10:00, ATS <no-reply@x> wrote:\n> Hi\n") == (
        "Yes, Monday works."
    )
    assert trim_quoted("Fine.\n\nOn Mon, 30 Nov 2026 at 10:00, ATS\n<no-reply@x> wrote:\n> Hi\n") == "Fine."
    assert trim_quoted("Sure\n-----Original Message-----\nFrom: ATS\n") == "Sure"
    assert trim_quoted("Inline answer\n> quoted\nmy answer\n> more quoted\n> and more\n") == (
        "Inline answer\n> quoted\nmy answer"
    )
    assert trim_quoted("> only quotes\n") == "> only quotes"


def _message(**headers) -> EmailMessage:
    message = EmailMessage()
    for key, value in headers.items():
        message[key.replace("_", "-")] = value
    return message


def test_parse_reads_the_text_part_headers_and_files():
    message = _message(
        From="Ada Lovelace <ada@example.com>", Subject="Re: hi", Message_ID="<1@x>", In_Reply_To="<out@ats>"
    )
    message.set_content("Hello\n")
    message.add_alternative("<p>Hello</p>", subtype="html")
    message.add_attachment(b"%PDF-1.4 x", maintype="application", subtype="pdf", filename="cv.pdf")
    reply = parse(message.as_bytes())
    assert (reply.from_address, reply.from_name, reply.subject) == ("ada@example.com", "Ada Lovelace", "Re: hi")
    assert (reply.text, reply.message_id, reply.in_reply_to) == ("Hello", "<1@x>", "<out@ats>")
    assert [(a.filename, a.data) for a in reply.attachments] == [("cv.pdf", b"%PDF-1.4 x")]
    assert not reply.automatic


def test_parse_refuses_html_only_and_names_messages_without_an_id():
    html_only = _message(From="a@example.com")
    html_only.set_content("<p>Hi</p>", subtype="html")
    assert parse(html_only.as_bytes()) is None
    plain = _message(From="a@example.com", Auto_Submitted="auto-replied")
    plain.set_content("Out of office")
    first, again = parse(plain.as_bytes()), parse(plain.as_bytes())
    assert first.message_id == again.message_id and first.message_id.endswith("@no-message-id>")
    assert first.automatic  # kept, but nobody is told


def test_attachments_are_recognised_by_their_bytes():
    assert replies.sniff_attachment(b"%PDF-1.7 ...") == "application/pdf"
    assert replies.sniff_attachment(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert replies.sniff_attachment(b"\xff\xd8\xff\xe0....") == "image/jpeg"
    assert replies.sniff_attachment(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert replies.sniff_attachment(b"MZ\x90\x00") is None
    assert replies.sniff_attachment(b"<svg onload=alert(1)>") is None
    assert replies.sniff_attachment(b"") is None
