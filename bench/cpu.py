"""CPU seconds spent by the app's workers and by the database's backends.

Divided by the requests of a scenario this gives the CPU cost of one request,
a figure that holds on a busy machine where requests/s and latency do not.
"""

from __future__ import annotations

import os
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def _process_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime + stime


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def tree_seconds(pid: int) -> float:
    """A gunicorn master and its workers."""
    return _process_seconds(pid) + sum(_process_seconds(child) for child in _children(pid))


def backend_pids(db_url: str) -> list[int]:
    from bench import database

    name = db_url.rsplit("/", 1)[1]
    return [row[0] for row in database.query(db_url, "SELECT pid FROM pg_stat_activity WHERE datname = :n", n=name)]


def pids_seconds(pids: list[int]) -> float:
    return sum(_process_seconds(pid) for pid in pids)
