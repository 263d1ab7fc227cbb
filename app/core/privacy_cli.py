"""`flask privacy sweep [--dry-run]`: run the retention policies now, or show who they would anonymise."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

privacy_cli = AppGroup("privacy", help="Personal data: retention policies.")


@privacy_cli.command("sweep")
@click.option("--dry-run", is_flag=True, help="List who would be anonymised and why; change nothing.")
@click.option("--company", "company_id", type=int, help="Only this company.")
def sweep_command(dry_run: bool, company_id: int | None) -> None:
    """Anonymise the candidates every company's policy makes due (the daily task privacy.retention does it)."""
    from app.services import retention

    companies = [c for c in retention.companies_with_policy() if company_id in (None, c.id)]
    total = 0
    for company in companies:
        if dry_run:
            found = retention.due(company)
            for item in found:
                click.echo(f"company {company.id}\tcandidate {item.candidate_id}\t{item.rule}\t{item.why}")
            total += len(found)
            continue
        done = retention.run_in_batches(company, trigger="command", batch=current_app.config["RETENTION_BATCH"])
        click.echo(f"company {company.id}: {done} candidate(s) anonymised.")
        total += done
    verb = "would be anonymised" if dry_run else "anonymised"
    click.echo(f"{total} candidate(s) {verb} in {len(companies)} company(ies) with a policy.")
