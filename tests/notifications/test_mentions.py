"""@mentions in notes: who counts, what is stored, who is told, how it is shown."""

from __future__ import annotations

from app.extensions import db
from app.models import Note
from app.services import bulk, companies, mentions
from tests.notifications.helpers import mention, note, notifications_of, outbox


def test_a_mention_of_a_member_notifies_them_and_queues_an_email_in_the_notes_transaction(world):
    body = f"Please call her, {mention(world.recruiter)}."
    made = note(world.hiring_manager, world.application.id, body)

    assert made.body == body and made.mentioned_ids == [world.recruiter.id]
    (told,) = notifications_of(world.recruiter)
    assert (told.kind, told.application_id, told.note_id, told.actor_id, told.read_at) == (
        "mention",
        world.application.id,
        made.id,
        world.hiring_manager.id,
        None,
    )
    assert told.company_id == world.company.id
    (email,) = outbox("mention")
    assert email.to_address == world.recruiter.email and email.application_id == world.application.id
    assert email.subject == (
        f"{world.hiring_manager.full_name} mentioned you: {world.candidate.full_name} for {world.job.title}"
    )
    # The note's text stays in the dashboard.
    assert "Please call her" not in (email.text_body or "") + str(email.context)
    assert f"#note-{made.id}" in email.context["link"]


def test_only_active_members_of_the_company_count_others_stay_plain_text(world, factory):
    departed = factory.staff(world.company, world.admin, "recruiter")
    companies.update_member(world.admin, world.company.id, departed.id, active=False)
    db.session.commit()
    body = " ".join(
        [
            mention(world.other_recruiter),  # another company
            mention(departed),  # deactivated
            mention(world.candidate),  # not staff
            "@[Nobody](user:999999)",  # no such user
            "@[Huge](user:99999999999)",  # beyond the id range
            mention(world.admin),
        ]
    )
    made = note(world.recruiter, world.application.id, body)

    assert made.mentioned_ids == [world.admin.id]
    assert f"@{world.other_recruiter.full_name} @{departed.full_name} @{world.candidate.full_name} @Nobody" in made.body
    for user in (world.other_recruiter, departed, world.candidate):
        assert notifications_of(user) == []
    assert [n.kind for n in notifications_of(world.admin)] == ["mention"]
    assert [m.to_address for m in outbox("mention")] == [world.admin.email]


def test_the_author_is_not_told_of_their_own_mention_and_a_name_is_corrected(world):
    made = note(
        world.recruiter, world.application.id, f"@[Me](user:{world.recruiter.id}) @[Wrong](user:{world.admin.id})"
    )
    assert made.body == f"{mention(world.recruiter)} {mention(world.admin)}"
    assert notifications_of(world.recruiter) == []
    assert len(notifications_of(world.admin)) == 1
    assert [m.to_address for m in outbox("mention")] == [world.admin.email]


def test_mentioning_someone_twice_tells_them_once(world):
    note(world.recruiter, world.application.id, f"{mention(world.admin)} and again {mention(world.admin)}")
    assert len(notifications_of(world.admin)) == 1
    assert len(outbox("mention")) == 1


def test_a_note_that_rolls_back_leaves_no_notification(world):
    from app.services import applications

    applications.add_note(world.recruiter, world.application.id, mention(world.admin))
    db.session.rollback()
    assert notifications_of(world.admin) == [] and outbox("mention") == []


def test_bulk_notes_keep_mentions_as_plain_text_and_notify_no_one(world):
    bulk.run(world.recruiter, action="note", items=[world.application.id], note=f"Hi {mention(world.admin)}")
    db.session.commit()
    (stored,) = db.session.query(Note).filter_by(application_id=world.application.id).all()
    assert stored.body == f"Hi @{world.admin.full_name}" and stored.mentioned_ids == []
    assert notifications_of(world.admin) == []


def test_rendering_escapes_the_text_and_the_names():
    html = str(mentions.render('<b>x</b> @[<img src=x onerror=alert(1)>](user:7) & "q"'))
    assert html == (
        '&lt;b&gt;x&lt;/b&gt; <span class="mention" data-user-id="7">@&lt;img src=x onerror=alert(1)&gt;</span>'
        " &amp; &#34;q&#34;"
    )
    assert mentions.plain("@[A B](user:3), @[C](user:4)") == "@A B, @C"
    assert mentions.ids_in("@[A](user:3) @[B](user:4) @[A](user:3) @[x](user:)") == [3, 4]
