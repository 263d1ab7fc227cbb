"""bench/goals.py: the Goals table of the bench report, from a run's results."""

from bench import goals


def _row(name: str, kind: str = "read", **figures) -> dict:
    return {"name": name, "dataset": "large", "kind": kind, "status_errors": 0, "socket_errors": 0, **figures}


def _evaluate(*rows: dict) -> dict[str, dict]:
    results = {"ceiling": {"rps": 2000.0, "app_cpu_ms": 0.5}, "scenarios": list(rows)}
    return {entry["scenario"]: entry for entry in goals.evaluate(results)}


def test_reads_and_writes_are_judged_on_cpu_ratio_and_errors():
    got = _evaluate(
        _row("application_read", rps=600.0, app_cpu_ms=2.5, db_cpu_ms=0.4),
        _row("job_read_staff", rps=600.0, app_cpu_ms=3.5, db_cpu_ms=0.3),
        _row("pipeline", rps=300.0, app_cpu_ms=2.0, db_cpu_ms=0.8),
        _row("note_add", "write", rps=500.0, app_cpu_ms=4.0, db_cpu_ms=1.0, status_errors=3),
        _row("pipeline", dataset="small", rps=3.0, app_cpu_ms=99.0),
    )
    assert got["application_read"]["verdict"] == "met"
    assert got["application_read"]["ratio"] == 0.3
    assert got["application_read"]["cpu_multiple"] == 5.0  # 2.5 ms against the ceiling's 0.5 ms
    assert got["job_read_staff"]["verdict"] == "not met (app CPU)"
    assert got["pipeline"]["verdict"] == "not met (x ceiling)"  # 0.15x of 0.4x; the small data set is not read
    assert got["note_add"]["verdict"] == "not met (errors)"
    assert got["apply"]["verdict"] == "not run"


def test_a_bulk_is_read_per_item():
    bulk = _row("bulk_move", "series", rps=1.0, bulk_size=500, app_cpu_ms=900.0, db_cpu_ms=200.0)
    got = _evaluate(bulk)["bulk_move"]
    assert (got["rps"], got["ratio"], got["app_cpu_ms"], got["db_cpu_ms"]) == (500.0, 0.25, 1.8, 0.4)
    assert got["verdict"] == "met"
    assert got["cpu_multiple"] == 3.6  # per item


def test_without_the_ceiling_cpu_there_is_no_multiple_and_the_row_still_prints():
    evaluated = goals.evaluate(
        {"ceiling": {"rps": 2000.0}, "scenarios": [_row("note_add", "write", rps=10.0, app_cpu_ms=4.0)]}
    )
    row = {e["scenario"]: e for e in evaluated}["note_add"]
    assert row["cpu_multiple"] is None and row["verdict"] == "not met (x ceiling)"
    assert any(
        line.startswith("| note_add | write | request | 10 | 0.01 | 4.0 | - | ") for line in goals.markdown(evaluated)
    )


def test_an_unavailable_scenario_says_why_and_the_table_prints_every_goal():
    evaluated = goals.evaluate(
        {"ceiling": {"rps": 2000.0}, "scenarios": [_row("stage_move", "write", unavailable="answered 404")]}
    )
    assert {e["scenario"]: e["verdict"] for e in evaluated}["stage_move"] == "unavailable: answered 404"
    assert len(goals.markdown(evaluated)) == 2 + len(goals.GOALS)
