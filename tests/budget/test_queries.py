"""The budget's figures: unit cost times the award count per tier, fixed lines once, the total and its words."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from awards.budget import queries
from awards.budget.services import LineEdit, transition
from awards.certificates.services import recipient_line, revoke
from awards.demo import MASKATI
from awards.enums import BudgetAction, BudgetLineKind, Tier
from awards.models import Award, BudgetLine, Nomination
from awards.persian import amount_in_words


def _live_counts(session, cycle) -> Counter:
    """The award count per tier, counted row by row (the reference for the grouped query)."""
    return Counter(a.tier for a in session.scalars(select(Award).where(Award.cycle_id == cycle.id))
                   if a.revoked_at is None)


def test_budget_sheet_totals_are_unit_cost_times_award_count_per_tier(session, final):
    sheet = queries.budget_sheet(session, cycle=final.cycle)
    counts = _live_counts(session, final.cycle)
    assert counts[Tier.GOLD] > 0 and counts[Tier.CERTIFICATE] > 0
    assert sheet.counts == {Tier.GOLD: counts[Tier.GOLD], Tier.CERTIFICATE: counts[Tier.CERTIFICATE]}
    assert len(sheet.lines) == 8
    for row in sheet.lines:
        expected = row.line.unit_cost * (counts[row.line.tier] if row.line.tier else 1)
        assert row.subtotal == expected, row.line
    assert sheet.total == sum(row.subtotal for row in sheet.lines)
    assert sheet.total == sum(line.unit_cost * counts[line.tier] for line in (r.line for r in sheet.lines)
                              if line.tier) + 1_200_000_000 + 150_000_000 + 600_000_000
    assert sheet.total_in_words == amount_in_words(sheet.total)


def test_budget_sheet_counts_leave_out_revoked_awards(session, final):
    before = queries.budget_sheet(session, cycle=final.cycle)
    maskati = session.scalar(select(Award).join(Nomination).where(Nomination.nominee_name == MASKATI))
    assert maskati.tier is Tier.GOLD
    revoke(session, award=maskati, actor=final.users["oversight-1"], reason="مدارک نادرست")
    session.commit()
    after = queries.budget_sheet(session, cycle=final.cycle)
    assert after.counts[Tier.GOLD] == before.counts[Tier.GOLD] - 1
    gold_per_award = sum(row.line.unit_cost for row in after.lines if row.line.tier is Tier.GOLD)
    assert after.total == before.total - gold_per_award


def test_figures_by_hand():
    lines = [BudgetLine(kind=BudgetLineKind.PER_AWARD, tier=Tier.GOLD, label="تندیس", unit_cost=350_000_000),
             BudgetLine(kind=BudgetLineKind.PER_AWARD, tier=Tier.CERTIFICATE, label="لوح", unit_cost=4_500_000),
             BudgetLine(kind=BudgetLineKind.FIXED, tier=None, label="محل برگزاری", unit_cost=1_200_000_000)]
    rows, total = queries.figures(lines, {Tier.GOLD: 3, Tier.CERTIFICATE: 10})
    assert [(r.quantity, r.subtotal) for r in rows] == [(3, 1_050_000_000), (10, 45_000_000), (1, 1_200_000_000)]
    assert total == 2_295_000_000
    rows, total = queries.figures(lines, None)
    assert [(r.quantity, r.subtotal) for r in rows] == [(None, None), (None, None), (1, 1_200_000_000)]
    assert total is None
    assert queries.figures([], {Tier.GOLD: 0, Tier.CERTIFICATE: 0}) == ([], 0)


def test_budget_sheet_counts_not_yet_known_before_every_result_is_confirmed(session, demo):
    transition(session, cycle=demo.cycle, action=BudgetAction.EDIT, actor=demo.users["admin"],
               edit=LineEdit(kind=BudgetLineKind.PER_AWARD, tier=Tier.GOLD, label="تندیس", unit_cost=1000))
    transition(session, cycle=demo.cycle, action=BudgetAction.EDIT, actor=demo.users["admin"],
               edit=LineEdit(kind=BudgetLineKind.FIXED, label="چاپ", unit_cost=500))
    session.commit()
    sheet = queries.budget_sheet(session, cycle=demo.cycle)
    assert [c.code for c in sheet.pending] == list(demo.categories)
    assert not sheet.counts_known
    assert [(r.quantity, r.subtotal) for r in sheet.lines] == [(None, None), (1, 500)]
    assert sheet.total is None and sheet.total_in_words is None


def test_statuettes_are_the_live_gold_awards_by_serial_named_as_on_the_certificate(session, final):
    rows = queries.statuettes(session, cycle=final.cycle)
    gold = session.scalars(select(Award).where(Award.tier == Tier.GOLD, Award.revoked_at.is_(None))
                           .order_by(Award.serial)).all()
    assert [r.serial for r in rows] == [a.serial for a in gold]
    assert [r.recipient for r in rows] == [recipient_line(a.nomination) for a in gold]
    maskati = next(r for r in rows if r.nominee_name == MASKATI)
    assert maskati.recipient == "جناب آقای محمدعلی جمشیدی" and maskati.serial == "1404-CLUSTER-001"
