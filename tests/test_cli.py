"""The command line: seed-demo (each stage), create-user, db upgrade."""

from __future__ import annotations

from sqlalchemy import func, select

from awards.demo import MASKATI
from awards.enums import NominationState, Tier
from awards.models import Award, Budget, Category, CommitteeSignoff, Nomination, Publication, User


def test_seed_demo_default_stage_leaves_maskati_as_draft(app, session):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    maskati = session.scalar(select(Nomination).where(Nomination.nominee_name == MASKATI))
    assert maskati.state == NominationState.DRAFT
    assert maskati.representative_name == "محمدعلی جمشیدی"
    assert maskati.representative_title == "عامل توسعه خوشه مسقطی لار"
    assert maskati.province.name_fa == "فارس"


def test_seed_demo_final_stage_gives_maskati_the_gold_statuette(app, session):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--stage", "final"])
    assert result.exit_code == 0, result.output
    award = session.scalar(select(Award).join(Nomination).where(Nomination.nominee_name == MASKATI))
    assert (award.tier, award.rank, award.serial) == (Tier.GOLD, 1, "1404-CLUSTER-001")
    assert award.nomination.state == NominationState.AWARDED
    verify = app.test_cli_runner().invoke(args=["results", "verify", "--cycle", "1404"])
    assert verify.exit_code == 0, verify.output


def test_seed_demo_results_stage_leaves_only_the_cluster_category_open(app, session):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--stage", "results"])
    assert result.exit_code == 0, result.output
    open_codes = set(session.scalars(select(Category.code).where(Category.finalised_at.is_(None))))
    assert open_codes == {"cluster"}
    maskati = session.scalar(select(Nomination).where(Nomination.nominee_name == MASKATI))
    assert maskati.state == NominationState.IN_EVALUATION
    assert session.scalar(select(func.count(CommitteeSignoff.id)).where(
        CommitteeSignoff.category_id == maskati.category_id)) == 0
    assert session.scalar(select(Budget.id)) is None
    assert session.scalar(select(Publication.id)) is None


def test_seed_demo_refuses_a_database_with_data(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 1
    assert "not empty" in second.output
    assert runner.invoke(args=["seed-demo", "--if-empty"]).exit_code == 0


def test_seed_demo_refuses_production_config(app):
    app.config["ENV_NAME"] = "production"
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 1
    assert "production" in result.output


def test_create_user_makes_a_province_officer(app, session):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo"])
    result = runner.invoke(args=["create-user", "--username", "bushehr", "--full-name", "کارشناس بوشهر",
                                 "--password", "Khalij-Fars-port-77", "--province", "IR-18"])
    assert result.exit_code == 0, result.output
    user = session.scalar(select(User).where(User.username == "bushehr"))
    assert user.province.name_en == "Bushehr"


def test_create_user_refuses_a_common_password(app):
    result = app.test_cli_runner().invoke(args=["create-user", "--username", "ali", "--full-name", "علی",
                                                "--password", "1234567890"])
    assert result.exit_code == 1
    assert "رایج" in result.output
