"""The service fixtures themselves: real Redis, a real SMTP server."""

import smtplib
from email.message import EmailMessage

import redis


def test_redis_prefix_is_cleaned(redis_url, redis_prefix):
    client = redis.Redis.from_url(redis_url)
    client.set(f"{redis_prefix}probe", "1")
    assert client.get(f"{redis_prefix}probe") == b"1"


def test_smtp_server_receives_and_can_refuse(smtp_server):
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@x.example", "b@x.example", "Hi"
    message.set_content("Body")
    with smtplib.SMTP(smtp_server.host, smtp_server.port) as smtp:
        smtp.send_message(message)
    assert smtp_server.messages[0][2]["Subject"] == "Hi"
    smtp_server.refuse = True
    with smtplib.SMTP(smtp_server.host, smtp_server.port) as smtp:
        try:
            smtp.send_message(message)
            raise AssertionError("the server should refuse")
        except smtplib.SMTPDataError as error:
            assert error.smtp_code == 451
