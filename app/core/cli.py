"""Operations commands: `flask deploy`, `flask tick`, `flask health`, `flask backup create|restore`."""

from __future__ import annotations

import json
import signal

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext


def register(app) -> None:
    app.cli.add_command(deploy_command)
    app.cli.add_command(tick_command)
    app.cli.add_command(health_command)
    app.cli.add_command(backup_cli)
    from app.core.audit_cli import audit_cli

    app.cli.add_command(audit_cli)
    from app.core.privacy_cli import privacy_cli

    app.cli.add_command(privacy_cli)


@click.command("deploy")
@click.option("--lock-timeout", default=600, show_default=True, help="Seconds to wait for another replica's migration.")
@with_appcontext
def deploy_command(lock_timeout: int) -> None:
    """Migrate the database to head, once: replicas starting together wait on a PostgreSQL advisory lock."""
    from app.core.deploy import upgrade_locked

    upgrade_locked(current_app, lock_timeout)
    click.echo("The database is at the head revision.")


@click.command("tick")
@click.option("--loop", is_flag=True, help="Keep ticking every TICK_INTERVAL seconds (the clock process).")
@with_appcontext
def tick_command(loop: bool) -> None:
    """Run the periodic tasks that are due (once, for cron; or as the clock with --loop)."""
    from app.core import periodic

    app = current_app._get_current_object()
    if not loop:
        ran = periodic.tick(app)
        click.echo(f"Ran {len(ran)} periodic task(s){': ' + ', '.join(ran) if ran else ''}.")
        return
    stop = {"requested": False}

    def request_stop(_signum, _frame) -> None:
        stop["requested"] = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    periodic.loop(app, float(app.config["TICK_INTERVAL"]), lambda: stop["requested"])


@click.command("health")
@with_appcontext
def health_command() -> None:
    """The readiness checks of /readyz as JSON; exits 1 when not ready (for container health checks)."""
    from app.core.health import readiness

    ready, checks = readiness(current_app)
    click.echo(json.dumps({"status": "ready" if ready else "unavailable", "checks": checks}))
    if not ready:
        raise SystemExit(1)


backup_cli = AppGroup("backup", help="Back up and restore the database and the uploads.")


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def backup_create(path: str) -> None:
    """Write the database and UPLOAD_DIR into one archive at PATH."""
    from app.core.backup import BackupError, create

    try:
        manifest = create(current_app, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up the {manifest['database']} database (revision {', '.join(manifest['revision'])}) to {path}.")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Restore over a database that already has tables.")
def backup_restore(path: str, force: bool) -> None:
    """Restore an archive made by `flask backup create` into an empty database and UPLOAD_DIR."""
    from app.core.backup import BackupError, restore

    try:
        manifest = restore(current_app, path, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Restored the backup of {manifest['created_at']} (revision {', '.join(manifest['revision'])}); "
        "run `flask deploy` to bring it to this version's schema."
    )
