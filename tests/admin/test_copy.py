"""Copying a cycle: the set-up is equal to the source apart from the dates (one Jalali year later), and
nothing of the source's run comes along."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from awards.admin import services
from awards.certificates.services import save_signature
from awards.models import (
    Assignment,
    Award,
    Category,
    Citation,
    ComplianceDecision,
    Conflict,
    Cycle,
    Membership,
    Nomination,
    ScoreSheet,
    ScreeningDecision,
    TieResolution,
)
from awards.models.cycle import TIMELINE_FIELDS
from awards.persian import TEHRAN, gregorian_to_jalali
from tests.admin.conftest import user
from tests.certificates.test_app import PNG_1PX

CATEGORY_COLUMNS = ("code", "title", "title_en", "nominee_kind", "province_quota", "gold_quota",
                    "certificate_quota", "min_score", "position")


def _categories(session, cycle: Cycle) -> list[tuple]:
    rows = []
    for c in session.scalars(select(Category).where(Category.cycle_id == cycle.id).order_by(Category.position)):
        settings = sorted((s.committee_id, s.weight, s.aggregation, s.quorum, s.normalise,
                           s.reviewers_per_nomination) for s in c.committee_settings)
        criteria = sorted((k.committee_id, k.title, k.guidance, k.max_points, k.weight, k.position)
                          for k in c.criteria)
        rows.append((tuple(getattr(c, name) for name in CATEGORY_COLUMNS), settings, criteria))
    return rows


def _seats(session, cycle: Cycle) -> set[tuple]:
    return set(session.execute(select(Membership.committee_id, Membership.user_id, Membership.is_chair)
                               .where(Membership.cycle_id == cycle.id)).all())


def _run_counts(session, cycle: Cycle) -> dict[str, int]:
    """How much of a cycle's run exists: nominations and everything hanging from them."""
    in_cycle = select(Nomination.id).where(Nomination.cycle_id == cycle.id).scalar_subquery()
    categories = select(Category.id).where(Category.cycle_id == cycle.id).scalar_subquery()

    def count(model, condition) -> int:
        return session.scalar(select(func.count()).select_from(model).where(condition))

    return {
        "nominations": count(Nomination, Nomination.cycle_id == cycle.id),
        "sheets": count(ScoreSheet, ScoreSheet.nomination_id.in_(in_cycle)),
        "assignments": count(Assignment, Assignment.nomination_id.in_(in_cycle)),
        "conflicts": count(Conflict, Conflict.nomination_id.in_(in_cycle)),
        "citations": count(Citation, Citation.nomination_id.in_(in_cycle)),
        "screening": count(ScreeningDecision, ScreeningDecision.nomination_id.in_(in_cycle)),
        "compliance": count(ComplianceDecision, ComplianceDecision.nomination_id.in_(in_cycle)),
        "awards": count(Award, Award.cycle_id == cycle.id),
        "ties": count(TieResolution, TieResolution.category_id.in_(categories)),
        "proposed": count(Category, (Category.cycle_id == cycle.id) & Category.proposed_at.is_not(None)),
        "final": count(Category, (Category.cycle_id == cycle.id) & Category.finalised_at.is_not(None)),
    }


@pytest.fixture
def copied(app, session, demo_final):
    """The final-stage 1404 demo (with a signature image) copied to 1405."""
    source = demo_final.cycle
    save_signature(session, signatory=source.signatories[0], actor=user(session, "admin"), data=PNG_1PX,
                   upload_dir=app.config["UPLOAD_FOLDER"], max_bytes=app.config["MAX_UPLOAD_BYTES"])
    session.commit()
    before = _run_counts(session, source)
    new = services.copy_cycle(session, actor=user(session, "admin"), source=source, year=1405, title=None,
                              upload_dir=app.config["UPLOAD_FOLDER"])
    session.commit()
    return source, new, before


