"""Entry point for `flask` and WSGI servers: `gunicorn run:app`."""

from dotenv import load_dotenv

load_dotenv()

from app import create_app  # noqa: E402

app = create_app()
