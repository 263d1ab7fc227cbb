"""`flask audit seal` and `flask audit verify`: the audit log's chain, from the console."""

from __future__ import annotations

import click
from flask.cli import AppGroup

audit_cli = AppGroup("audit", help="The audit log: seal new rows into the chain, verify the chain.")


@audit_cli.command("seal")
def seal_command() -> None:
    """Seal every row not sealed yet (the periodic task `audit.seal` does it every AUDIT_SEAL_INTERVAL)."""
    from app.services import audit

    click.echo(f"Sealed {audit.seal_all()} row(s).")


@audit_cli.command("verify")
@click.option("--company", "company_id", type=int, help="Only this company's chain.")
def verify_command(company_id: int | None) -> None:
    """Check every chain; exits 1 and names the first broken link (an edited, deleted or inserted row)."""
    from app.services import audit

    result = audit.verify(company_id)
    if result.broken is not None:
        broken = result.broken
        row = f" (row id {broken.row_id})" if broken.row_id is not None else ""
        chain = f"company {broken.chain}" if broken.chain else "the chain outside companies"
        click.echo(f"BROKEN: {chain}, position {broken.seq}{row}: {broken.reason}.", err=True)
        click.echo(f"{result.rows} row(s) checked before it.", err=True)
        raise SystemExit(1)
    click.echo(f"The audit log is intact: {result.rows} sealed row(s) checked, {result.unsealed} not sealed yet.")
