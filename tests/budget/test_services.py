"""The budget state machine: who, from which state, with what; refusals change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from awards.budget import queries
from awards.budget.services import EDGES, LineEdit, require_print_cover, transition
from awards.enums import BudgetAction, BudgetLineKind, BudgetState, DecisionKind, MeetingState, Tier
from awards.errors import DomainError, InvalidTransition, PermissionDenied
from awards.meetings import services as meetings
from awards.minutes_gate import BudgetMinutesMissing
from awards.models import AuditEvent, Budget, BudgetLine, Meeting
from awards.persian import persian_number
from tests.budget.conftest import budget, snapshot
from tests.factories import approved_budget, make_cycle, seal_finance_minutes

A = BudgetAction
GOLD = LineEdit(kind=BudgetLineKind.PER_AWARD, tier=Tier.GOLD, label="تندیس", unit_cost=350_000_000)
CERT = LineEdit(kind=BudgetLineKind.PER_AWARD, tier=Tier.CERTIFICATE, label="لوح", unit_cost=4_500_000)
VENUE = LineEdit(kind=BudgetLineKind.FIXED, label="محل برگزاری", unit_cost=1_200_000_000)


def _do(session, demo, action, user="admin", **kwargs):
    result = transition(session, cycle=demo.cycle, action=action, actor=demo.users[user], **kwargs)
    session.commit()
    return result


def _lines(session, demo, *edits):
    for edit in edits:
        _do(session, demo, A.EDIT, edit=edit)


def _under_review(session, demo):
    _lines(session, demo, GOLD, CERT, VENUE)
    _do(session, demo, A.SUBMIT)


def _total(session, demo) -> int:
    return queries.budget_sheet(session, cycle=demo.cycle).total


def _seal(session, demo, amount: int | None = None) -> Meeting:
    """Sealed finance minutes approving ``amount`` (default: the budget's current total), committed."""
    meeting = seal_finance_minutes(session, demo.cycle, _total(session, demo) if amount is None else amount)
    session.commit()
    return meeting


def test_transition_lines_submit_approve_records_the_total(session, unbudgeted):
    last = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    _under_review(session, unbudgeted)
    assert budget(session).state is BudgetState.UNDER_REVIEW
    _seal(session, unbudgeted)
    row = _do(session, unbudgeted, A.APPROVE, user="finance-chair")
    counts = queries.award_counts(session, cycle=unbudgeted.cycle)
    expected = 350_000_000 * counts[Tier.GOLD] + 4_500_000 * counts[Tier.CERTIFICATE] + 1_200_000_000
    assert (row.state, row.approved_total, row.approved_by_id) == (
        BudgetState.APPROVED, expected, unbudgeted.users["finance-chair"].id)
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.id > last, AuditEvent.action.like("budget.%"))
                              .order_by(AuditEvent.id)).all()
    assert actions == ["budget.line_add"] * 3 + ["budget.submit", "budget.approve"]


def test_transition_return_with_a_reason_goes_back_to_drafting_until_approved(session, unbudgeted):
    _under_review(session, unbudgeted)
    _do(session, unbudgeted, A.RETURN, user="finance-chair", reason="  هزینهٔ قاب بیش از برآورد است.  ")
    row = budget(session)
    assert (row.state, row.return_reason) == (BudgetState.DRAFTING, "هزینهٔ قاب بیش از برآورد است.")
    event = session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert (event.action, event.reason) == ("budget.return", "هزینهٔ قاب بیش از برآورد است.")
    _do(session, unbudgeted, A.SUBMIT)
    _seal(session, unbudgeted)
    _do(session, unbudgeted, A.APPROVE, user="finance-chair")
    row = budget(session)
    assert (row.state, row.return_reason, row.returned_at) == (BudgetState.APPROVED, None, None)


