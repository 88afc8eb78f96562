"""Declared figures, the committee's verification and criteria computed from them, on the 1404 demo."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from awards import clock
from awards.enums import CommitteeCode, IndicatorRule, NominationState
from awards.errors import InvalidTransition, PermissionDenied
from awards.evaluation import figures
from awards.evaluation.services import FormErrors
from awards.models import AuditEvent, Category, Criterion, Indicator, IndicatorValue
from awards.results.queries import load_results
from tests.evaluation.test_indicators import GROWTH
from tests.results.conftest import DEFAULT_PLAN, DURING_EVALUATION, committee, nomination_named, score_plan, user

TILES = "خوشه کاشی و سرامیک میبد"


def _indicator(session, demo, code: str) -> Indicator:
    return session.scalar(select(Indicator).where(Indicator.cycle_id == demo.cycle.id, Indicator.code == code))


def _growth_criterion(session) -> Criterion:
    category = session.scalar(select(Category).where(Category.code == "cluster"))
    return next(c for c in category.criteria if c.title == "رشد فروش")


def _make_growth_computed(session, demo) -> Criterion:
    criterion = _growth_criterion(session)
    criterion.max_points = Decimal(8)
    figures.set_criterion_rule(session, actor=user(session, "admin"), criterion=criterion,
                               indicator=_indicator(session, demo, "sales_growth"), rule=IndicatorRule.BANDS,
                               bands=list(GROWTH))
    return criterion


def _verify(session, demo, name: str, value=None, reason=""):
    return figures.verify_figure(session, actor=user(session, "finance-chair"),
                                 nomination=nomination_named(session, name),
                                 committee=committee(session, CommitteeCode.FINANCE),
                                 indicator=_indicator(session, demo, "sales_growth"), value=value, reason=reason)


@pytest.fixture
def computed(session, demo):
    """The cluster's finance «رشد فروش» computed from sales growth; every sheet of the default plan submitted."""
    criterion = _make_growth_computed(session, demo)
    clock.freeze(DURING_EVALUATION)
    score_plan(session, DEFAULT_PLAN)
    session.flush()
    return criterion


def test_an_unverified_figure_leaves_the_nominee_incomplete_then_verification_counts(session, demo, computed):
    category = computed.category
    before = load_results(session, category=category, fresh=True).result.nominee(nomination_named(session, TILES).id)
    assert before.final is None and before.unverified == (computed.id,) and "finance" in before.incomplete
    _verify(session, demo, TILES)  # declared 16 % -> 4 points of 8
    after = load_results(session, category=category, fresh=True)
    nominee = after.result.nominee(nomination_named(session, TILES).id)
    assert nominee.final is not None and nominee.unverified == ()
    assert after.scoring_input.indicator_points[(nominee.id, computed.id)] == Decimal(4)


def test_a_corrected_figure_changes_the_score_only_once_verified_and_the_log_keeps_both(session, demo, computed):
    category = computed.category
    tiles = nomination_named(session, TILES)
    _verify(session, demo, TILES)
    as_declared = load_results(session, category=category, fresh=True).result.nominee(tiles.id).final
    version = session.scalar(select(Category.results_version).where(Category.id == category.id))
    _verify(session, demo, TILES, Decimal("12.4"), "صورت‌های مالی حسابرسی‌شده رشد ۱۲٫۴ درصد را نشان می‌دهد.")
    corrected = load_results(session, category=category, fresh=True)
    assert corrected.scoring_input.indicator_points[(tiles.id, computed.id)] == Decimal(2)
    assert corrected.result.nominee(tiles.id).final < as_declared
    assert session.scalar(select(Category.results_version).where(Category.id == category.id)) != version
    row = session.scalar(select(IndicatorValue).where(IndicatorValue.nomination_id == tiles.id,
                                                      IndicatorValue.indicator_id == computed.indicator_id))
    assert (row.declared_value, row.verified_value, row.corrected) == (Decimal(16), Decimal("12.4"), True)
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "indicator.verify",
                                                      AuditEvent.nomination_id == tiles.id)
                             .order_by(AuditEvent.id)).all()
    assert [e.changes["verified_value"] for e in events] == [[None, "16"], ["16", "12.4"]]
    assert events[-1].changes["declared_value"] == ["16", "16"]
    assert events[-1].changes["reason"][1].startswith("صورت‌های مالی")


def test_a_correction_needs_a_reason_and_changes_nothing_without_one(session, demo, computed):
    with pytest.raises(FormErrors) as refused:
        _verify(session, demo, TILES, Decimal("12.4"))
    assert set(refused.value.errors) == {"reason"}
    assert session.scalar(select(func.count()).select_from(IndicatorValue)
                          .where(IndicatorValue.verified_value.is_not(None))) == 0


