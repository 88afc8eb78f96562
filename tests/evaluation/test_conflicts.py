"""Conflict-of-interest rule flags: the rules, and that each event flags only what it touches, set-based."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from awards.admin import services as admin_services
from awards.enums import ConflictSource
from awards.evaluation import conflicts, rubric
from awards.models import AuditEvent, Conflict, Nomination
from tests.evaluation.factories import STEEL, committee, make_member, make_nominations, nomination_named, user


def test_organisation_key_ignores_legal_form_spacing_and_letters():
    assert conflicts.organisation_key("شرکت فولاد سپاهان‌نوین (سهامی خاص)") == conflicts.organisation_key(
        "فولاد سپاهان نوين")
    assert conflicts.organisation_key("فولاد سپاهان") != conflicts.organisation_key("فولاد سپاهان نوین")
    assert conflicts.organisation_key("شرکت") == ""


def test_flag_same_organisation_is_idempotent(session, demo):
    member = user(session, "finance-1")
    member.organisation = "شركت فولاد سپاهان نوین"  # Arabic kaf, as typed on some keyboards
    assert conflicts.flag_conflicts(session, cycle=demo.cycle) == 1
    assert conflicts.flag_conflicts(session, cycle=demo.cycle) == 0
    flag = session.scalar(select(Conflict).where(Conflict.user_id == member.id))
    assert (flag.nomination_id, flag.source) == (nomination_named(session, STEEL).id,
                                                 ConflictSource.SAME_ORGANISATION)
    assert session.scalar(select(AuditEvent.action).where(AuditEvent.object_id == flag.id,
                                                          AuditEvent.object_type == "conflict")) == "conflict.flag"


def test_flag_same_province_only_when_cycle_enables_it(session, demo):
    isfahan = demo.users["isfahan"].province
    officer_member = make_member(session, demo, "media", province=isfahan)
    steel = nomination_named(session, STEEL)
    demo.cycle.conflict_same_province = False
    assert conflicts.flag_conflicts(session, cycle=demo.cycle) == 0
    demo.cycle.conflict_same_province = True
    added = conflicts.flag_conflicts(session, cycle=demo.cycle)
    flagged = set(session.execute(select(Conflict.nomination_id, Conflict.source)
                                  .where(Conflict.user_id == officer_member.id)).all())
    isfahan_in_evaluation = set(session.scalars(select(Nomination.id).where(
        Nomination.province_id == isfahan.id, Nomination.state.in_(conflicts.FLAGGED_STATES))))
    assert added == len(isfahan_in_evaluation) == 2
    assert flagged == {(nid, ConflictSource.SAME_PROVINCE) for nid in isfahan_in_evaluation}
    assert steel.id in isfahan_in_evaluation


def _flags(session, **where) -> set[tuple[int, int, ConflictSource]]:
    query = select(Conflict.nomination_id, Conflict.user_id, Conflict.source)
    for name, value in where.items():
        query = query.where(getattr(Conflict, name) == value)
    return set(session.execute(query).all())


def test_flags_for_a_nomination_touch_only_that_nomination(session, demo):
    member = user(session, "finance-1")
    member.organisation = STEEL  # set without the event: the cycle has a flag missing for steel
    [other] = make_nominations(session, demo, "mining", 1, name="فولاد سپاهان نوین دیگر")
    member2 = user(session, "finance-2")
    member2.organisation = other.nominee_name
    session.flush()
    assert conflicts.flag_conflicts_for_nomination(session, nomination=other) == 1
    assert _flags(session, user_id=member.id) == set()
    assert _flags(session, nomination_id=other.id) == {(other.id, member2.id, ConflictSource.SAME_ORGANISATION)}
    assert conflicts.flag_conflicts_for_nomination(session, nomination=other) == 0  # idempotent


def test_flags_for_a_member_touch_only_that_member(session, demo):
    first, second = user(session, "finance-1"), user(session, "finance-2")
    first.organisation = second.organisation = STEEL
    session.flush()
    steel = nomination_named(session, STEEL)
    assert conflicts.flag_conflicts_for_member(session, cycle=demo.cycle, user=first) == 1
    assert _flags(session, nomination_id=steel.id, source=ConflictSource.SAME_ORGANISATION) == {
        (steel.id, first.id, ConflictSource.SAME_ORGANISATION)}


def test_overridden_flag_is_not_raised_again_by_an_event(session, demo):
    member = user(session, "finance-1")
    member.organisation = STEEL
    conflicts.flag_conflicts_for_member(session, cycle=demo.cycle, user=member)
    flag = session.scalar(select(Conflict).where(Conflict.user_id == member.id))
    flag.overridden_at, flag.overridden_by_id, flag.override_reason = flag.created_at, demo.users["admin"].id, "همنامی"
    session.flush()
    assert conflicts.flag_conflicts_for_member(session, cycle=demo.cycle, user=member) == 0
    assert conflicts.flag_conflicts_for_nomination(session, nomination=nomination_named(session, STEEL)) == 0


def test_switching_the_province_rule_on_in_the_rubric_raises_its_flags(session, demo):
    isfahan = demo.users["isfahan"].province
    officer_member = make_member(session, demo, "media", province=isfahan)  # seated without the event
    demo.cycle.conflict_same_province = False
    category = demo.categories["industry"]
    data = rubric.RubricInput(gold_quota=category.gold_quota, certificate_quota=category.certificate_quota,
                              min_score=category.min_score, conflict_same_province=True)
    rubric.update_rubric(session, category=category, actor=demo.users["admin"], data=data)
    isfahan_in_evaluation = set(session.scalars(select(Nomination.id).where(
        Nomination.province_id == isfahan.id, Nomination.state.in_(conflicts.FLAGGED_STATES))))
    assert _flags(session, user_id=officer_member.id) == {
        (nid, officer_member.id, ConflictSource.SAME_PROVINCE) for nid in isfahan_in_evaluation}
    assert isfahan_in_evaluation


@pytest.mark.parametrize("flag", ["member", "nomination"])
def test_statement_count_does_not_grow_with_the_cycle(session, demo, flag):
    """Set-based: the same statements flag a member against 2 or 30 matching nominations."""
    fars = demo.users["fars"].province

    def statements(count: int) -> int:
        savepoint = session.begin_nested()
        try:
            made = make_nominations(session, demo, "mining", count, province=fars)
            member = make_member(session, demo, "media", province=fars)
            seen: list[str] = []
            engine = session.get_bind()
            listener = lambda *args: seen.append(args[2])  # noqa: E731  (conn, cursor, statement, ...)
            event.listen(engine, "before_cursor_execute", listener)
            try:
                if flag == "member":
                    added = conflicts.flag_conflicts_for_member(session, cycle=demo.cycle, user=member)
                else:
                    added = conflicts.flag_conflicts_for_nomination(session, nomination=made[0])
                session.flush()
            finally:
                event.remove(engine, "before_cursor_execute", listener)
            assert added == (count + _fars_in_demo(session, fars) if flag == "member" else 1)
            return len(seen)
        finally:
            savepoint.rollback()

    assert statements(2) == statements(30)


def _fars_in_demo(session, province) -> int:
    """Nominations of the province the demo already has in evaluation (besides those a test makes)."""
    return len(session.scalars(select(Nomination.id).where(
        Nomination.province_id == province.id, Nomination.state.in_(conflicts.FLAGGED_STATES),
        ~Nomination.nominee_name.like("نامزد آزمایشی%"))).all())


def test_events_leave_nothing_for_a_whole_cycle_pass_to_add(session, demo):
    """Seating a province officer and setting an organisation raise every flag a full pass over the cycle would."""
    admin = demo.users["admin"]
    admin_services.add_member(session, actor=admin, cycle=demo.cycle, committee=committee(session, "media"),
                              user=user(session, "isfahan"))
    admin_services.set_organisation(session, actor=admin, cycle=demo.cycle, user=user(session, "winners-1"),
                                    organisation=f"شرکت {STEEL}")
    raised = _flags(session)
    assert {source for _n, _u, source in raised} == set(conflicts.RULE_SOURCES)
    assert conflicts.flag_conflicts(session, cycle=demo.cycle) == 0
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "conflict.flag")).all()
    assert len(events) == len(raised)