def test_transition_approve_without_sealed_finance_minutes_is_refused_and_changes_nothing(session, unbudgeted):
    _under_review(session, unbudgeted)
    before = snapshot(session)
    with pytest.raises(BudgetMinutesMissing, match="صورتجلسهٔ مهر و موم‌شدهٔ کمیتهٔ مالی"):
        _do(session, unbudgeted, A.APPROVE, user="finance-chair")
    session.rollback()
    assert snapshot(session) == before
    assert budget(session).state is BudgetState.UNDER_REVIEW


def test_transition_approve_with_minutes_of_another_amount_names_the_meeting_and_both_amounts(session, unbudgeted):
    _under_review(session, unbudgeted)
    total = _total(session, unbudgeted)
    _seal(session, unbudgeted, total - 1_000_000)
    latest = _seal(session, unbudgeted, total + 1_000_000)
    before = snapshot(session)
    with pytest.raises(BudgetMinutesMissing) as refused:
        _do(session, unbudgeted, A.APPROVE, user="finance-chair")
    session.rollback()
    message = refused.value.message
    assert latest.number in message and "FIN" in latest.number
    assert persian_number(total + 1_000_000) in message and persian_number(total) in message
    assert snapshot(session) == before


def test_transition_approve_ignores_unsealed_minutes_and_takes_any_sealed_ones_of_the_amount(session, unbudgeted):
    _under_review(session, unbudgeted)
    total, finance_chair = _total(session, unbudgeted), unbudgeted.users["finance-chair"]
    matching = _seal(session, unbudgeted)
    later = _seal(session, unbudgeted, total + 1)
    committee = later.committee
    draft = meetings.record_meeting(session, cycle=unbudgeted.cycle, committee=committee, actor=finance_chair,
                                    held_on=later.held_on, place="تهران", agenda="بودجه",
                                    attendee_ids=[a.user_id for a in later.attendees])
    meetings.add_decision(session, meeting=draft, actor=finance_chair, kind=DecisionKind.BUDGET, text="بودجه",
                          amount=total)
    session.commit()
    assert draft.state is MeetingState.RECORDING and matching.state is MeetingState.SEALED
    row = _do(session, unbudgeted, A.APPROVE, user="finance-chair")
    assert (row.state, row.approved_total) == (BudgetState.APPROVED, total)


def test_transition_approve_needs_minutes_of_the_total_as_it_is_now(session, unbudgeted):
    """Minutes of the total as first sent do not cover the budget once a line changed and it was sent again."""
    _under_review(session, unbudgeted)
    _seal(session, unbudgeted)
    line = budget(session).lines[-1]
    _do(session, unbudgeted, A.EDIT, edit=LineEdit(line=line, label=line.label, unit_cost=line.unit_cost + 1))
    _do(session, unbudgeted, A.SUBMIT)
    before = snapshot(session)
    with pytest.raises(BudgetMinutesMissing):
        _do(session, unbudgeted, A.APPROVE, user="finance-chair")
    session.rollback()
    assert snapshot(session) == before


def test_transition_return_without_a_reason_is_refused_and_changes_nothing(session, unbudgeted):
    _under_review(session, unbudgeted)
    before = snapshot(session)
    with pytest.raises(DomainError) as refused:
        _do(session, unbudgeted, A.RETURN, user="finance-chair", reason="   ")
    session.rollback()
    assert refused.value.field == "reason"
    assert snapshot(session) == before


def test_transition_edit_after_approval_withdraws_the_approval(session, final):
    line = budget(session).lines[0]
    _do(session, final, A.EDIT, edit=LineEdit(line=line, label=line.label, unit_cost=line.unit_cost + 1))
    row = budget(session)
    assert (row.state, row.approved_at, row.approved_total) == (BudgetState.DRAFTING, None, None)
    event = session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert event.action == "budget.line_edit"
    assert set(event.changes) == {"unit_cost", "approved_at", "approved_total", "state"}


