"""Flask CLI commands: seed data, company creation and account recovery."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.errors import DomainError
from app.extensions import db


def register(app: Flask) -> None:
    app.cli.add_command(seed)
    app.cli.add_command(create_company_command)
    app.cli.add_command(users)
    from app.webhooks.cli import webhooks_cli

    app.cli.add_command(webhooks_cli)
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


def _read_password(from_stdin: bool, prompt: str = "Password") -> str:
    """A password typed twice at a hidden prompt, or the first line of standard input."""
    if from_stdin:
        line = sys.stdin.readline()
        if not line.strip():
            raise click.ClickException("--password-stdin: standard input had no password on its first line.")
        return line.rstrip("\r\n")
    return click.prompt(prompt, hide_input=True, confirmation_prompt=True)


def _fail(error: DomainError) -> click.ClickException:
    db.session.rollback()
    details = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in (error.errors or {}).items())
    return click.ClickException(f"{error.detail} {details}".strip())


password_stdin_option = click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of standard input (no prompt)."
)


@click.command("create-company")
@click.argument("name")
@click.option("--admin-email", required=True, help="Email of the company's first admin.")
@click.option("--admin-name", default="Admin", show_default=True, help="Full name of the first admin.")
@click.option("--allow-duplicate-name", is_flag=True, help="Create it even if a company already has this name.")
@password_stdin_option
def create_company_command(
    name: str, admin_email: str, admin_name: str, allow_duplicate_name: bool, password_stdin: bool
) -> None:
    """Create a company and its first admin (the password is prompted for)."""
    from app.services.companies import create_company

    admin_password = _read_password(password_stdin, "Admin password")
    try:
        company, admin = create_company(
            name=name,
            admin_email=admin_email,
            admin_password=admin_password,
            admin_full_name=admin_name,
            allow_duplicate_name=allow_duplicate_name,
        )
    except DomainError as error:
        if error.errors and "name" in error.errors:
            error.detail += " Pass --allow-duplicate-name to create another one anyway."
        raise _fail(error) from None
    db.session.commit()
    click.echo(f"Created company {company.name} (id {company.id}, /companies/{company.slug}) with admin {admin.email}.")
    click.echo("Next: sign in at /auth/login and invite your team from Dashboard > Team.")
    from app.mail.backends import delivery_note

    if note := delivery_note(current_app):
        click.echo(note)


users = AppGroup("users", help="Accounts from the console: for when email cannot reach people.")


@users.command("set-password")
@click.argument("email")
@password_stdin_option
def set_password_command(email: str, password_stdin: bool) -> None:
    """Set an account's password (ends its sessions and tokens)."""
    from app.services.accounts import set_password, user_by_email

    try:
        user = user_by_email(email)
        set_password(user, _read_password(password_stdin, "New password"))
    except DomainError as error:
        raise _fail(error) from None
    db.session.commit()
    state = "" if user.active else " The account is deactivated: an admin must reactivate it before it can sign in."
    click.echo(f"Password set for {user.email}; its older sessions and tokens no longer work.{state}")


@users.command("add-admin")
@click.argument("email")
@click.option("--company", "company_slug", required=True, help="The company's slug (as in /companies/<slug>).")
@click.option("--name", "full_name", default="Admin", show_default=True, help="Full name, for a new account.")
@click.option("--keep-password", is_flag=True, help="An existing member keeps their password (no prompt).")
@password_stdin_option
def add_admin_command(email: str, company_slug: str, full_name: str, keep_password: bool, password_stdin: bool) -> None:
    """Make EMAIL an admin of a company: a new account, or a member promoted."""
    from app.services.companies import add_admin_from_console

    password = None if keep_password else _read_password(password_stdin)
    try:
        user, created = add_admin_from_console(company_slug, email=email, full_name=full_name, password=password)
    except DomainError as error:
        raise _fail(error) from None
    db.session.commit()
    what = "Created admin" if created else "Promoted to admin:"
    click.echo(f"{what} {user.email} in /companies/{company_slug}.")
