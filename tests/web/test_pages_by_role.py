"""Every page, opened by every role: the status each one gets and what it shows."""

from __future__ import annotations

import pytest

from tests.web.conftest import World

ROLES = ("anonymous", "candidate", "recruiter", "hiring_manager", "admin")
LOGIN = 302  # anonymous visitors are sent to the sign-in page

# page -> expected status for (anonymous, candidate, recruiter, hiring manager, admin)
PAGES = {
    "/": (200, 200, 200, 200, 200),
    "/jobs/{job}": (200, 200, 200, 200, 200),
    "/companies/{slug}": (200, 200, 200, 200, 200),
    "/auth/login": (200, 302, 302, 302, 302),
    "/auth/register": (200, 302, 302, 302, 302),
    "/auth/forgot-password": (200, 200, 200, 200, 200),
    "/auth/password": (LOGIN, 200, 200, 200, 200),
    "/me/applications": (LOGIN, 200, 403, 403, 403),
    "/me/applications/{application}": (LOGIN, 200, 403, 403, 403),
    "/me/applications/{application}/resume": (LOGIN, 404, 403, 403, 403),  # no resume uploaded
    "/dashboard/": (LOGIN, 403, 200, 200, 200),
    "/dashboard/jobs": (LOGIN, 403, 200, 200, 200),
    "/dashboard/jobs/new": (LOGIN, 403, 200, 403, 200),
    "/dashboard/jobs/{job}": (LOGIN, 403, 200, 200, 200),
    "/dashboard/jobs/{job}?stage=applied": (LOGIN, 403, 200, 200, 200),
    "/dashboard/jobs/{job}/edit": (LOGIN, 403, 200, 403, 200),
    "/dashboard/applications/{application}": (LOGIN, 403, 200, 200, 200),
    "/dashboard/applications/{application}/reject": (LOGIN, 403, 200, 403, 200),
    "/dashboard/team": (LOGIN, 403, 403, 403, 200),
    "/dashboard/jobs/{job}/scorecards": (LOGIN, 403, 200, 200, 200),
}
# A phrase each page shows when it opens (200).
SHOWS = {
    "/": "Find your next job",
    "/jobs/{job}": "Apply for this job",
    "/companies/{slug}": "Careers at",
    "/auth/login": "Sign in",
    "/auth/register": "Create a candidate account",
    "/auth/forgot-password": "Forgot your password?",
    "/auth/password": "Change your password",
    "/me/applications": "My applications",
    "/me/applications/{application}": "Timeline",
    "/dashboard/": "hiring at a glance",
    "/dashboard/jobs": "Every job of",
    "/dashboard/jobs/new": "New job",
    "/dashboard/jobs/{job}": "Filter by stage",
    "/dashboard/jobs/{job}?stage=applied": "Cara Candidate",
    "/dashboard/jobs/{job}/edit": "Edit job",
    "/dashboard/applications/{application}": "Cover letter",
    "/dashboard/applications/{application}/reject": "Reason for rejecting",
    "/dashboard/team": "Invite someone",
    "/dashboard/jobs/{job}/scorecards": "No interview feedback on this job yet",
}


def _url(template: str, world: World) -> str:
    return template.format(job=world.job.id, slug=world.company.slug, application=world.application.id)


def _problem(page: str, role: str, response, expected: int, world: World) -> str | None:
    """What is wrong with this page for this role, or None."""
    if response.status_code != expected:
        return f"{page} as {role}: {response.status_code}, expected {expected}"
    html = response.get_data(as_text=True)
    if expected == 200:
        if SHOWS[page] not in html or 'lang="en"' not in html:
            return f"{page} as {role}: does not show {SHOWS[page]!r}"
        if role != "anonymous" and world.user(role).full_name not in html:
            return f"{page} as {role}: the navigation does not name the user"
    elif expected == LOGIN and role == "anonymous":
        if "/auth/login?next=" not in response.headers["Location"]:
            return f"{page} as {role}: not sent to sign in"
    elif expected == 403 and "Not allowed" not in html:
        return f"{page} as {role}: not the friendly 403 page"
    return None


@pytest.mark.parametrize("role", ROLES)
def test_every_page_for_role(role, world, as_user):
    client = as_user(world.user(role))
    problems = []
    for page, statuses in PAGES.items():
        response = client.get(_url(page, world))
        problems.append(_problem(page, role, response, statuses[ROLES.index(role)], world))
    assert [problem for problem in problems if problem] == []


@pytest.mark.parametrize(
    "page",
    [
        "/dashboard/jobs/{job}",
        "/dashboard/jobs/{job}/edit",
        "/dashboard/applications/{application}",
        "/dashboard/applications/{application}/reject",
        "/dashboard/applications/{application}/resume",
        "/dashboard/jobs/{job}/scorecards",
        "/me/applications/{application}",
    ],
)
def test_another_companys_or_candidates_pages_are_not_found(page, world, as_user):
    """Staff of another company, and another candidate, cannot tell these exist."""
    url = page.format(job=world.job.id, application=world.application.id)
    user = world.other_candidate if page.startswith("/me/") else world.other_admin
    response = as_user(user).get(url)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True) or "was not found" in response.get_data(as_text=True)


def test_staff_navigation_depends_on_role(world, as_user):
    admin_html = as_user(world.admin).get("/dashboard/").get_data(as_text=True)
    assert 'href="/dashboard/team"' in admin_html
    assert 'href="/dashboard/mail"' in admin_html


def test_candidate_navigation(world, as_user):
    html = as_user(world.candidate).get("/").get_data(as_text=True)
    assert 'href="/me/applications"' in html
    assert 'href="/dashboard/"' not in html
