"""Real servers the fault tests start, break and bring back: Redis, PostgreSQL, SMTP and the mail worker.

Each listens on a free loopback port of its own, so killing it touches nobody else.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from email import message_from_bytes, policy
from pathlib import Path

import psycopg
import redis

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], bool], timeout: float, what: str, interval: float = 0.05) -> None:
    """Poll `condition` until it holds; a bound on waiting, not on speed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError(f"gave up after {timeout:.0f} s waiting for {what}")


class RedisServer:
    """`redis-server` without persistence: a kill loses every key, as a crash of a cache-only Redis would."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed; the fault tests need it")
        self.binary = binary
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        wait_until(lambda: self._answers(client), 10, "redis-server to start")
        client.close()
        return self

    @staticmethod
    def _answers(client: redis.Redis) -> bool:
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False

    def kill(self) -> None:
        """SIGKILL: no goodbye to the clients, every key lost."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
            self.process = None

    def restart(self) -> None:
        self.kill()
        self.start()

    stop = kill


class PostgresServer:
    """A throwaway PostgreSQL cluster in a temporary directory, run as the `postgres` user when we are root."""

    def __init__(self) -> None:
        for tool in ("initdb", "pg_ctl"):
            if not (PG_BIN / tool).exists():
                raise RuntimeError(f"{PG_BIN / tool} is missing; the fault tests need PostgreSQL's server binaries")
        self.root = Path(tempfile.mkdtemp(prefix="ats-faults-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")

    def _run(self, *args: str) -> None:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> PostgresServer:
        if not self.data.exists():
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")
        self._pg_ctl("start")
        return self

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", *extra, action)

    def restart(self) -> None:
        """A fast restart: every backend is terminated, then the server comes back."""
        self._pg_ctl("restart", "-m", "fast")

    def terminate_backends(self, database: str) -> int:
        """pg_terminate_backend on every connection to `database`, as an operator or a failover would.

        Returns once those backends are gone, so their clients' sockets are closed by then.
        """
        with psycopg.connect(self.url(), autocommit=True) as admin:
            pids = [
                pid
                for (pid,) in admin.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (database,)
                )
            ]
            self._terminate(admin, pids)
        return len(pids)

    def terminate(self, pid: int) -> None:
        with psycopg.connect(self.url(), autocommit=True) as admin:
            self._terminate(admin, [pid])

    @staticmethod
    def _terminate(admin: psycopg.Connection, pids: list[int]) -> None:
        if not pids:
            return
        admin.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", (pids,))

        def gone() -> bool:
            query = "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)"
            return admin.execute(query, (pids,)).fetchone()[0] == 0

        wait_until(gone, 10, "the terminated backends to exit")

    def create_database(self, name: str) -> str:
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._pg_ctl("stop", "-m", "immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


class CountingSMTP:
    """A real SMTP server (aiosmtpd) that keeps every Message-ID it accepts; it can be stopped and restarted.

    `during_data`, when set, runs inside each DATA command before the 250: the moment a worker is
    in the middle of a job, where the tests break Redis or the database.
    """

    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()
        self.message_ids: list[str] = []
        self.during_data: Callable[[], None] | None = None
        self.controller = None

    def start(self) -> CountingSMTP:
        from aiosmtpd.controller import Controller

        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                if sink.during_data is not None:
                    sink.during_data()
                message = message_from_bytes(envelope.content, policy=policy.default)
                sink.message_ids.append(str(message["Message-ID"]))
                return "250 OK"

        self.controller = Controller(Handler(), hostname=self.host, port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class WorkerProcess:
    """`python worker.py`, the mail worker as it runs in production, with its output kept for a failing test."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> WorkerProcess:
        self.log_file = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "worker.py"], cwd=ROOT, env=self.env, stdout=self.log_file, stderr=subprocess.STDOUT
        )
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def output(self, tail: int | None = 4000) -> str:
        text = self.log_path.read_text(errors="replace")
        return text[-tail:] if tail else text

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, whatever it was doing is cut short."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        if self.process is not None:
            self.log_file.close()
            self.process = None

    def stop(self) -> int | None:
        """SIGTERM (a warm shutdown) and its exit code."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.log_file.close()
        code, self.process = self.process.returncode, None
        return code
