"""`flask seed bench`: bulk data that follows every domain rule, at a small size."""

import itertools
import json
from collections import Counter, defaultdict

from sqlalchemy import func, select

from app import workflow
from app.bench_seed import BENCH_PASSWORD, BenchSize
from app.models import Application, Candidate, Company, Job, StageChange, User
from app.services import accounts, applications, stage_counts

ARGS = ["seed", "bench", "--applications", "400", "--companies", "3", "--jobs", "16", "--candidates", "150"]


def _seed(runner, tmp_path):
    output = tmp_path / "bench.json"
    result = runner.invoke(args=[*ARGS, "--output", str(output)])
    assert result.exit_code == 0, result.output
    return result, json.loads(output.read_text())


def test_counts_logins_and_summary(runner, db, tmp_path):
    result, summary = _seed(runner, tmp_path)
    size = BenchSize.for_applications(400, companies=3, jobs=16, candidates=150)
    assert db.session.scalar(select(func.count(Application.id))) == 400
    assert db.session.scalar(select(func.count(Company.id))) == 3
    assert db.session.scalar(select(func.count(Job.id))) == 16
    roles = Counter(db.session.scalars(select(User.role)))
    assert roles == {"candidate": 150 + size.applicants, "admin": 3, "recruiter": 3, "hiring_manager": 3}
    # One job holds exactly the advertised number; one company clearly holds the most.
    per_job = dict(db.session.execute(select(Application.job_id, func.count()).group_by(Application.job_id)).all())
    assert per_job[summary["big_job"]["id"]] == size.big_job == max(per_job.values())
    per_company = Counter(
        dict(db.session.execute(select(Application.company_id, func.count()).group_by(Application.company_id)).all())
    )
    (largest, count), (_, runner_up) = per_company.most_common(2)
    assert largest == summary["big_company"]["id"] and count == summary["big_company"]["applications"] > runner_up
    # Every stage occurs, jobs vary, and the printed logins work with the printed password.
    assert set(db.session.scalars(select(Application.stage).distinct())) == set(workflow.STAGES)
    assert set(db.session.scalars(select(Job.status).distinct())) == {"open", "draft", "closed"}
    assert len(set(db.session.scalars(select(Job.location)))) > 3
    recruiter = accounts.authenticate(summary["big_company"]["recruiter_email"], BENCH_PASSWORD)
    assert recruiter is not None and recruiter.role == "recruiter" and recruiter.company_id == largest
    assert summary["big_company"]["recruiter_email"] in result.output and BENCH_PASSWORD in result.output
    # The dashboard's stage counts are filled for the bulk-loaded applications too.
    counted = dict(
        db.session.execute(
            select(Application.stage, func.count()).where(Application.company_id == largest).group_by(Application.stage)
        ).all()
    )
    assert {k: v for k, v in stage_counts.for_company(recruiter).items() if v} == counted
    # One hash computed once, shared by every seeded account.
    assert db.session.scalar(select(func.count(func.distinct(User.password_hash)))) == 1


def test_history_is_a_legal_walk_and_versions_count_it(runner, db, tmp_path):
    _seed(runner, tmp_path)
    history = defaultdict(list)
    for change in db.session.scalars(select(StageChange).order_by(StageChange.id)):
        history[change.application_id].append(change)
    job_company = dict(db.session.execute(select(Job.id, Job.company_id)).all())
    job_status = dict(db.session.execute(select(Job.id, Job.status)).all())
    for application in db.session.scalars(select(Application)):
        changes = history[application.id]
        assert changes[0].from_stage is None and changes[0].to_stage == "applied"
        assert changes[0].actor_id == application.candidate.user_id  # the applicant's account
        for before, after in itertools.pairwise(changes):
            assert after.from_stage == before.to_stage
            assert after.to_stage in workflow.graph_moves(before.to_stage)
            assert after.created_at > before.created_at
            if after.to_stage == "withdrawn":
                assert after.actor_id == application.candidate.user_id
            if after.to_stage == "rejected":
                assert after.reason
        assert changes[-1].to_stage == application.stage
        assert application.version == len(changes)
        assert application.company_id == job_company[application.job_id] == changes[0].company_id
        assert job_status[application.job_id] != "draft"


def test_services_keep_working_on_seeded_data(runner, db, tmp_path):
    """Ids continue after the bulk load (sequences) and the version guard accepts the seeded versions."""
    _, summary = _seed(runner, tmp_path)
    applicant = db.session.get(User, summary["applicants"]["first_id"])
    assert applicant.email == "applicant1@bench.example"
    assert db.session.scalar(select(func.count(Candidate.id)).where(Candidate.user_id == applicant.id)) == 0
    application = applications.apply(applicant, summary["big_job"]["id"], cover_letter="Hello", consent=True)
    db.session.commit()
    assert application.id > summary["applications"]
    recruiter = db.session.scalar(select(User).where(User.email == summary["big_company"]["recruiter_email"]))
    seeded = db.session.scalar(
        select(Application).where(Application.company_id == recruiter.company_id, Application.stage == "applied")
    )
    moved = applications.move_stage(recruiter, seeded.id, "screening", expected_version=seeded.version)
    db.session.commit()
    assert moved.version == len(applications.history(recruiter, seeded.id))


def test_refuses_a_database_that_has_data(runner, db, tmp_path):
    _seed(runner, tmp_path)
    again = runner.invoke(args=[*ARGS, "--output", str(tmp_path / "again.json")])
    assert again.exit_code == 1
    assert "already has data (400 applications)" in again.output
    assert db.session.scalar(select(func.count(Application.id))) == 400
    assert not (tmp_path / "again.json").exists()


def test_rejects_impossible_sizes(runner, db):
    result = runner.invoke(args=["seed", "bench", "--applications", "400", "--candidates", "20"])
    assert result.exit_code == 2 and "candidates" in result.output
    assert db.session.scalar(select(func.count(Company.id))) == 0
