"""``flask seed-scale``: a generated cycle in every state, a valid audit chain, and its refusals."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from awards.enums import CommitteeCode, NominationState, SheetState
from awards.evaluation import services as evaluation
from awards.models import (
    Assignment,
    AuditEvent,
    Award,
    Category,
    Committee,
    CommitteeSignoff,
    Conflict,
    Criterion,
    Cycle,
    EvidenceDocument,
    Membership,
    Nomination,
    Score,
    ScoreSheet,
    User,
)

N = 60


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _seed(app, *args: str):
    return app.test_cli_runner().invoke(args=["seed-scale", "--nominations", str(N), *args])


def test_evaluation_stage_builds_every_state_and_a_valid_chain(app, session):
    result = _seed(app)
    assert result.exit_code == 0, result.output
    states = Counter(session.scalars(select(Nomination.state)))
    assert sum(states.values()) == N
    assert {NominationState.DRAFT, NominationState.SUBMITTED, NominationState.IN_EVALUATION,
            NominationState.INELIGIBLE, NominationState.WITHDRAWN} <= set(states)
    assert session.scalar(select(func.count()).where(Nomination.return_reason.is_not(None))) >= 1  # returned
    assert _count(session, Category) == 17
    assert session.scalar(select(func.count(func.distinct(Nomination.province_id)))) > 10
    sizes = dict(session.execute(select(Membership.committee_id, func.count()).group_by(Membership.committee_id)).all())
    assert len(sizes) == 6 and all(5 <= size <= 8 for size in sizes.values())
    # Every nomination that reached evaluation has three reviewers in each of the five scoring committees.
    evaluated = states[NominationState.IN_EVALUATION] + states[NominationState.INELIGIBLE]
    assert _count(session, Assignment) == evaluated * 5 * 3
    # Sheets: written by assigned members only; a submitted one holds every criterion of its committee.
    assert session.scalar(select(func.count()).select_from(ScoreSheet).where(~select(Assignment.id).where(
        Assignment.nomination_id == ScoreSheet.nomination_id, Assignment.committee_id == ScoreSheet.committee_id,
        Assignment.member_id == ScoreSheet.member_id).exists())) == 0
    sheets = Counter(session.scalars(select(ScoreSheet.state)))
    assert sheets[SheetState.SUBMITTED] > 0 and sheets[SheetState.DRAFT] > 0
    values_per_submitted = set(session.scalars(
        select(func.count(Score.id)).join(ScoreSheet, ScoreSheet.id == Score.sheet_id)
        .where(ScoreSheet.state == SheetState.SUBMITTED).group_by(Score.sheet_id)))
    assert values_per_submitted == {5}
    assert _count(session, Conflict) >= 1
    # Every nomination past the draft stage has its evidence on disk.
    stored = session.scalars(select(EvidenceDocument.stored_name)).all()
    assert stored and all((app.config["UPLOAD_FOLDER"] / name).is_file() for name in stored)
    # The audit log: about as many events per nomination as a real year has, and an intact chain.
    assert _count(session, AuditEvent) >= 12 * N
    session.rollback()
    verify = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert verify.exit_code == 0, verify.output
    assert f"{_count(session, AuditEvent)} events" in verify.output


def test_the_app_writes_on_after_the_generated_rows(app, session):
    """Ids and the chain head continue where the generator stopped: a member saves a sheet they had not started."""
    assert _seed(app).exit_code == 0
    committee = session.scalar(select(Committee).where(Committee.code == CommitteeCode.WINNERS))
    open_pair = session.execute(
        select(Assignment.nomination_id, Assignment.member_id)
        .join(Nomination, Nomination.id == Assignment.nomination_id)
        .where(Assignment.committee_id == committee.id, Nomination.state == NominationState.IN_EVALUATION,
               ~select(ScoreSheet.id).where(ScoreSheet.nomination_id == Assignment.nomination_id,
                                            ScoreSheet.committee_id == committee.id,
                                            ScoreSheet.member_id == Assignment.member_id).exists(),
               ~select(Conflict.id).where(Conflict.nomination_id == Assignment.nomination_id,
                                          Conflict.user_id == Assignment.member_id).exists())
        .order_by(Assignment.id).limit(1)).one()
    nomination = session.get(Nomination, open_pair.nomination_id)
    member = session.get(User, open_pair.member_id)
    sheets_before = _count(session, ScoreSheet)
    criteria = session.scalars(select(Criterion).where(Criterion.category_id == nomination.category_id,
                                                       Criterion.committee_id == committee.id)).all()
    sheet = evaluation.save_sheet(session, nomination=nomination, committee=committee, actor=member,
                                  values={c.id: c.max_points for c in criteria}, comment="", submit=True)
    session.commit()
    assert sheet.id == sheets_before + 1
    assert _count(session, ScoreSheet) == sheets_before + 1
    verify = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert verify.exit_code == 0, verify.output


def test_results_stage_is_proposed_and_confirmed_by_the_services(app, session):
    result = _seed(app, "--stage", "results", "--seed", "7")
    assert result.exit_code == 0, result.output
    assert "17 categories proposed and confirmed" in result.output
    states = Counter(session.scalars(select(Nomination.state)))
    assert states[NominationState.IN_EVALUATION] == 0 and states[NominationState.SHORTLISTED] == 0
    assert states[NominationState.AWARDED] == _count(session, Award) > 0
    assert states[NominationState.NOT_SELECTED] > 0
    assert session.scalar(select(func.count()).where(Category.finalised_at.is_(None))) == 0
    assert session.scalar(select(func.count()).where(ScoreSheet.state == SheetState.DRAFT)) == 0
    signed = session.execute(select(CommitteeSignoff.category_id, func.count()).group_by(CommitteeSignoff.category_id))
    assert len(dict(signed.all())) == 17  # every category, by its weighted committees' chairs
    session.rollback()
    runner = app.test_cli_runner()
    verify = runner.invoke(args=["results", "verify", "--cycle", "1404"])
    assert verify.exit_code == 0, verify.output
    chain = runner.invoke(args=["audit", "verify"])
    assert chain.exit_code == 0, chain.output


def test_refuses_a_database_with_data_and_changes_nothing(app, session):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    before = (_count(session, User), _count(session, Nomination), _count(session, AuditEvent))
    result = _seed(app)
    assert result.exit_code == 1
    assert "not empty" in result.output and "خالی نیست" in result.output
    assert (_count(session, User), _count(session, Nomination), _count(session, AuditEvent)) == before
    assert _count(session, Cycle) == 1


def test_refuses_the_production_config_and_changes_nothing(app, session):
    app.config["ENV_NAME"] = "production"
    result = _seed(app)
    assert result.exit_code == 1
    assert "production" in result.output
    assert _count(session, User) == 0 and _count(session, Cycle) == 0 and _count(session, Nomination) == 0



def test_statistics_are_gathered_on_postgresql_only(app, session):
    from awards.scale import refresh_statistics  # here: the other tests drive the generator through its command

    assert refresh_statistics(session) is (session.get_bind().dialect.name == "postgresql")
