"""The mail worker: `python worker.py` runs an RQ worker on the mail queue."""

from dotenv import load_dotenv

load_dotenv()

from app import create_app  # noqa: E402


def main() -> None:
    from app.mail.worker import run_worker

    app = create_app()
    run_worker(app)


if __name__ == "__main__":
    main()
