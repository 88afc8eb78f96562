"""The command line: seed-demo (each stage), create-user, db upgrade."""

from __future__ import annotations

from sqlalchemy import func, select

from awards import clock
from awards.demo import MASKATI, MEYMAND
from awards.enums import NominationState, Phase, SheetState, Tier
from awards.models import (
    Award,
    Budget,
    Category,
    CommitteeSignoff,
    Cycle,
    Nomination,
    ProvincialAward,
    ProvincialDecision,
    ProvincialSheet,
    ProvincialSignatory,
    Publication,
    User,
)
from awards.provincial.queries import group_of
from awards.provincial.ranking import provincial_ranking


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
    # Both rounds: Fars forwarded Maskati Lari and kept the Meymand cluster, which got the province's award.
    decision = session.scalar(select(ProvincialDecision).where(ProvincialDecision.nomination_id == award.nomination_id))
    assert (decision.forwarded, decision.rank) == (True, 1)
    provincial = session.scalar(select(ProvincialAward))
    assert (provincial.serial, provincial.nomination.nominee_name) == ("1404-FA-001", MEYMAND)
    assert provincial.nomination.state == NominationState.PROVINCIALLY_AWARDED
    assert provincial.issued_by_id == session.scalar(select(User.id).where(User.username == "fars"))
    assert session.scalar(select(func.count(ProvincialSignatory.id)).where(
        ProvincialSignatory.province_id == provincial.province_id)) == 2


def test_seed_demo_provincial_stage_leaves_fars_clusters_to_its_chair(app, session):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--stage", "provincial"])
    assert result.exit_code == 0, result.output
    cycle = session.scalar(select(Cycle))
    assert cycle.phase_at(clock.now()) is Phase.PROVINCIAL_SELECTION
    maskati = session.scalar(select(Nomination).where(Nomination.nominee_name == MASKATI))
    meymand = session.scalar(select(Nomination).where(Nomination.nominee_name == MEYMAND))
    assert (maskati.state, meymand.state) == (NominationState.SUBMITTED, NominationState.SUBMITTED)
    for nomination in (maskati, meymand):
        assert session.scalar(select(func.count(ProvincialSheet.id)).where(
            ProvincialSheet.nomination_id == nomination.id, ProvincialSheet.state == SheetState.SUBMITTED)) == 3
    group = group_of(session, cycle=cycle, province_id=maskati.province_id)
    assert group.chair.user.username == "fars-group-chair"
    ranking = provincial_ranking(session, group=group, category=maskati.category)
    assert [(n.nominee_name, r.rank) for n, r in ranking.rows()] == [(MASKATI, 1), (MEYMAND, 2)]
    # Every other dossier submitted is forwarded already; none is in the national round yet.
    states = dict(session.execute(select(Nomination.nominee_name, Nomination.state)).all())
    assert {name for name, state in states.items() if state == NominationState.SUBMITTED} == {MASKATI, MEYMAND}
    assert list(states.values()).count(NominationState.FORWARDED) == 9
    assert NominationState.IN_EVALUATION not in states.values()
    assert session.scalar(select(ProvincialAward.id)) is None


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
