"""Flask CLI commands: seed data and company creation."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.errors import DomainError
from app.extensions import db


def register(app: Flask) -> None:
    app.cli.add_command(seed)
    app.cli.add_command(create_company_command)
    from app.core.cli import register as register_operations

    register_operations(app)


seed = AppGroup("seed", help="Fill the database with sample data.")


@seed.command("demo")
@click.option("--if-empty", is_flag=True, help="Only seed when the database has no company yet.")
def seed_demo(if_empty: bool) -> None:
    """A demo company with staff, candidates, jobs and applications (idempotent)."""
    from sqlalchemy import select

    from app.demo import DEMO_PASSWORD, seed_demo_data
    from app.models import Company

    if if_empty and db.session.scalar(select(Company.id).limit(1)) is not None:
        click.echo("The database already has data; not seeding the demo.")
        return
    created, logins = seed_demo_data()
    db.session.commit()
    click.echo("Demo data created." if created else "Demo data already present; nothing changed.")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for role, email in logins:
        click.echo(f"  {role:<15} {email}")


@seed.command("bench")
@click.option("--applications", type=click.IntRange(min=10), default=200_000, show_default=True)
@click.option("--companies", type=click.IntRange(min=2), default=None, help="Default: applications / 2,000.")
@click.option("--jobs", type=click.IntRange(min=4), default=None, help="Default: applications / 100.")
@click.option("--candidates", type=click.IntRange(min=10), default=None, help="Default: applications / 2.")
@click.option("--seed", "random_seed", type=int, default=1, show_default=True, help="Random seed (same data each run).")
@click.option("--output", type=click.Path(dir_okay=False), default=None, help="Default: instance/bench-seed.json.")
def seed_bench(applications, companies, jobs, candidates, random_seed, output) -> None:
    """Bulk benchmark data into an EMPTY database (PostgreSQL: COPY)."""
    from app.bench_seed import run_seed_bench

    run_seed_bench(applications, companies, jobs, candidates, random_seed, output)


@click.command("create-company")
@click.argument("name")
@click.option("--admin-email", required=True, help="Email of the company's first admin.")
@click.option("--admin-name", default="Admin", show_default=True, help="Full name of the first admin.")
def create_company_command(name: str, admin_email: str, admin_name: str) -> None:
    """Create a company and its first admin (the password is prompted for)."""
    from app.services.companies import create_company

    admin_password = click.prompt("Admin password", hide_input=True, confirmation_prompt=True)
    try:
        company, admin = create_company(
            name=name, admin_email=admin_email, admin_password=admin_password, admin_full_name=admin_name
        )
    except DomainError as error:
        db.session.rollback()
        details = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in (error.errors or {}).items())
        raise click.ClickException(f"{error.detail} {details}".strip()) from None
    db.session.commit()
    click.echo(f"Created company {company.name} (id {company.id}, /{company.slug}) with admin {admin.email}.")
