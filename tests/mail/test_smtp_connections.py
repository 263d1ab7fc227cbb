"""A worker keeps its SMTP connection between messages, and recovers when it breaks."""

from email.message import EmailMessage

import pytest

from app.mail.backends import close_kept_connection, keep_connections, send_smtp
from tests.plugins.services import SMTPSink


def _message(n: int) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "ats@x.example", f"to{n}@x.example", f"Message {n}"
    message.set_content("Hello")
    return message


@pytest.fixture
def smtp_app(make_app, smtp_server):
    keep_connections(True)  # as the worker does

    def build(**overrides):
        return make_app(MAIL_BACKEND="smtp", SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port, **overrides)

    yield build
    close_kept_connection()
    keep_connections(False)


def test_messages_share_one_connection(smtp_app, smtp_server):
    app = smtp_app()
    for n in range(5):
        send_smtp(app, _message(n))
    assert [m[2]["Subject"] for m in smtp_server.messages] == [f"Message {n}" for n in range(5)]
    assert smtp_server.greetings == 1


def test_connection_is_renewed_after_the_configured_number_of_messages(smtp_app, smtp_server):
    app = smtp_app(SMTP_MAX_MESSAGES_PER_CONNECTION=2)
    for n in range(5):
        send_smtp(app, _message(n))
    assert len(smtp_server.messages) == 5
    assert smtp_server.greetings == 3


def test_one_connection_per_message_when_asked(smtp_app, smtp_server):
    app = smtp_app(SMTP_MAX_MESSAGES_PER_CONNECTION=1)
    for n in range(3):
        send_smtp(app, _message(n))
    assert smtp_server.greetings == 3


def test_a_connection_the_server_dropped_is_replaced(smtp_app, smtp_server):
    app = smtp_app()
    send_smtp(app, _message(1))
    smtp_server.stop()  # the kept connection dies with the server
    restarted = SMTPSink(port=smtp_server.port).start()
    try:
        send_smtp(app, _message(2))
        assert [m[2]["Subject"] for m in restarted.messages] == ["Message 2"]
        assert restarted.greetings == 1
    finally:
        close_kept_connection()
        restarted.stop()


def test_a_refused_message_does_not_spoil_the_next(smtp_app, smtp_server):
    app = smtp_app()
    send_smtp(app, _message(1))
    smtp_server.refuse = True
    with pytest.raises(Exception, match="451"):
        send_smtp(app, _message(2))
    smtp_server.refuse = False
    send_smtp(app, _message(3))
    assert [m[2]["Subject"] for m in smtp_server.messages] == ["Message 1", "Message 3"]
    assert smtp_server.greetings == 2  # the connection that saw the failure was dropped


def test_outside_the_worker_each_message_has_its_own_connection(make_app, smtp_server):
    app = make_app(MAIL_BACKEND="smtp", SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port)
    for n in range(3):
        send_smtp(app, _message(n))
    assert len(smtp_server.messages) == 3
    assert smtp_server.greetings == 3
