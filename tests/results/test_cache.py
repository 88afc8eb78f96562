"""The cached result of a category equals a fresh computation after every kind of input change."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from awards import clock
from awards.enums import CommitteeCode, ConflictSource, NominationState, SheetState
from awards.evaluation.conflicts import _insert_missing
from awards.models import (
    Category,
    CategoryCommittee,
    Conflict,
    Criterion,
    Nomination,
    Score,
    ScoreSheet,
    TieResolution,
    User,
)
from awards.results import cache
from awards.results.queries import load_results
from tests.results.conftest import MEMBER_SUFFIXES, SCORING_COMMITTEES, add_sheet, cluster, committee, user

KINDS = ("submit", "reopen", "score", "criterion", "committee_weight", "conflict", "override", "tie",
         "bulk_scores", "ineligible", "member_name", "quota")


def _computed(data):
    return (data.result, data.nominees, data.committees, data.criteria, data.sheets, data.member_names,
            data.scoring_input)


def _assert_cached_equals_fresh(session, category) -> None:
    cached = load_results(session, category=category)
    fresh = load_results(session, category=category, fresh=True)
    assert _computed(cached) == _computed(fresh)


def _pool(session, category) -> list[Nomination]:
    return list(session.scalars(select(Nomination).where(
        Nomination.category_id == category.id, Nomination.state == NominationState.IN_EVALUATION)
        .order_by(Nomination.id)))


def _committee_id(session, code: CommitteeCode) -> int:
    return committee(session, code).id


def _change(session, category, kind: str, pick: int) -> None:  # noqa: C901 (one branch per kind of change)
    """Make one change of ``kind`` the way the services do it (ORM rows, or a bulk statement)."""
    pool = _pool(session, category)
    sheets = list(session.scalars(select(ScoreSheet).join(Nomination).where(Nomination.category_id == category.id)
                                  .order_by(ScoreSheet.id)))
    if kind == "submit" and pool:
        code = SCORING_COMMITTEES[pick % len(SCORING_COMMITTEES)]
        member = user(session, f"{code.value}-{MEMBER_SUFFIXES[pick % 3]}")
        nomination = pool[pick % len(pool)]
        taken = session.scalar(select(ScoreSheet.id).where(
            ScoreSheet.nomination_id == nomination.id, ScoreSheet.member_id == member.id,
            ScoreSheet.committee_id.in_(select(Criterion.committee_id).where(Criterion.category_id == category.id)
                                        .where(Criterion.committee_id == _committee_id(session, code)))))
        if taken is None:
            add_sheet(session, nomination=nomination, code=code, member=member, fraction=Decimal(pick % 10) / 10)
    elif kind == "reopen" and sheets:
        sheet = sheets[pick % len(sheets)]
        sheet.state = SheetState.DRAFT if sheet.state == SheetState.SUBMITTED else SheetState.SUBMITTED
        sheet.submitted_at = clock.now()
    elif kind == "score":
        score = session.scalars(select(Score).join(ScoreSheet).join(Nomination)
                                .where(Nomination.category_id == category.id).order_by(Score.id)).all()
        if score:
            row = score[pick % len(score)]
            row.value = (row.max_points * Decimal(pick % 7) / 6 * 2).to_integral_value() / 2
    elif kind == "criterion":
        criteria = session.scalars(select(Criterion).where(Criterion.category_id == category.id)
                                   .order_by(Criterion.id)).all()
        criteria[pick % len(criteria)].weight = Decimal(1 + pick % 4)
    elif kind == "committee_weight":
        settings_ = session.scalars(select(CategoryCommittee).where(CategoryCommittee.category_id == category.id)
                                    .order_by(CategoryCommittee.id)).all()
        settings_[pick % len(settings_)].weight = Decimal(pick % 3)
    elif kind == "conflict" and pool:
        member = user(session, f"{CommitteeCode.WINNERS.value}-{MEMBER_SUFFIXES[pick % 3]}")
        nomination = pool[pick % len(pool)]
        if session.scalar(select(Conflict.id).where(Conflict.nomination_id == nomination.id,
                                                    Conflict.user_id == member.id)) is None:
            session.add(Conflict(nomination_id=nomination.id, user_id=member.id,
                                 source=ConflictSource.SAME_PROVINCE, reason="آزمون"))
    elif kind == "override":
        conflicts = session.scalars(select(Conflict).join(Nomination).where(Nomination.category_id == category.id,
                                                                            Conflict.source != ConflictSource.DECLARED)
                                    .order_by(Conflict.id)).all()
        if conflicts:
            conflict = conflicts[pick % len(conflicts)]
            conflict.overridden_at = None if conflict.overridden_at else clock.now()
    elif kind == "tie" and len(pool) >= 2:
        ids = [pool[pick % len(pool)].id, pool[(pick + 1) % len(pool)].id]
        if ids[0] != ids[1]:
            session.add(TieResolution(category_id=category.id, ordered_nomination_ids=ids, justification="آزمون",
                                      decided_by_id=user(session, "winners-chair").id, decided_at=clock.now()))
    elif kind == "bulk_scores":  # a bulk statement, as the rubric editor runs one
        session.execute(update(Score).where(Score.sheet_id.in_([s.id for s in sheets[pick % 3::3]]))
                        .values(value=Decimal(pick % 3)).execution_options(synchronize_session=False,
                                                                           results_categories=(category.id,)))
    elif kind == "ineligible" and pool:
        nomination = pool[pick % len(pool)]
        nomination.state = NominationState.INELIGIBLE
        nomination.ineligible_reason = "آزمون"
    elif kind == "member_name":
        member = session.scalars(select(User).where(User.username.like("winners-%")).order_by(User.id)).all()
        member[pick % len(member)].full_name = f"داور {pick}"
    elif kind == "quota":
        category.gold_quota = pick % 3
    session.flush()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 50)), min_size=1, max_size=8),
       commit=st.booleans())
def test_cached_result_equals_fresh_after_every_kind_of_change(scored, session, steps, commit):
    category = cluster(session)
    _assert_cached_equals_fresh(session, category)
    for kind, pick in steps:
        _change(session, category, kind, pick)
        _assert_cached_equals_fresh(session, category)
    if commit:
        session.commit()
        _assert_cached_equals_fresh(session, category)
    else:
        session.rollback()
        _assert_cached_equals_fresh(session, category)  # a rolled-back stamp is never reused
    clock.freeze(clock.now() + timedelta(seconds=1))


def test_a_read_reuses_the_result_until_an_input_changes(scored, session):
    category = cluster(session)
    cache.clear()
    first = load_results(session, category=category)
    assert load_results(session, category=category).result is first.result
    sheet = session.scalars(select(ScoreSheet).join(Nomination).where(Nomination.category_id == category.id)).first()
    sheet.state = SheetState.DRAFT
    session.flush()
    assert load_results(session, category=category).result is not first.result


def test_conflict_flags_restamp_only_the_category_of_their_nominations(session, demo):
    """The conflict rules insert in bulk; naming their nominations keeps the other categories' results cached."""
    def versions() -> dict[int, str]:
        return dict(session.execute(select(Category.id, Category.results_version)).all())

    nomination = session.scalars(select(Nomination).where(Nomination.state == NominationState.IN_EVALUATION)
                                 .order_by(Nomination.id)).first()
    outsider = session.scalar(select(User).where(User.username == "admin"))
    before = versions()
    added = _insert_missing(session, [(nomination.id, outsider.id, ConflictSource.SAME_PROVINCE)])
    session.flush()
    after = versions()
    assert added
    assert {cid for cid in before if before[cid] != after[cid]} == {nomination.category_id}
    session.rollback()


def test_values_derived_from_results_never_push_a_result_out(scored, session):
    category = cluster(session)
    cache.clear()
    first = load_results(session, category=category)
    for n in range(cache.CAPACITY * 2):  # a cycle's worth of sign-off digests, and more
        cache.cached(("signoff", n), lambda n=n: {"n": n}, small=True)
    assert load_results(session, category=category).result is first.result
    assert cache.cached(("signoff", cache.CAPACITY * 2 - 1), lambda: "recomputed", small=True) == {
        "n": cache.CAPACITY * 2 - 1}
    cache.clear()
    assert cache.cached(("signoff", 0), lambda: "recomputed", small=True) == "recomputed"
