import pytest
from sqlalchemy import func, select

from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.models import Company, User
from app.services import accounts, companies
from tests.factories import PASSWORD


def test_register_candidate_hashes_password_and_normalises_email(db):
    user = accounts.register_candidate(email="  Ada@Example.COM ", password=PASSWORD, full_name="Ada")
    db.session.commit()
    assert user.email == "ada@example.com"
    assert user.role == "candidate" and user.company_id is None
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_email_is_unique_case_insensitively(db):
    accounts.register_candidate(email="ada@example.com", password=PASSWORD, full_name="Ada")
    db.session.commit()
    with pytest.raises(Conflict) as info:
        accounts.register_candidate(email="ADA@example.com", password=PASSWORD, full_name="Other Ada")
    assert "email" in info.value.errors
    db.session.rollback()
    assert db.session.scalar(select(func.count(User.id))) == 1


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"email": "not-an-email", "password": PASSWORD, "full_name": "X"}, "email"),
        ({"email": "a@example.com", "password": "short", "full_name": "X"}, "password"),
        ({"email": "a@example.com", "password": PASSWORD, "full_name": "  "}, "full_name"),
        ({"email": "a@example.com", "password": PASSWORD, "full_name": "Evil\r\nBcc: x@y.z"}, "full_name"),
    ],
)
def test_register_rejects_bad_input_and_writes_nothing(db, fields, bad):
    with pytest.raises(ValidationFailed) as info:
        accounts.register_candidate(**fields)
    assert bad in info.value.errors
    db.session.rollback()
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_authenticate(db, factory):
    user = factory.candidate()
    assert accounts.authenticate(user.email.upper(), PASSWORD).id == user.id
    assert accounts.authenticate(user.email, "wrong password") is None
    assert accounts.authenticate("nobody@example.com", PASSWORD) is None
    user.active = False
    db.session.commit()
    assert accounts.authenticate(user.email, PASSWORD) is None


def test_set_password_bumps_auth_version(db, factory):
    user = factory.candidate()
    before = user.auth_version
    accounts.set_password(user, "a brand new password")
    assert user.auth_version == before + 1
    assert accounts.authenticate(user.email, "a brand new password") is not None


def test_create_company_makes_first_admin(db):
    company, admin = companies.create_company(
        name="Acme", admin_email="Boss@Acme.example", admin_password=PASSWORD, admin_full_name="Boss"
    )
    db.session.commit()
    assert admin.role == "admin" and admin.company_id == company.id
    assert company.slug == "acme"
    other, _ = companies.create_company(
        name="Acme", admin_email="boss2@acme.example", admin_password=PASSWORD, admin_full_name="Boss"
    )
    assert other.slug != company.slug


def test_create_company_is_all_or_nothing(db, factory):
    user = factory.candidate()
    with pytest.raises(Conflict):
        companies.create_company(name="Dup", admin_email=user.email, admin_password=PASSWORD, admin_full_name="X")
    db.session.rollback()
    assert db.session.scalar(select(func.count(Company.id)).where(Company.name == "Dup")) == 0


def test_public_company_signup_can_be_switched_off(app):
    app.config["PUBLIC_COMPANY_SIGNUP"] = False
    with pytest.raises(Forbidden):
        companies.create_company(
            name="Nope", admin_email="n@n.example", admin_password=PASSWORD, admin_full_name="N", public=True
        )


@pytest.mark.parametrize("role", ["recruiter", "hiring_manager", "admin"])
def test_admin_adds_staff_to_own_company(db, factory, role):
    company, admin = factory.company()
    member = companies.add_staff(admin, company.id, email=f"new-{role}@x.example", full_name="New", role=role)
    assert member.company_id == company.id and member.role == role
    assert member.password_hash is None  # waits for the invitation


@pytest.mark.parametrize("role", ["recruiter", "hiring_manager"])
def test_non_admin_staff_cannot_add_members(db, factory, role):
    tenant = factory.tenant()
    with pytest.raises(Forbidden):
        companies.add_staff(tenant[role], tenant["company"].id, email="x@x.example", full_name="X", role="recruiter")


def test_admin_of_another_company_sees_not_found(db, factory):
    company, _ = factory.company()
    _, other_admin = factory.company()
    with pytest.raises(NotFound):
        companies.add_staff(other_admin, company.id, email="x@x.example", full_name="X", role="recruiter")
    with pytest.raises(NotFound):
        companies.list_members(other_admin, company.id)


def test_candidate_cannot_add_staff(db, factory):
    company, _ = factory.company()
    with pytest.raises(NotFound):
        companies.add_staff(factory.candidate(), company.id, email="x@x.example", full_name="X", role="admin")


@pytest.mark.parametrize("role", ["candidate", "owner", "superuser", ""])
def test_unknown_or_non_staff_role_is_rejected(db, factory, role):
    company, admin = factory.company()
    with pytest.raises(ValidationFailed) as info:
        companies.add_staff(admin, company.id, email="x@x.example", full_name="X", role=role)
    assert "role" in info.value.errors


def test_update_member_role_and_deactivate(db, factory):
    tenant = factory.tenant()
    recruiter = tenant["recruiter"]
    version = recruiter.auth_version
    companies.update_member(tenant["admin"], tenant["company"].id, recruiter.id, role="hiring_manager")
    assert recruiter.role == "hiring_manager"
    companies.update_member(tenant["admin"], tenant["company"].id, recruiter.id, active=False)
    assert recruiter.active is False and recruiter.auth_version == version + 1


def test_last_admin_cannot_be_demoted(db, factory):
    company, admin = factory.company()
    with pytest.raises(Conflict):
        companies.update_member(admin, company.id, admin.id, role="recruiter")
    with pytest.raises(Conflict):
        companies.update_member(admin, company.id, admin.id, active=False)


def test_member_of_another_company_is_not_found(db, factory):
    company, admin = factory.company()
    _other_company, other_admin = factory.company()
    with pytest.raises(NotFound):
        companies.update_member(admin, company.id, other_admin.id, role="recruiter")