def test_transition_removing_a_line_withdraws_the_approval(session, final):
    line = budget(session).lines[-1]
    _do(session, final, A.EDIT, edit=LineEdit(line=line, remove=True))
    row = budget(session)
    assert row.state is BudgetState.DRAFTING and len(row.lines) == 7
    assert session.get(BudgetLine, line.id) is None


def test_transition_edit_that_changes_nothing_does_nothing(session, final):
    before = snapshot(session)
    line = budget(session).lines[0]
    _do(session, final, A.EDIT, edit=LineEdit(line=line, label=line.label, unit_cost=line.unit_cost))
    assert snapshot(session) == before


def test_transition_submit_before_every_result_is_confirmed_is_refused(session, demo):
    _lines(session, demo, GOLD)
    before = snapshot(session)
    with pytest.raises(InvalidTransition, match="هنوز معلوم نیست") as refused:
        _do(session, demo, A.SUBMIT)
    session.rollback()
    assert "واحد نمونهٔ صنعتی" in refused.value.message
    assert snapshot(session) == before


def test_transition_submit_of_an_empty_budget_is_refused(session, unbudgeted):
    with pytest.raises(DomainError, match="ردیفی ندارد"):
        _do(session, unbudgeted, A.SUBMIT)
    session.rollback()
    assert budget(session) is None


@pytest.mark.parametrize("action", [A.APPROVE, A.RETURN])
def test_transition_decision_on_a_budget_not_submitted_is_refused(session, unbudgeted, action):
    _lines(session, unbudgeted, GOLD)
    before = snapshot(session)
    with pytest.raises(InvalidTransition, match="فرستاده نشده"):
        _do(session, unbudgeted, action, user="finance-chair", reason="دلیل")
    session.rollback()
    assert snapshot(session) == before


def test_transition_submit_or_decide_an_approved_budget_is_refused(session, final):
    before = snapshot(session)
    with pytest.raises(InvalidTransition):
        _do(session, final, A.SUBMIT)
    session.rollback()
    with pytest.raises(InvalidTransition, match="پیش‌تر تأیید"):
        _do(session, final, A.APPROVE, user="finance-chair")
    session.rollback()
    assert snapshot(session) == before


@pytest.mark.parametrize("user", ["finance-chair", "finance-1", "fars", "media-chair"])
@pytest.mark.parametrize("action", [A.EDIT, A.SUBMIT])
def test_transition_lines_and_submission_are_the_organizers(session, final, user, action):
    before = snapshot(session)
    with pytest.raises(PermissionDenied, match="دبیرخانه"):
        _do(session, final, action, user=user, edit=VENUE)
    session.rollback()
    assert snapshot(session) == before


@pytest.mark.parametrize("user", ["admin", "finance-1", "fars", "winners-chair"])
@pytest.mark.parametrize("action", [A.APPROVE, A.RETURN])
def test_transition_decisions_are_the_finance_chairs(session, unbudgeted, user, action):
    _under_review(session, unbudgeted)
    before = snapshot(session)
    with pytest.raises(PermissionDenied, match="رئیس کمیتهٔ مالی"):
        _do(session, unbudgeted, action, user=user, reason="دلیل")
    session.rollback()
    assert snapshot(session) == before


@pytest.mark.parametrize(("edit", "field"), [
    (LineEdit(kind=BudgetLineKind.FIXED, label="  ", unit_cost=1), "label"),
    (LineEdit(kind=BudgetLineKind.FIXED, label="ب" * 121, unit_cost=1), "label"),
    (LineEdit(kind=BudgetLineKind.FIXED, label="چاپ", unit_cost=-1), "unit_cost"),
    (LineEdit(kind=BudgetLineKind.FIXED, label="چاپ", unit_cost=10**14 + 1), "unit_cost"),
    (LineEdit(kind=BudgetLineKind.FIXED, label="چاپ", unit_cost=None), "unit_cost"),
    (LineEdit(kind=BudgetLineKind.PER_AWARD, tier=None, label="لوح", unit_cost=1), "tier"),
    (LineEdit(kind=None, label="لوح", unit_cost=1), "kind"),
    (LineEdit(kind=BudgetLineKind.PER_AWARD, tier=Tier.GOLD, label="تندیس زرین", unit_cost=1), "label"),
    (LineEdit(kind=BudgetLineKind.FIXED, label="محل برگزاری آیین", unit_cost=1), "label"),
])
def test_transition_bad_line_is_refused_beside_its_field_and_changes_nothing(session, final, edit, field):
    before = snapshot(session)
    with pytest.raises(DomainError) as refused:
        _do(session, final, A.EDIT, edit=edit)
    session.rollback()
    assert refused.value.field == field
    assert snapshot(session) == before


