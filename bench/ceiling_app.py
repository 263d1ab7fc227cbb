"""The ceiling: a bare Flask app answering a 20-item JSON page, no database.

Served by the same gunicorn settings as the real app, it shows what this machine
and this stack can do at best; every scenario is reported as a ratio to it.
"""

from __future__ import annotations

from flask import Flask, request

app = Flask(__name__)

ITEMS = [
    {
        "id": n,
        "title": f"Senior Backend Engineer {n}",
        "company": {"id": n % 7, "name": "Northwind Robotics"},
        "location": "Berlin",
        "remote": n % 2 == 0,
        "employment_type": "full_time",
        "created_at": "2026-11-01T12:00:00+00:00",
    }
    for n in range(1, 21)
]


@app.get("/")
def page():
    return {"items": ITEMS, "next_cursor": "aWQ6MjA", "q": request.args.get("q")}
