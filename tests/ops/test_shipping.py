"""The shipped topology files agree with each other and with what the operations code expects.

Containers cannot be built here, so these read compose.yaml, the Dockerfile,
.dockerignore and the Procfile; test_topology.py runs the Procfile for real.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def procfile() -> dict[str, str]:
    entries = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, sep, command = line.partition(":")
        if sep and not line.startswith("#"):
            entries[name.strip()] = command.strip()
    return entries


def test_compose_has_the_whole_topology_with_one_migration_step():
    services = compose()["services"]
    assert set(services) == {"db", "redis", "migrate", "web", "worker", "clock", "inbound"}
    assert services["migrate"]["command"] == ["flask", "deploy"]
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "clock", "inbound"):
        depends = services[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}, name
        assert depends["db"]["condition"] == depends["redis"]["condition"] == "service_healthy", name
        assert "flask deploy" not in " ".join(services[name]["command"]), name  # replicas never migrate
        assert services[name]["volumes"] == ["app-data:/data"], name
    for name in ("db", "redis", "worker", "clock", "inbound"):
        assert services[name]["healthcheck"]["test"], name  # web uses the image's HEALTHCHECK
    for name in ("db", "redis"):
        assert re.fullmatch(r"[a-z]+:\d+\.\d+(\.\d+)?-bookworm", services[name]["image"]), name
    assert set(compose()["volumes"]) == {"db-data", "redis-data", "app-data"}


def test_procfile_runs_the_same_processes_as_compose():
    services, entries = compose()["services"], procfile()
    assert set(entries) == {"web", "worker", "clock", "inbound"}
    for name in entries:
        assert " ".join(services[name]["command"]) in entries[name], name
    assert entries["web"].startswith("flask deploy && ")  # one migration, under the advisory lock


def test_the_image_is_pinned_runs_unprivileged_and_checks_its_health():
    dockerfile = (ROOT / "Dockerfile").read_text()
    bases = re.findall(r"^FROM (\S+)", dockerfile, flags=re.MULTILINE)
    assert bases and all(re.fullmatch(r"python:3\.11\.\d+-slim-bookworm", base) for base in bases), bases
    assert re.search(r"^USER ats$", dockerfile, flags=re.MULTILINE)
    assert "COPY --chown=root:root . ." in dockerfile  # the app user cannot rewrite its own code
    healthcheck = re.search(r"^HEALTHCHECK .*?CMD (.+)$", dockerfile, flags=re.MULTILINE | re.DOTALL)
    assert healthcheck and "/healthz" in healthcheck.group(1)
    assert 'CMD ["gunicorn", "-c", "gunicorn.conf.py", "run:app"]' in dockerfile


def test_tests_and_bench_stay_out_of_the_image():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    assert {"tests", "bench", ".env", ".git", "instance"} <= ignored
    assert "gunicorn.conf.py" not in ignored and "migrations" not in ignored