def test_copy_set_up_equals_source(session, copied):
    source, new, _before = copied
    assert new.title == "روز ملی صنعت و معدن ۱۴۰۵"
    assert new.conflict_same_province == source.conflict_same_province
    assert _categories(session, new) == _categories(session, source)
    assert len(_categories(session, new)) == 6
    assert _seats(session, new) == _seats(session, source)
    assert [(s.name, s.title, s.position) for s in new.signatories] == [
        (s.name, s.title, s.position) for s in source.signatories]


def test_copy_moves_every_date_by_one_jalali_year(session, copied):
    source, new, _before = copied
    for name in TIMELINE_FIELDS:
        old, moved = getattr(source, name), getattr(new, name)
        year, month, day = gregorian_to_jalali(old)
        assert gregorian_to_jalali(moved) == (year + 1, month, day), name
        assert moved.astimezone(TEHRAN).time() == old.astimezone(TEHRAN).time(), name
        assert moved == services.shift_jalali_years(old, 1)


def test_copy_brings_nothing_of_the_run(session, copied):
    source, new, before = copied
    assert _run_counts(session, new) == dict.fromkeys(before, 0)
    assert before["nominations"] > 0 and before["awards"] > 0 and before["sheets"] > 0
    assert _run_counts(session, source) == before
    assert (new.ceremony_postponed_from, new.ceremony_postponed_reason, new.archived_at) == (None, None, None)
    assert all(c.result_digest is None and c.rubric_reset_reason is None and c.retired_at is None
               for c in new.categories)


def test_copy_signature_is_a_new_file_with_the_same_bytes(app, session, copied):
    source, new, _before = copied
    folder = app.config["UPLOAD_FOLDER"] / "signatures"
    old_file, new_file = source.signatories[0].signature_file, new.signatories[0].signature_file
    assert old_file and new_file and old_file != new_file
    assert (folder / new_file).read_bytes() == (folder / old_file).read_bytes() == PNG_1PX
    assert new.signatories[1].signature_file is None


def test_copy_to_existing_year_refused_and_nothing_saved(app, session, demo):
    before = session.scalar(select(func.count(Cycle.id)))
    with pytest.raises(services.FormInvalid) as caught:
        services.copy_cycle(session, actor=user(session, "admin"), source=demo.cycle, year=1404, title=None,
                            upload_dir=app.config["UPLOAD_FOLDER"])
    assert list(caught.value.errors) == ["year"]
    session.rollback()
    assert session.scalar(select(func.count(Cycle.id))) == before


def test_copy_skips_retired_categories(app, session, demo):
    admin = user(session, "admin")
    industry = session.scalar(select(Category).where(Category.code == "industry"))
    services.retire_category(session, actor=admin, category=industry, confirm=True)
    new = services.copy_cycle(session, actor=admin, source=demo.cycle, year=1406, title="دورهٔ آزمایشی",
                              upload_dir=app.config["UPLOAD_FOLDER"])
    assert new.title == "دورهٔ آزمایشی"
    assert [c.code for c in new.categories] == ["mining", "cluster", "project", "veteran", "woman"]
    assert services.shift_jalali_years(demo.cycle.ceremony_at, 2) == new.ceremony_at


def test_copy_brings_the_indicators_and_the_computed_criteria_rules(session, copied):
    from awards.models import Criterion, Indicator

    source, new, _before = copied

    def indicators(cycle):
        return [(i.code, i.name_fa, i.unit_fa, i.decimals, i.min_value) for i in session.scalars(
            select(Indicator).where(Indicator.cycle_id == cycle.id).order_by(Indicator.position))]

    def rules(cycle):
        return sorted((c.category.code, c.title, c.indicator.code, c.rule, c.linear_origin, c.linear_slope,
                       [(b.lower, b.lower_inclusive, b.upper, b.upper_inclusive, b.points) for b in c.bands])
                      for c in session.scalars(select(Criterion).join(Category).where(
                          Category.cycle_id == cycle.id, Criterion.rule.is_not(None))))

    assert len(indicators(new)) == 6 and indicators(new) == indicators(source)
    assert len(rules(new)) == 2 and rules(new) == rules(source)
    assert all(c.indicator.cycle_id == new.id for c in session.scalars(
        select(Criterion).join(Category).where(Category.cycle_id == new.id, Criterion.rule.is_not(None))))
