"""The mail worker: `python worker.py` runs an RQ worker on the mail queue.

`python worker.py --burst` works until the queue is empty, then exits.
`python worker.py inbound` runs the reply receiver instead (an SMTP server for
reply+<token>@MAIL_REPLY_DOMAIN, on MAIL_INBOUND_HOST:MAIL_INBOUND_PORT).
"""

import sys

from dotenv import load_dotenv

load_dotenv()

from app import create_app  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    app = create_app()
    if args[:1] == ["inbound"]:
        from app.mail.inbound import run_receiver

        run_receiver(app)
        return
    from app.mail.worker import run_worker

    run_worker(app, burst="--burst" in args)


if __name__ == "__main__":
    main()
