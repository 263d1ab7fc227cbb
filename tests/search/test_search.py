"""Relevance, tenancy and the search language, through the service, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.errors import Forbidden
from app.extensions import db
from app.models import CandidateSearch, ResumeText
from app.services.candidate_search import Filters, search


def found(actor, q, **filters) -> set[int]:
    return {hit.id for hit in search(actor, q=q, filters=Filters(**filters), limit=100).items}


def names(people, ids) -> set[str]:
    by_id = {v: k for k, v in people["ids"].items()}
    return {by_id[i] for i in ids}


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ('"streaming pipelines"', {"margarethe"}),  # a phrase, in a PDF made by reportlab
        ("typescript or golang", {"ingrid", "rafael"}),  # OR: a DOCX resume, a note
        ("python -rust", {"margarethe"}),  # an exclusion: Tobias's resume and note say Rust
        ("accessibility", {"ingrid"}),  # a word only in a resume
        ("compilers", {"tobias"}),  # stemmed: the note says "compiler", the resume "compilers"
        ("Lindqvist", {"tobias"}),
    ],
)
def test_relevance(people, q, expected):
    recruiter = people["a"]["recruiter"]
    assert names(people, found(recruiter, q)) == expected


@pytest.mark.postgres  # SQLite's FTS5 has no typo tolerance (documented)
def test_a_typo_in_a_surname_still_finds_the_person_on_postgres(people):
    assert names(people, found(people["a"]["recruiter"], "Kowalcyk")) == {"margarethe"}


@pytest.mark.sqlite_only  # websearch_to_tsquery has no prefix syntax
def test_prefix_on_sqlite(people):
    assert names(people, found(people["a"]["recruiter"], "okonk*")) == {"ingrid"}


def test_ranked_by_relevance_with_escaped_marked_snippets(people):
    page = search(people["a"]["recruiter"], q="kafka")
    (hit,) = page.items
    assert "<mark>" in hit.snippet and "Kafka" in hit.snippet.striptags()
    assert hit.rank is not None and hit.rank > 0


def test_snippets_escape_what_people_typed(people, factory):
    from tests.search.conftest import add

    a = people["a"]
    cid = add(a["recruiter"], a["job"], "mallory", "Mallory Hacker", None, None, "<script>alert(1)</script> xylophone")
    from app.search.tasks import sweep

    sweep()
    (hit,) = search(a["recruiter"], q="xylophone").items
    assert hit.id == cid
    assert "<mark>xylophone</mark>" in hit.snippet
    assert "<" not in str(hit.snippet).replace("<mark>", "").replace("</mark>", "")


def test_snippet_html_escapes_then_marks():
    from app.search.query import snippet_html

    html = snippet_html("<b>x</b> & \x02java\x03 <script>")
    assert html == "&lt;b&gt;x&lt;/b&gt; &amp; <mark>java</mark> &lt;script&gt;"


@pytest.mark.parametrize("q", ['"', "-", "or", '- " or -- ""', "***", "-python"])
def test_operators_only_find_nothing_and_never_fail(people, q):
    """Exclusions alone find nothing on either database (FTS5 cannot subtract from everything)."""
    assert found(people["a"]["recruiter"], q) == set()


def test_tenancy_a_company_sees_only_its_own(people):
    a, b = people["a"], people["b"]
    for role in ("recruiter", "hiring_manager", "admin"):
        assert names(people, found(a[role], "kafka")) == {"margarethe"}
        assert names(people, found(b[role], "kafka")) == {"rival"}
    assert names(people, found(b["recruiter"], None)) == {"rival"}
    assert len(found(a["recruiter"], None)) == 5


def test_candidates_cannot_list(people, factory):
    with pytest.raises(Forbidden):
        search(factory.candidate(), q="kafka")


def test_the_list_is_newest_first_and_keyset_paged(people):
    recruiter = people["a"]["recruiter"]
    first = search(recruiter, limit=2)
    second = search(recruiter, limit=2, cursor=first.next_cursor)
    third = search(recruiter, limit=2, cursor=second.next_cursor)
    ids = [h.id for h in first.items + second.items + third.items]
    assert ids == sorted(ids, reverse=True) and len(ids) == 5 and third.next_cursor is None


def test_a_search_is_keyset_paged_by_rank(people):
    recruiter = people["a"]["recruiter"]
    q = "python or typescript or golang"
    everyone = [h.id for h in search(recruiter, q=q, limit=100).items]
    paged, cursor = [], None
    while True:
        page = search(recruiter, q=q, limit=1, cursor=cursor)
        paged += [h.id for h in page.items]
        if not (cursor := page.next_cursor):
            break
    assert paged == everyone and len(everyone) == 4


def test_filters(people):
    recruiter = people["a"]["recruiter"]
    assert names(people, found(recruiter, None, has_resume=False)) == {"rafael"}
    assert names(people, found(recruiter, "python", has_resume=True)) == {"margarethe", "tobias"}
    assert found(recruiter, None, job_id=people["b"]["job"].id) == set()
    assert len(found(recruiter, None, stage="applied", source="sourced")) == 5
    assert found(recruiter, None, stage="hired") == set()


def test_resume_texts_and_statuses(people):
    rows = {r.candidate_id: r for r in db.session.scalars(select(ResumeText))}
    ids = people["ids"]
    assert rows[ids["margarethe"]].status == "ok"
    assert rows[ids["scan"]].status == "unreadable"
    assert ids["rafael"] not in rows
    # Every candidate has a search document; the unreadable scan did not stop the others.
    assert db.session.scalar(select(db.func.count()).select_from(CandidateSearch)) == 6


def test_a_note_makes_the_document_stale_and_the_sweep_indexes_it(people):
    from app.search.index import stale_candidates
    from app.search.tasks import sweep
    from app.services import applications

    a = people["a"]
    application_id = db.session.scalar(
        select(db.text("id"))
        .select_from(db.text("applications"))
        .where(db.text(f"candidate_id = {people['ids']['rafael']}"))
    )
    applications.add_note(a["hiring_manager"], application_id, "Knows Haskell too")
    db.session.commit()
    assert people["ids"]["rafael"] in stale_candidates(100)
    sweep()
    assert stale_candidates(100) == []
    assert names(people, found(a["recruiter"], "haskell")) == {"rafael"}


@pytest.mark.postgres  # SQLite's FTS5 ranks every match (small companies; documented)
def test_postgres_ranks_the_most_recent_matches_only(people, monkeypatch):
    from app.services import candidate_search

    recruiter = people["a"]["recruiter"]
    q = "python or typescript or golang"
    monkeypatch.setattr(candidate_search, "RANK_WINDOW", 2)
    page = search(recruiter, q=q, limit=1)
    rest = search(recruiter, q=q, limit=1, cursor=page.next_cursor)
    assert names(people, {h.id for h in page.items + rest.items}) == {"ingrid", "rafael"}
    assert rest.next_cursor is None
    # An export is not capped: every match, ranked.
    everyone = {h.id for h in candidate_search.export_rows(recruiter, q=q)}
    assert names(people, everyone) == {"margarethe", "tobias", "ingrid", "rafael"}
