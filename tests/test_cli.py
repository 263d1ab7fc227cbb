from sqlalchemy import func, select

from app.models import Application, Company, User


def test_seed_demo_is_idempotent_and_covers_every_stage(runner, db):
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0, first.output
    assert "Demo data created." in first.output and "recruiter@acme.example" in first.output
    counts = (db.session.scalar(select(func.count(User.id))), db.session.scalar(select(func.count(Application.id))))
    stages = set(db.session.scalars(select(Application.stage).distinct()))
    assert stages == {"applied", "screening", "interview", "offer", "hired", "rejected", "withdrawn"}
    second = runner.invoke(args=["seed", "demo"])
    assert second.exit_code == 0 and "already present" in second.output
    assert counts == (
        db.session.scalar(select(func.count(User.id))),
        db.session.scalar(select(func.count(Application.id))),
    )


def test_create_company_prompts_for_the_password(runner, db):
    result = runner.invoke(
        args=["create-company", "Initech", "--admin-email", "Bill@Initech.example"],
        input="a long enough password\na long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert "a long enough password" not in result.output
    admin = db.session.scalar(select(User).where(User.email == "bill@initech.example"))
    assert admin.role == "admin" and admin.company.name == "Initech"


def test_create_company_refuses_a_password_argument(runner, db):
    result = runner.invoke(args=["create-company", "X", "--admin-email", "x@x.example", "--admin-password", "p"])
    assert result.exit_code != 0
    assert db.session.scalar(select(func.count(Company.id))) == 0


def test_create_company_reports_bad_input(runner, db):
    result = runner.invoke(args=["create-company", "X", "--admin-email", "nope"], input="short\nshort\n")
    assert result.exit_code == 1
    assert "email" in result.output and "password" in result.output
