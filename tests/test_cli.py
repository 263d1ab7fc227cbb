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


def _company(runner, name: str, email: str, *extra: str):
    return runner.invoke(
        args=["create-company", name, "--admin-email", email, "--password-stdin", *extra],
        input="a long enough password\n",
    )


def test_create_company_refuses_a_duplicate_name_unless_told(runner, db):
    assert _company(runner, "Initech", "bill@initech.example").exit_code == 0
    again = _company(runner, "initech", "peter@initech.example")
    assert again.exit_code == 1
    assert "already exists" in again.output and "--allow-duplicate-name" in again.output
    assert db.session.scalar(select(func.count(Company.id))) == 1
    forced = _company(runner, "Initech", "peter@initech.example", "--allow-duplicate-name")
    assert forced.exit_code == 0, forced.output
    slugs = set(db.session.scalars(select(Company.slug)))
    assert len(slugs) == 2 and "initech" in slugs


def test_create_company_says_where_development_mail_goes(app, runner, db):
    app.config["MAIL_BACKEND"] = "file"
    result = _company(runner, "Hooli", "gavin@hooli.example")
    assert result.exit_code == 0, result.output
    assert "/auth/login" in result.output
    assert f"written as an .eml file to {app.instance_path}/mail" in result.output


def test_set_password_from_stdin_ends_older_sessions(runner, db, factory):
    user = factory.candidate()
    before = user.auth_version
    result = runner.invoke(
        args=["users", "set-password", user.email.upper(), "--password-stdin"], input="new pass phrase 42\n"
    )
    assert result.exit_code == 0, result.output
    db.session.refresh(user)
    assert user.auth_version == before + 1
    from app.services.accounts import authenticate

    assert authenticate(user.email, "new pass phrase 42") is not None


def test_set_password_prompts_twice_and_checks_the_rules(runner, db, factory):
    user = factory.candidate()
    result = runner.invoke(args=["users", "set-password", user.email], input="short\nshort\n")
    assert result.exit_code == 1 and "password" in result.output
    result = runner.invoke(args=["users", "set-password", "nobody@nowhere.example", "--password-stdin"], input="x" * 20)
    assert result.exit_code == 1 and "No account uses that email" in result.output
    empty = runner.invoke(args=["users", "set-password", user.email, "--password-stdin"], input="")
    assert empty.exit_code == 1 and "no password" in empty.output


def test_add_admin_creates_one_or_promotes_a_member(runner, db, factory):
    company, admin = factory.company()
    recruiter = factory.staff(company, admin, "recruiter")
    result = runner.invoke(
        args=[
            "users",
            "add-admin",
            "new@boss.example",
            "--company",
            company.slug,
            "--name",
            "New Boss",
            "--password-stdin",
        ],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    new = db.session.scalar(select(User).where(User.email == "new@boss.example"))
    assert new.role == "admin" and new.company_id == company.id and new.full_name == "New Boss"

    promoted = runner.invoke(args=["users", "add-admin", recruiter.email, "--company", company.slug, "--keep-password"])
    assert promoted.exit_code == 0, promoted.output
    db.session.refresh(recruiter)
    assert recruiter.role == "admin" and "Promoted" in promoted.output


def test_add_admin_refuses_someone_of_another_company_or_an_unknown_company(runner, db, factory):
    company, _ = factory.company()
    _other, outsider = factory.company()
    result = runner.invoke(args=["users", "add-admin", outsider.email, "--company", company.slug, "--keep-password"])
    assert result.exit_code == 1 and "outside this company" in result.output
    db.session.refresh(outsider)
    assert outsider.company_id != company.id
    missing = runner.invoke(
        args=["users", "add-admin", "a@b.example", "--company", "no-such", "--password-stdin"], input="x" * 20
    )
    assert missing.exit_code == 1 and "company was not found" in missing.output
