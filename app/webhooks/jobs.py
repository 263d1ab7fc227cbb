"""The RQ job: it gets a company id, nothing else, and reloads what it needs."""

from __future__ import annotations

from flask import has_app_context


def deliver_job(company_id: int) -> int:
    """Send the company's endpoints their due deliveries inside an app context (see app/mail/jobs.py)."""
    from app.webhooks.delivery import deliver_company

    if has_app_context():
        return deliver_company(company_id)
    from app import create_app

    with create_app().app_context():
        return deliver_company(company_id)
