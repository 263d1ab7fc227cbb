"""The README's commands work as written: tests/readme/run_readme.py runs them against `make run`."""

from __future__ import annotations

import io

import pytest

from tests.readme.run_readme import ROOT, parse, run


def test_markers_pick_what_runs():
    text = "\n".join(
        [
            "<!-- readme: server (keeps serving) -->",
            "```sh",
            "make run",
            "```",
            "Some words.",
            "```sh",
            "echo hi",
            "```",
            "<!-- readme: skip (needs Docker) -->",
            "",
            "```sh",
            "docker compose up",
            "```",
            "```python",
            "print('not shell')",
            "```",
        ]
    )
    blocks = [(b.line, b.mode, b.reason, b.code) for b in parse(text)]
    assert blocks == [
        (2, "server", "keeps serving", "make run\n"),
        (6, "run", "", "echo hi\n"),
        (11, "skip", "needs Docker", "docker compose up\n"),
    ]


def test_an_unknown_marker_or_an_open_block_is_an_error():
    with pytest.raises(ValueError, match="unknown marker"):
        parse("<!-- readme: maybe -->\n```sh\nls\n```\n")
    with pytest.raises(ValueError, match="never closed"):
        parse("```sh\nls\n")


def test_a_failing_block_fails_the_run(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("```sh\ntrue\n```\n\n```sh\nfalse | cat\necho never\n```\n\n```sh\necho not reached\n```\n")
    out = io.StringIO()
    report = run(readme, out=out)
    assert not report.ok and "line 5" in report.failure
    assert [b.line for b in report.ran] == [1]
    assert "never" not in out.getvalue().split("--- line 5")[-1]


def test_every_readme_block_runs_or_says_why_not():
    """Start here, the CLI and the whole API walkthrough, verbatim, against `make run` on a free port."""
    out = io.StringIO()
    report = run(ROOT / "README.md", out=out)
    assert report.ok, out.getvalue()[-8000:]
    assert all(block.reason for block in report.skipped), report.text()
    ran = [block.code for block in report.ran]
    assert any("make run" in code for code in ran)
    assert any("$API/applications/$APP/transitions" in code for code in ran)  # the API walkthrough
    assert "hired" in out.getvalue()
