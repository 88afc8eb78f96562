"""Balanced assignment of reviewers: properties, conflicts, hand adjustments and the assignment page."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from awards.enums import ConflictSource
from awards.errors import DomainError, InvalidTransition, PermissionDenied
from awards.evaluation import services
from awards.models import Assignment, AuditEvent, CategoryCommittee, Conflict
from tests.evaluation.factories import (
    committee,
    decimal_values,
    make_member,
    make_nominations,
    post,
    user,
)

PROPERTY_SETTINGS = settings(max_examples=25, deadline=None,
                             suppress_health_check=[HealthCheck.function_scoped_fixture])


def _board(session, demo, *, members: int, nominations: int):
    """A fresh category-sized board: the media committee with ``members`` extra seats, nominations in mining."""
    media = committee(session, "media")
    seats = [make_member(session, demo, "media") for _ in range(members)]
    made = make_nominations(session, demo, "mining", nominations)
    everyone = [m.id for m in services.members_of(session, cycle_id=demo.cycle.id, committee_id=media.id)]
    return media, seats, made, everyone


def _assigned(session, nomination_ids) -> dict[int, list[int]]:
    result: dict[int, list[int]] = {n: [] for n in nomination_ids}
    for a in session.scalars(select(Assignment).where(Assignment.nomination_id.in_(nomination_ids))):
        result[a.nomination_id].append(a.member_id)
    return result


@PROPERTY_SETTINGS
@given(members=st.integers(0, 4), nominations=st.integers(1, 12), k=st.integers(1, 6))
def test_balanced_loads_differ_by_at_most_one_without_conflicts(session, demo, members, nominations, k):
    savepoint = session.begin_nested()
    try:
        media, _seats, made, everyone = _board(session, demo, members=members, nominations=nominations)
        report = services.assign_balanced(session, category=demo.categories["mining"], committee=media, k=k,
                                          actor=demo.users["admin"])
        assigned = _assigned(session, [n.id for n in made])
        loads = Counter(m for reviewers in assigned.values() for m in reviewers)
        per_member = [loads.get(m, 0) for m in everyone]
        assert max(per_member) - min(per_member) <= 1
        assert all(len(set(r)) == len(r) == min(k, len(everyone)) for r in assigned.values())
        assert len(report.short) == (len(made) if k > len(everyone) else 0)
    finally:
        savepoint.rollback()


@PROPERTY_SETTINGS
@given(data=st.data(), nominations=st.integers(1, 8), k=st.integers(1, 5))
def test_balanced_never_assigns_conflicted_member(session, demo, data, nominations, k):
    savepoint = session.begin_nested()
    try:
        media, _seats, made, everyone = _board(session, demo, members=2, nominations=nominations)
        pairs = data.draw(st.sets(st.tuples(st.sampled_from(made), st.sampled_from(everyone)), max_size=12))
        for nomination, member_id in pairs:
            session.add(Conflict(nomination_id=nomination.id, user_id=member_id, source=ConflictSource.DECLARED,
                                 reason="آزمون"))
        session.flush()
        services.assign_balanced(session, category=demo.categories["mining"], committee=media, k=k,
                                 actor=demo.users["admin"])
        assigned = _assigned(session, [n.id for n in made])
        conflicted = {(n.id, m) for n, m in pairs}
        for nomination in made:
            reviewers = assigned[nomination.id]
            eligible = [m for m in everyone if (nomination.id, m) not in conflicted]
            assert not any((nomination.id, m) in conflicted for m in reviewers)
            assert len(reviewers) == min(k, len(eligible))
    finally:
        savepoint.rollback()


def test_balanced_is_deterministic_and_tops_up(session, demo):
    media = committee(session, "media")
    made = make_nominations(session, demo, "mining", 3)
    services.assign_balanced(session, category=demo.categories["mining"], committee=media, k=1,
                             actor=demo.users["admin"])
    first = _assigned(session, [n.id for n in made])
    members = sorted(m.id for m in services.members_of(session, cycle_id=demo.cycle.id, committee_id=media.id))
    assert [first[n.id] for n in made] == [[members[0]], [members[1]], [members[2]]]
    report = services.assign_balanced(session, category=demo.categories["mining"], committee=media, k=2,
                                      actor=demo.users["admin"])
    second = _assigned(session, [n.id for n in made])
    assert report.created == 3
    assert all(first[n.id][0] in second[n.id] and len(second[n.id]) == 2 for n in made)
    setting = session.scalar(select(CategoryCommittee).where(
        CategoryCommittee.category_id == demo.categories["mining"].id, CategoryCommittee.committee_id == media.id))
    assert setting.reviewers_per_nomination == 2
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "assignment.balance")
                            .order_by(AuditEvent.id.desc())).first()
    assert event.changes["reviewers_per_nomination"] == [1, 2]


def test_balanced_drops_assignment_of_member_conflicted_since(session, demo):
    media = committee(session, "media")
    [nomination] = make_nominations(session, demo, "mining", 1)
    member = user(session, "media-1")
    services.add_assignment(session, nomination=nomination, committee=media, member=member,
                            actor=demo.users["admin"])
    services.declare_conflict(session, nomination=nomination, actor=member, reason="همکار پیشین")
    report = services.assign_balanced(session, category=demo.categories["mining"], committee=media, k=1,
                                      actor=demo.users["admin"])
    assert report.removed == 1
    assert member.id not in _assigned(session, [nomination.id])[nomination.id]


def test_balanced_reports_fewer_eligible_than_k(session, demo):
    media = committee(session, "media")
    [nomination] = make_nominations(session, demo, "mining", 1)
    report = services.assign_balanced(session, category=demo.categories["mining"], committee=media, k=5,
                                      actor=demo.users["admin"])
    assert [(n.id, got) for n, got in report.short] == [(nomination.id, 3)]


def test_assignment_refused_for_committee_without_criteria_and_non_organizer(session, demo):
    category = demo.categories["mining"]
    with pytest.raises(DomainError, match="معیار"):
        services.assign_balanced(session, category=category, committee=committee(session, "oversight"), k=1,
                                 actor=demo.users["admin"])
    with pytest.raises(PermissionDenied):
        services.assign_balanced(session, category=category, committee=committee(session, "media"), k=1,
                                 actor=user(session, "media-chair"))
    with pytest.raises(DomainError):
        services.assign_balanced(session, category=category, committee=committee(session, "media"), k=0,
                                 actor=demo.users["admin"])


def test_hand_assignment_refuses_conflicted_duplicate_and_outsider(session, demo):
    media = committee(session, "media")
    [nomination] = make_nominations(session, demo, "mining", 1)
    admin = demo.users["admin"]
    services.add_assignment(session, nomination=nomination, committee=media, member=user(session, "media-1"),
                            actor=admin)
    with pytest.raises(DomainError, match="پیش‌تر"):
        services.add_assignment(session, nomination=nomination, committee=media, member=user(session, "media-1"),
                                actor=admin)
    with pytest.raises(DomainError, match="عضو این کمیته"):
        services.add_assignment(session, nomination=nomination, committee=media,
                                member=user(session, "finance-1"), actor=admin)
    services.declare_conflict(session, nomination=nomination, actor=user(session, "media-2"), reason="خویشاوند")
    with pytest.raises(DomainError, match="تعارض"):
        services.add_assignment(session, nomination=nomination, committee=media, member=user(session, "media-2"),
                                actor=admin)


def test_remove_assignment_refused_after_member_submitted(session, demo):
    media = committee(session, "media")
    [nomination] = make_nominations(session, demo, "mining", 1)
    member = user(session, "media-1")
    assignment = services.add_assignment(session, nomination=nomination, committee=media, member=member,
                                         actor=demo.users["admin"])
    services.save_sheet(session, nomination=nomination, committee=media, actor=member,
                        values=decimal_values(session, nomination, "5", "media"), comment="", submit=True)
    with pytest.raises(InvalidTransition):
        services.remove_assignment(session, assignment=assignment, actor=demo.users["admin"])


def test_unassigned_member_cannot_score_when_k_is_set(session, demo):
    media = committee(session, "media")
    [nomination] = make_nominations(session, demo, "mining", 1)
    services.add_assignment(session, nomination=nomination, committee=media, member=user(session, "media-1"),
                            actor=demo.users["admin"])
    services.assign_balanced(session, category=demo.categories["mining"], committee=media, k=1,
                             actor=demo.users["admin"])
    with pytest.raises(PermissionDenied, match="واگذار"):
        services.save_sheet(session, nomination=nomination, committee=media, actor=user(session, "media-2"),
                            values=decimal_values(session, nomination, "5", "media"), comment="", submit=False)


def test_assignment_page_balances_adds_and_removes(client, session, demo, login_as):
    [nomination] = make_nominations(session, demo, "mining", 1)
    session.commit()
    media = committee(session, "media")
    category_id = demo.categories["mining"].id
    login_as("admin")
    page = client.get(f"/evaluation/assignments/{category_id}").get_data(as_text=True)
    assert "واگذاری متوازن" in page
    response = post(client, f"/evaluation/assignments/{category_id}",
                    {"action": "balance", "committee_id": media.id, "k": "۲"}, follow=True)
    assert "واگذاری تازه ثبت شد" in response.get_data(as_text=True)
    session.expire_all()
    assigned = list(session.scalars(select(Assignment).where(Assignment.nomination_id == nomination.id,
                                                             Assignment.committee_id == media.id)))
    session.commit()
    assert len(assigned) == 2
    post(client, f"/evaluation/assignments/{category_id}", {"action": "remove", "assignment_id": assigned[0].id})
    session.expire_all()
    remaining = [a.member_id for a in session.scalars(select(Assignment).where(
        Assignment.nomination_id == nomination.id, Assignment.committee_id == media.id))]
    session.commit()
    assert len(remaining) == 1
    response = post(client, f"/evaluation/assignments/{category_id}",
                    {"action": "add", "committee_id": media.id, "nomination_id": nomination.id,
                     "member_id": remaining[0]}, follow=True)
    assert "پیش‌تر داور این نامزد است" in response.get_data(as_text=True)
