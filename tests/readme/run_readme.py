"""Run the README's shell blocks, as written, against a fresh copy of the project.

    python tests/readme/run_readme.py [README.md]

Every ```sh block runs with bash (-euo pipefail) in a temporary copy of the
working tree (without .git, instance/, .env or caches; .venv is linked to the
real one), with PORT set to a free port and none of the caller's app settings.
A block right after `<!-- readme: skip (reason) -->` is not run, and the report
lists it with its reason. A block right after `<!-- readme: server (...) -->` is
started in the background; the blocks after it run once the server answers
/healthz, and it is stopped at the end. Blocks run in order, and the first one
that fails stops the run.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"^```sh\s*$")
MARKER = re.compile(r"^<!--\s*readme:\s*(?P<mode>[a-z]+)\s*(?:\((?P<reason>[^)]*)\))?\s*-->\s*$")
MODES = {"skip", "server"}
COPY_IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "venv",
    "instance",
    ".env",
    "test-artifacts",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "results",
)
BLOCK_TIMEOUT = 120  # seconds for one block
SERVER_TIMEOUT = 180  # seconds for a server block to answer (it may install the virtualenv first)


@dataclass
class Block:
    line: int  # of the opening fence, 1-based
    code: str
    mode: str = "run"  # run | skip | server
    reason: str = ""


@dataclass
class Report:
    ran: list[Block] = field(default_factory=list)
    skipped: list[Block] = field(default_factory=list)
    failure: str = ""

    @property
    def ok(self) -> bool:
        return not self.failure

    def text(self) -> str:
        lines = [f"README: {len(self.ran)} blocks ran, {len(self.skipped)} skipped."]
        lines += [f"  skipped line {b.line}: {b.reason or 'no reason given'}" for b in self.skipped]
        if self.failure:
            lines.append(f"FAILED: {self.failure}")
        return "\n".join(lines)


def parse(text: str) -> list[Block]:
    """The ```sh blocks, each with the marker (if any) on the last non-blank line before it."""
    blocks: list[Block] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        if not FENCE.match(lines[index]):
            index += 1
            continue
        start = index
        end = start + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        if end == len(lines):
            raise ValueError(f"README line {start + 1}: a ```sh block is never closed")
        block = Block(line=start + 1, code="\n".join(lines[start + 1 : end]) + "\n")
        before = start - 1
        while before >= 0 and not lines[before].strip():
            before -= 1
        marker = MARKER.match(lines[before].strip()) if before >= 0 else None
        if marker:
            if marker["mode"] not in MODES:
                raise ValueError(f"README line {before + 1}: unknown marker {marker['mode']!r} (use skip or server)")
            block.mode, block.reason = marker["mode"], (marker["reason"] or "").strip()
        blocks.append(block)
        index = end + 1
    return blocks


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def project_copy(into: Path) -> Path:
    """The working tree as it is now (uncommitted changes included), without local state."""
    copy = into / "project"
    shutil.copytree(ROOT, copy, ignore=COPY_IGNORE, symlinks=True)
    venv = ROOT / ".venv"
    (copy / ".venv").symlink_to(venv.resolve() if venv.exists() else Path(sys.prefix))
    return copy


def clean_environment(port: int) -> dict[str, str]:
    """The caller's environment without the app's own settings, so the README's defaults are what runs."""
    settings = set(re.findall(r"^([A-Z_][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    drop = settings | {"APP_ENV", "VIRTUAL_ENV", "VENV", "HOST", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"}
    env = {key: value for key, value in os.environ.items() if key not in drop and not key.startswith("FLASK_")}
    env["PORT"] = str(port)
    return env


def _bash(code: str) -> list[str]:
    return ["bash", "--noprofile", "--norc", "-euo", "pipefail", "-c", code]


def _wait_until_served(port: int, server: subprocess.Popen, log: Path) -> str:
    deadline = time.monotonic() + SERVER_TIMEOUT
    url = f"http://127.0.0.1:{port}/healthz"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return f"the server block exited with {server.returncode} before answering:\n{_tail(log)}"
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return ""
        except OSError:
            time.sleep(0.5)
    return f"the server did not answer {url} within {SERVER_TIMEOUT} s:\n{_tail(log)}"


def _tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _stop(server: subprocess.Popen) -> None:
    """Stop the server block and everything it started (its own process group)."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _start_server(block: Block, cwd: Path, env: dict, log: Path) -> subprocess.Popen:
    with open(log, "wb") as sink:
        return subprocess.Popen(
            _bash(block.code), cwd=cwd, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )


def _run_block(block: Block, cwd: Path, env: dict, out) -> str:
    """Run one block to the end; the failure, or "" when it succeeded."""
    try:
        done = subprocess.run(
            _bash(block.code), cwd=cwd, env=env, capture_output=True, text=True, timeout=BLOCK_TIMEOUT
        )
        output, status = done.stdout + done.stderr, done.returncode
    except subprocess.TimeoutExpired as expired:
        output, status = f"{expired.stdout or ''}{expired.stderr or ''}", f"a timeout ({BLOCK_TIMEOUT} s)"
    print(output, file=out, flush=True)
    return f"the block at line {block.line} exited with {status}:\n{output[-4000:]}" if status != 0 else ""


def run(readme: Path = ROOT / "README.md", out=sys.stdout) -> Report:
    blocks = parse(readme.read_text())
    report = Report()
    port = free_port()
    servers: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="readme-") as tmp:
        cwd = project_copy(Path(tmp))
        env = clean_environment(port)
        try:
            for block in blocks:
                if block.mode == "skip":
                    report.skipped.append(block)
                    continue
                print(f"--- README line {block.line} ({block.mode}) ---\n{block.code}", file=out, flush=True)
                started = time.monotonic()
                if block.mode == "server":
                    log = Path(tmp) / f"server-{block.line}.log"
                    servers.append(_start_server(block, cwd, env, log))
                    report.failure = _wait_until_served(port, servers[-1], log)
                else:
                    report.failure = _run_block(block, cwd, env, out)
                print(f"--- line {block.line}: {time.monotonic() - started:.1f} s ---", file=out, flush=True)
                if report.failure:
                    break
                report.ran.append(block)
        finally:
            for server in servers:
                _stop(server)
    print(report.text(), file=out, flush=True)
    return report


if __name__ == "__main__":
    result = run(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT / "README.md")
    sys.exit(0 if result.ok else 1)
