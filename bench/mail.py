"""Mail throughput: outbox messages delivered per second by 1 and by 2 workers.

A local SMTP server (aiosmtpd) records when each message arrives; pending
outbox rows are put on the RQ queue; `python worker.py` processes deliver
them. The rate is taken between the first and the last arrival, so worker
start-up does not count.

    python -m bench.mail enqueue N   # run with the worker's environment: N pending messages, queued
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from bench import cpu

ROOT = Path(__file__).resolve().parent.parent
TEXT = "Hello,\n\nThank you for applying. We will read your application and come back to you soon.\n\n" * 4
HTML = f"<!doctype html><html><body><p>{TEXT.replace(chr(10), '<br>')}</p></body></html>"


class Sink:
    """An SMTP server on loopback that notes the arrival time of each message."""

    def __init__(self) -> None:
        import socket

        from aiosmtpd.controller import Controller

        self.arrivals: list[float] = []
        self.lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                with sink.lock:
                    sink.arrivals.append(time.monotonic())
                return "250 OK"

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> Sink:
        self.controller.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.controller.stop()

    def wait_for(self, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.arrivals) >= count:
                return True
            time.sleep(0.05)
        return False


def _run(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True)


def throughput(env: dict, workers: int, messages: int, timeout: float = 180) -> dict:
    """Deliver `messages` with `workers` worker processes; messages/s between first and last arrival."""
    with Sink() as sink:
        worker_env = {**env, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(sink.port), "MAIL_SWEEP_INTERVAL": "3600"}
        _run(worker_env, "-m", "bench.mail", "enqueue", str(messages))
        processes = [
            subprocess.Popen([sys.executable, "worker.py"], cwd=ROOT, env=worker_env, stdout=subprocess.DEVNULL)
            for _ in range(workers)
        ]
        try:
            complete = sink.wait_for(messages, timeout)
            worker_cpu = sum(cpu.tree_seconds(process.pid) for process in processes)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        arrivals = sorted(sink.arrivals)
    span = arrivals[-1] - arrivals[0] if len(arrivals) > 1 else 0.0
    return {
        "workers": workers,
        "messages": messages,
        "delivered": len(arrivals),
        "complete": complete,
        "seconds": round(span, 2),
        "per_second": round((len(arrivals) - 1) / span, 1) if span else 0.0,
        "worker_cpu_ms": round(1000 * worker_cpu / max(len(arrivals), 1), 2),  # includes start-up
    }


def enqueue(count: int) -> None:
    """N pending outbox messages, bulk-inserted and put on the queue (run with the worker's environment)."""
    import uuid

    from sqlalchemy import insert, select

    from app import create_app
    from app.extensions import db
    from app.mail import queue
    from app.models import OutboxMessage

    app = create_app()
    with app.app_context():
        run = uuid.uuid4().hex[:8]
        rows = [
            {"kind": "bench", "to_address": f"reader{n}@example.com", "to_name": f"Reader {n}",
             "subject": "We received your application", "text_body": TEXT, "html_body": HTML,
             "message_id": f"<bench-{run}-{n}@ats.example>", "status": "pending", "attempts": 0}
            for n in range(count)
        ]  # fmt: skip
        db.session.execute(insert(OutboxMessage), rows)
        db.session.commit()
        ids = list(db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.kind == "bench")
                                      .where(OutboxMessage.message_id.like(f"<bench-{run}-%"))))  # fmt: skip
        queued = queue.enqueue(app, ids)
        if queued != count:
            raise SystemExit(f"only {queued} of {count} messages were queued")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "enqueue":
        enqueue(int(sys.argv[2]))
    else:
        raise SystemExit(__doc__)
