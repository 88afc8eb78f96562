"""The provincial round in the nomination state machine: the switch, the phases, the new edges and who takes them;
a cycle with the round off keeps today's behaviour."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from awards import clock
from awards.enums import NominationAction, NominationState, Phase
from awards.errors import InvalidTransition, PermissionDenied, PhaseClosed
from awards.models import AuditEvent, Nomination
from awards.nominations import services
from awards.nominations.states import EDGES
from tests.provincial.conftest import (
    DURING_SCORING,
    DURING_SCREENING,
    DURING_SELECTION,
    SCORING_CLOSE,
    SELECTION_CLOSE,
    complete_cluster,
    event_count,
    move_clock,
)

A = NominationAction
S = NominationState


def _move(session, nomination_id, action, actor, reason=None):
    nomination = session.get(Nomination, nomination_id)
    services.transition(session, nomination=nomination, action=action, actor=actor, reason=reason)
    session.commit()
    return nomination


def test_the_phases_of_a_cycle_with_the_round_on(session, round_on):
    cycle = round_on.demo.cycle
    assert cycle.has_provincial_round
    assert cycle.phase_at(DURING_SCORING) is Phase.PROVINCIAL_SCORING
    assert cycle.phase_at(SCORING_CLOSE) is Phase.PROVINCIAL_SELECTION
    assert cycle.phase_at(DURING_SELECTION) is Phase.PROVINCIAL_SELECTION
    assert cycle.phase_at(SELECTION_CLOSE) is Phase.SCREENING
    assert cycle.phase_at(DURING_SCREENING) is Phase.SCREENING


def test_a_cycle_without_the_round_keeps_its_phases(session, demo):
    assert not demo.cycle.has_provincial_round
    assert demo.cycle.phase_at(DURING_SCORING) is Phase.SCREENING


def test_with_the_round_on_the_quota_does_not_limit_submitting(session, round_on):
    states = [session.get(Nomination, nid).state for nid in round_on.clusters]
    assert states == [S.SUBMITTED] * 3  # over the cluster quota of two


def test_the_chair_forwards_within_the_quota_and_it_is_audited(session, selecting):
    chair = selecting.users["fars-chair"]
    first, second, _third = selecting.clusters
    assert _move(session, first, A.FORWARD, chair).state is S.FORWARDED
    assert _move(session, second, A.FORWARD, chair).state is S.FORWARDED
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "nomination.forward")
                            .order_by(AuditEvent.id.desc())).first()
    assert (event.nomination_id, event.actor_id, event.changes) == (
        second, chair.id, {"state": ["submitted", "forwarded"]})


def test_forwarding_over_the_quota_is_refused_and_changes_nothing(session, selecting):
    chair = selecting.users["fars-chair"]
    first, second, third = selecting.clusters
    _move(session, first, A.FORWARD, chair)
    _move(session, second, A.FORWARD, chair)
    before = event_count(session)
    with pytest.raises(Exception, match="سهمیهٔ استان"):
        _move(session, third, A.FORWARD, chair)
    session.rollback()
    assert session.get(Nomination, third).state is S.SUBMITTED
    assert event_count(session) == before


def test_a_dossier_returned_by_national_screening_is_fixed_and_forwarded_again(session, selecting):
    chair = selecting.users["fars-chair"]
    first, second, third = selecting.clusters
    _move(session, first, A.FORWARD, chair)
    _move(session, second, A.FORWARD, chair)
    move_clock(session, DURING_SCREENING)
    screener = selecting.demo.users["provincial_affairs-chair"]
    assert _move(session, first, A.RETURN, screener, reason="مدارک ناقص است.").state is S.DRAFT
    assert _move(session, first, A.SUBMIT, selecting.demo.users["fars"]).state is S.SUBMITTED
    with pytest.raises(PhaseClosed):  # a dossier never returned waits no more once selection has closed
        _move(session, third, A.FORWARD, chair)
    session.rollback()
    returned = _move(session, first, A.FORWARD, chair)
    assert (returned.state, returned.return_reason) == (S.FORWARDED, None)


def test_only_the_chair_of_the_dossiers_province_forwards(session, selecting):
    first = selecting.clusters[0]
    for name in ("fars-member-1", "tehran-chair"):
        with pytest.raises(PermissionDenied, match="رئیس کارگروه استانی"):
            _move(session, first, A.FORWARD, selecting.users[name])
        session.rollback()
    with pytest.raises(PermissionDenied):
        _move(session, first, A.FORWARD, selecting.demo.users["fars"])
    session.rollback()
    assert session.get(Nomination, first).state is S.SUBMITTED


def test_forwarding_waits_for_the_selection_phase(session, round_on):
    move_clock(session, DURING_SCORING)
    with pytest.raises(PhaseClosed):
        _move(session, round_on.clusters[0], A.FORWARD, round_on.users["fars-chair"])
    session.rollback()
    move_clock(session, DURING_SCREENING)
    with pytest.raises(PhaseClosed):
        _move(session, round_on.clusters[0], A.FORWARD, round_on.users["fars-chair"])


def test_national_screening_takes_only_forwarded_dossiers(session, selecting):
    screener = selecting.demo.users["provincial_affairs-chair"]
    first, second, _third = selecting.clusters
    _move(session, first, A.FORWARD, selecting.users["fars-chair"])
    move_clock(session, DURING_SCREENING)
    with pytest.raises(InvalidTransition, match="کارگروه استانی"):
        _move(session, second, A.ACCEPT, screener)
    session.rollback()
    assert _move(session, first, A.ACCEPT, screener).state is S.IN_EVALUATION


def test_not_forwarded_then_a_provincial_award_by_the_provinces_officer(session, selecting):
    third = selecting.clusters[2]
    assert _move(session, third, A.NOT_FORWARD, selecting.users["fars-chair"]).state is S.NOT_FORWARDED
    with pytest.raises(PhaseClosed):
        _move(session, third, A.PROVINCIAL_AWARD, selecting.demo.users["fars"])
    session.rollback()
    move_clock(session, DURING_SCREENING)
    with pytest.raises(PermissionDenied):
        _move(session, third, A.PROVINCIAL_AWARD, selecting.demo.users["tehran"])
    session.rollback()
    assert _move(session, third, A.PROVINCIAL_AWARD, selecting.demo.users["fars"]).state is S.PROVINCIALLY_AWARDED


def test_with_the_round_off_the_provincial_edges_are_refused(session, demo):
    nomination = complete_cluster(session, demo, "خوشهٔ بی‌دور")
    services.transition(session, nomination=nomination, action=A.SUBMIT, actor=demo.users["fars"])
    session.commit()
    for action in (A.FORWARD, A.NOT_FORWARD):
        with pytest.raises(InvalidTransition, match="دور استانی"):
            services.transition(session, nomination=nomination, action=action, actor=demo.users["admin"])
        session.rollback()
    assert session.get(Nomination, nomination.id).state is S.SUBMITTED
    assert clock.now() < demo.cycle.nominations_close_at


def test_every_new_state_is_reachable_and_leads_somewhere_or_ends():
    targets = {edge.target for edge in EDGES.values()}
    assert {S.FORWARDED, S.NOT_FORWARDED, S.PROVINCIALLY_AWARDED} <= targets
    assert S.FORWARDED in EDGES[A.ACCEPT].sources and S.FORWARDED in EDGES[A.RETURN].sources
    assert EDGES[A.PROVINCIAL_AWARD].sources == {S.NOT_FORWARDED}


#: Who takes each provincial edge, and when.
PROVINCIAL_ACTOR = {A.FORWARD: "fars-chair", A.NOT_FORWARD: "fars-chair", A.PROVINCIAL_AWARD: "fars"}
PROVINCIAL_MOMENT = {A.FORWARD: DURING_SELECTION, A.NOT_FORWARD: DURING_SELECTION,
                     A.PROVINCIAL_AWARD: DURING_SCREENING}


@pytest.mark.parametrize(("action", "state"), [(a, s) for a in PROVINCIAL_ACTOR for s in S],
                         ids=lambda v: v.value)
def test_a_provincial_edge_is_allowed_iff_the_state_is_one_of_its_sources(session, round_on, action, state):
    nomination = session.get(Nomination, round_on.clusters[0])
    nomination.state = state
    nomination.ineligible_reason = "دلیل آزمایشی" if state is S.INELIGIBLE else None
    session.flush()
    clock.freeze(PROVINCIAL_MOMENT[action])
    name = PROVINCIAL_ACTOR[action]
    actor = round_on.users.get(name) or round_on.demo.users[name]
    before = event_count(session)
    if state in EDGES[action].sources:
        assert services.transition(session, nomination=nomination, action=action, actor=actor) is EDGES[action].target
        assert event_count(session) == before + 1
    else:
        with pytest.raises(InvalidTransition):
            services.transition(session, nomination=nomination, action=action, actor=actor)
        assert nomination.state is state and event_count(session) == before