def test_only_the_owning_committee_verifies(session, demo, computed):
    tiles = nomination_named(session, TILES)
    with pytest.raises(Exception) as refused:
        figures.verify_figure(session, actor=user(session, "media-1"), nomination=tiles,
                              committee=committee(session, CommitteeCode.MEDIA),
                              indicator=_indicator(session, demo, "sales_growth"), value=None)
    assert "معیاری بر پایهٔ این شاخص" in str(refused.value.message)
    with pytest.raises(PermissionDenied):
        figures.verify_figure(session, actor=user(session, "media-1"), nomination=tiles,
                              committee=committee(session, CommitteeCode.FINANCE),
                              indicator=_indicator(session, demo, "sales_growth"), value=None)


def test_the_rule_is_locked_once_scoring_started(session, demo, computed):
    with pytest.raises(InvalidTransition):
        figures.set_criterion_rule(session, actor=user(session, "admin"), criterion=computed, indicator=None,
                                   rule=None)
    assert computed.rule is IndicatorRule.BANDS


def test_overlapping_bands_are_refused_beside_the_band(session, demo):
    criterion = _growth_criterion(session)
    bands = [GROWTH[1], GROWTH[1]]
    with pytest.raises(FormErrors) as refused:
        figures.set_criterion_rule(session, actor=user(session, "admin"), criterion=criterion,
                                   indicator=_indicator(session, demo, "sales_growth"), rule=IndicatorRule.BANDS,
                                   bands=bands)
    assert set(refused.value.errors) == {"band-1"}
    assert criterion.rule is None and criterion.bands == []


def test_a_band_edit_stamps_the_results_of_its_category(session, demo, computed):
    category = computed.category
    version = session.scalar(select(Category.results_version).where(Category.id == category.id))
    computed.bands[0].points = Decimal(7)
    session.flush()
    assert session.scalar(select(Category.results_version).where(Category.id == category.id)) != version


# ---------------------------------------------------------------------------------------------------- declaring


def _fars_draft(session):
    return nomination_named(session, "خوشه مسقطی لاری")


def test_declaring_figures_audits_each_and_drops_an_emptied_one(session, demo):
    maskati = _fars_draft(session)
    growth, sales = _indicator(session, demo, "sales_growth"), _indicator(session, demo, "annual_sales")
    fars = user(session, "fars")
    assert figures.declare_figures(session, actor=fars, nomination=maskati,
                                   figures={growth.id: (Decimal("-3.5"), 1403), sales.id: (Decimal(640000), 1403)}) == 2
    assert figures.declare_figures(session, actor=fars, nomination=maskati,
                                   figures={growth.id: (None, None), sales.id: (Decimal(640000), 1403)}) == 1
    assert set(figures.figures_of(session, nomination_id=maskati.id)) == {sales.id}
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "indicator.declare",
                                                      AuditEvent.nomination_id == maskati.id)
                             .order_by(AuditEvent.id)).all()
    assert [e.changes["declared_value"] for e in events] == [[None, "640000"], [None, "-3.5"], ["-3.5", None]]


def test_declaring_checks_decimals_minimum_and_the_year(session, demo):
    maskati = _fars_draft(session)
    employees, growth = _indicator(session, demo, "employees"), _indicator(session, demo, "sales_growth")
    with pytest.raises(FormErrors) as refused:
        figures.declare_figures(session, actor=user(session, "fars"), nomination=maskati, figures={
            employees.id: (Decimal("12.5"), 1403), growth.id: (Decimal("-120"), None)})
    assert set(refused.value.errors) == {"ind_employees", "ind_sales_growth", "ind_sales_growth_year"}
    assert figures.figures_of(session, nomination_id=maskati.id) == {}


def test_another_province_cannot_declare_figures(session, demo):
    maskati = _fars_draft(session)
    growth = _indicator(session, demo, "sales_growth")
    with pytest.raises(PermissionDenied):
        figures.declare_figures(session, actor=user(session, "tehran"), nomination=maskati,
                                figures={growth.id: (Decimal(10), 1403)})
    assert figures.figures_of(session, nomination_id=maskati.id) == {}


def test_figures_of_a_nomination_in_evaluation_are_not_declared_again(session, demo):
    tiles = nomination_named(session, TILES)
    assert tiles.state is NominationState.IN_EVALUATION
    with pytest.raises(InvalidTransition):
        figures.declare_figures(session, actor=user(session, "yazd"), nomination=tiles,
                                figures={_indicator(session, demo, "sales_growth").id: (Decimal(90), 1403)})
    assert figures.figures_of(session, nomination_id=tiles.id)[_indicator(session, demo, "sales_growth").id] \
        .declared_value == Decimal(16)


def test_the_sheets_export_counts_the_verified_points_like_the_scoring(session, demo, computed):
    from awards.results import exports

    _verify(session, demo, TILES)  # 16 % -> 4 points of 8
    data = load_results(session, category=computed.category, fresh=True)
    tiles = nomination_named(session, TILES)
    table = exports.sheets_table(data)
    score_column = table.headers.index("امتیاز برگه S")
    rows = [row for row in table.rows if row[1] == tiles.id]
    assert rows and all(row[score_column] is not None for row in rows)
    column = next(i for i, h in enumerate(table.headers) if h.startswith(f"{computed.committee.name_fa}: رشد فروش"))
    assert {row[column] for row in rows if row[4] == computed.committee.name_fa} == {Decimal(4)}
