"""`flask storage migrate --to database`: copy the files of one backend into the other."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db

storage_cli = AppGroup("storage", help="Uploaded files: copy between storage backends.")


@storage_cli.command("migrate")
@click.option(
    "--to", "target_name", type=click.Choice(["database", "local"]), required=True, help="The backend to fill."
)
@click.option("--batch-size", type=click.IntRange(min=1), default=50, show_default=True, help="Files per commit.")
def migrate_command(target_name: str, batch_size: int) -> None:
    """Copy every resume and logo from the other backend into TARGET, then set STORAGE_BACKEND=TARGET.

    Files already in the target are skipped, so the command can run again after
    an interruption. Files nothing points at (left by failed uploads) are not copied.
    """
    from app.core.storage import build
    from app.services import logos, resumes

    source_name = "local" if target_name == "database" else "database"
    source, target = build(source_name, current_app), build(target_name, current_app)
    copied = present = unreferenced = 0
    keys = list(source.keys())
    for start in range(0, len(keys), batch_size):
        chunk = keys[start : start + batch_size]
        types = resumes.content_types(chunk) | logos.content_types(chunk)
        for key in chunk:
            if key not in types:
                unreferenced += 1
            elif target.exists(key):
                present += 1
            else:
                target.put(key, source.get(key), types[key])
                copied += 1
        db.session.commit()
    click.echo(
        f"{source_name} -> {target_name}: {copied} copied, {present} already there, "
        f"{unreferenced} not referenced by any application or company (left alone)."
    )
