"""The mail worker: `python worker.py` runs an RQ worker on the mail queue.

`python worker.py --burst` works until the queue is empty, then exits.
"""

import sys

from dotenv import load_dotenv

load_dotenv()

from app import create_app  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    from app.mail.worker import run_worker

    args = sys.argv[1:] if argv is None else argv
    app = create_app()
    run_worker(app, burst="--burst" in args)


if __name__ == "__main__":
    main()
