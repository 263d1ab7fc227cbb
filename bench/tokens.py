"""Access tokens for many seeded candidates, minted by the API's own issue_tokens().

Run in a subprocess with the server's environment (same JWT secret):
    python -m bench.tokens < ids  > tokens
Signing a token is cheap; the password hash is not, so the apply scenario signs
its candidates in here rather than through POST /auth/token.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def mint(env: dict, user_ids: Iterable[int]) -> list[str]:
    ids = "\n".join(str(i) for i in user_ids)
    result = subprocess.run(
        [sys.executable, "-m", "bench.tokens"], input=ids, env=env, cwd=ROOT, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"minting tokens failed: {result.stderr[-2000:]}")
    return result.stdout.split()


def main() -> None:
    from app import create_app
    from app.api.auth import issue_tokens
    from app.extensions import db
    from app.models import User

    app = create_app()
    ids = [int(line) for line in sys.stdin.read().split()]
    with app.app_context():
        users = db.session.scalars(db.select(User).where(User.id.in_(ids))).all()
        for user in users:
            print(issue_tokens(user)["access_token"])


if __name__ == "__main__":
    main()