def test_transition_line_of_another_cycle_is_refused(session, final):
    other = make_cycle(session, year=1405)
    foreign = approved_budget(session, other).lines[0]
    session.commit()
    before = snapshot(session)
    with pytest.raises(DomainError, match="از بودجهٔ این دوره نیست"):
        _do(session, final, A.EDIT, edit=LineEdit(line=foreign, remove=True))
    session.rollback()
    assert snapshot(session) == before


def test_edges_lead_every_edit_back_to_drafting_and_only_the_chair_out_of_review():
    assert {target for (action, _), target in EDGES.items() if action is A.EDIT} == {BudgetState.DRAFTING}
    assert {source for (action, source) in EDGES if action in (A.APPROVE, A.RETURN)} == {BudgetState.UNDER_REVIEW}


def test_require_print_cover_needs_an_approved_line_for_each_tier(session, unbudgeted):
    cycle = unbudgeted.cycle
    with pytest.raises(DomainError, match="رئیس کمیتهٔ مالی"):
        require_print_cover(session, cycle=cycle, tiers={Tier.GOLD})
    approved_budget(session, cycle, tiers=(Tier.GOLD,))
    require_print_cover(session, cycle=cycle, tiers={Tier.GOLD})
    with pytest.raises(DomainError, match="«لوح تقدیر»"):
        require_print_cover(session, cycle=cycle, tiers={Tier.GOLD, Tier.CERTIFICATE})
    session.execute(update(Budget).values(state=BudgetState.UNDER_REVIEW, approved_at=None, approved_by_id=None,
                                          approved_total=None))
    with pytest.raises(DomainError):
        require_print_cover(session, cycle=cycle, tiers={Tier.GOLD})


# --- rules the database keeps ------------------------------------------------------------------------------

def _insert_line(session, **values):
    budget_id = session.scalar(select(Budget.id))
    session.add(BudgetLine(budget_id=budget_id, **{"position": 99, **values}))
    session.flush()


@pytest.mark.parametrize("values", [
    {"kind": BudgetLineKind.FIXED, "tier": None, "label": "چاپ", "unit_cost": -1},
    {"kind": BudgetLineKind.FIXED, "tier": None, "label": "چاپ", "unit_cost": 10**14 + 1},
    {"kind": BudgetLineKind.PER_AWARD, "tier": None, "label": "لوح", "unit_cost": 1},
    {"kind": BudgetLineKind.FIXED, "tier": Tier.GOLD, "label": "چاپ", "unit_cost": 1},
    {"kind": BudgetLineKind.FIXED, "tier": None, "label": "", "unit_cost": 1},
    {"kind": BudgetLineKind.FIXED, "tier": None, "label": "چاپ و نشر", "unit_cost": 1},
    {"kind": BudgetLineKind.PER_AWARD, "tier": Tier.GOLD, "label": "قاب", "unit_cost": 1},
])
def test_database_refuses_a_bad_line(session, final, values):
    with pytest.raises(IntegrityError):
        _insert_line(session, **values)


def test_database_refuses_an_approved_state_without_its_approval(session, final):
    with pytest.raises(IntegrityError):
        session.execute(update(Budget).values(approved_at=None, approved_by_id=None, approved_total=None))
