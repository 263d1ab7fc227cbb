"""Finding possible duplicates: by email, phone, LinkedIn, or a similar name with the same resume."""

from __future__ import annotations

from sqlalchemy import select, update

from app.core import periodic
from app.extensions import db
from app.models import Candidate, DuplicateCandidate, ResumeText
from app.models.base import utcnow
from app.services import dedupe_keys, duplicates
from app.services.duplicates_tasks import find_duplicates_task


def _pairs() -> dict[tuple[int, int], tuple[list[str], str]]:
    rows = db.session.scalars(select(DuplicateCandidate)).all()
    return {(r.candidate_a_id, r.candidate_b_id): (sorted(r.reasons), r.status) for r in rows}


def _pair(a, b) -> tuple[int, int]:
    return (min(a.id, b.id), max(a.id, b.id))


def test_keys():
    assert dedupe_keys.email_key(" Ada.L+jobs@GoogleMail.com ") == "ada.l+jobs@gmail.com"
    assert dedupe_keys.email_key("ada.l@gmail.com") != dedupe_keys.email_key("adal@gmail.com")  # dots kept
    assert dedupe_keys.phone_key("+44 20 7946 0958") == dedupe_keys.phone_key("0044 (20) 7946-0958") == "+442079460958"
    assert dedupe_keys.phone_key("020 7946 0958") is None  # no country code: nothing to compare by
    variants = [
        "https://www.linkedin.com/in/Ada-L/",
        "http://linkedin.com/in/ada-l",
        "linkedin.com/in/ADA-L/?trk=profile",
        "https://uk.linkedin.com/in/ada-l#about",
    ]
    keys = {dedupe_keys.linkedin_key({"linkedin": url}) for url in variants}
    assert keys == {"linkedin.com/in/ada-l"}
    assert dedupe_keys.linkedin_key({"linkedin": "https://example.com/in/ada"}) is None
    assert dedupe_keys.name_key("Lovelace, Ádá") == dedupe_keys.name_key("ada LOVELACE") == "ada lovelace"
    assert dedupe_keys.similar_names("ada lovelace", "ada lovelac")
    assert not dedupe_keys.similar_names("ada lovelace", "bob smith")


def test_email_phone_and_linkedin_pair_within_a_company_only(world, add):
    acme, globex = world["acme"], world["globex"]
    ada = add(acme, "Ada Lovelace", email="ada@googlemail.com")
    ada2 = add(acme, "A. Lovelace", email="ADA@gmail.com")
    tel = add(acme, "Tel One", phone="+44 20 7946 0958")
    tel2 = add(acme, "Tel Two", phone="0044 (20) 7946-0958")
    link = add(acme, "Link One", linkedin="https://www.linkedin.com/in/Link-One/")
    link2 = add(acme, "Link Two", linkedin="http://linkedin.com/in/link-one")
    # The same details at another company: never paired with Acme's records.
    add(
        globex,
        "Ada Lovelace",
        email="ada@gmail.com",
        phone="+44 20 7946 0958",
        linkedin="https://linkedin.com/in/link-one",
    )
    alone = add(acme, "Someone Else", email="else@example.com", phone="+33 1 23 45 67 89")

    assert duplicates.find_all()["checked"] == 8
    db.session.commit()
    pairs = _pairs()
    assert pairs == {
        _pair(ada, ada2): (["email"], "open"),
        _pair(tel, tel2): (["phone"], "open"),
        _pair(link, link2): (["linkedin"], "open"),
    }
    assert all(r.company_id == acme["company"].id for r in db.session.scalars(select(DuplicateCandidate)))
    assert alone.id not in {i for pair in pairs for i in pair}
    # Nothing changed: the next pass compares nobody again.
    assert duplicates.find_all() == {"checked": 0, "pairs": 0}


def _resume(candidate: Candidate, text: str) -> None:
    application_id = db.session.scalar(
        select(db.text("id")).select_from(db.table("applications")).where(db.text(f"candidate_id = {candidate.id}"))
    )
    db.session.add(
        ResumeText(
            resume_key=f"k{candidate.id}", application_id=application_id, candidate_id=candidate.id,
            company_id=candidate.company_id, text=text, status="ok",
        )
    )  # fmt: skip
    db.session.commit()


def test_a_similar_name_needs_the_same_resume(world, add):
    acme = world["acme"]
    one = add(acme, "Grace Hopper")
    two = add(acme, "Hopper, Grace M.")
    three = add(acme, "Grace Hoper")
    namesake = add(acme, "Grace Hopper")
    _resume(one, "Grace Hopper\nCOBOL compilers, 1952")
    _resume(two, "Grace   Hopper COBOL compilers, 1952")  # the same text, whitespace aside
    _resume(three, "Grace Hopper\nCOBOL compilers, 1952")
    _resume(namesake, "Grace Hopper, Rust developer")  # same name, another resume: another person
    duplicates.find_all()
    db.session.commit()
    assert _pairs() == {
        _pair(one, three): (["name_and_resume"], "open"),
        _pair(two, three): (["name_and_resume"], "open"),
        _pair(one, two): (["name_and_resume"], "open"),
    }


def test_a_dismissed_pair_stays_dismissed_and_edits_are_compared_again(world, add):
    acme = world["acme"]
    a = add(acme, "Pat One", phone="+44 20 7946 0958")
    b = add(acme, "Pat Two", phone="+442079460958")
    duplicates.find_all()
    db.session.commit()
    (pair,) = db.session.scalars(select(DuplicateCandidate)).all()
    duplicates.dismiss(acme["recruiter"], pair.id)
    db.session.commit()
    # An edit makes the record stale: compared again, the pair is found again but stays dismissed.
    db.session.execute(update(Candidate).where(Candidate.id == b.id).values(updated_at=utcnow()))
    db.session.commit()
    assert duplicates.find_all()["checked"] == 1
    db.session.commit()
    assert _pairs() == {_pair(a, b): (["phone"], "dismissed")}


def test_the_nightly_pass_is_a_periodic_task(world, add, app):
    assert "candidates.find_duplicates" in {task.name for task in periodic.registry}
    a = add(world["acme"], "Sam A", email="sam@example.org")
    b = add(world["acme"], "Sam B", email="sam@example.net", linkedin="https://linkedin.com/in/sam")
    db.session.execute(update(Candidate).where(Candidate.id == a.id).values(links={"linkedin": "linkedin.com/in/SAM/"}))
    db.session.commit()
    assert find_duplicates_task(app) == 1
    assert _pairs() == {_pair(a, b): (["linkedin"], "open")}
