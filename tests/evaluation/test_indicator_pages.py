"""The organizer's pages for indicators and computed criteria: add and edit an indicator, a criterion's rule
(banded table, linear scale, judged again), refusals beside their fields with nothing changed, permissions and
the lock once scoring starts."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from awards import clock
from awards.demo import INDICATORS
from awards.enums import IndicatorRule
from awards.errors import PermissionDenied
from awards.evaluation import figures
from awards.evaluation.services import FormErrors
from awards.models import AuditEvent, Category, Criterion, Indicator, IndicatorValue
from tests.evaluation.factories import post, user
from tests.evaluation.test_indicators import GROWTH
from tests.results.conftest import DEFAULT_PLAN, DURING_EVALUATION, score_plan

#: The demo cycle's indicators (``awards.demo.INDICATORS``).
SEEDED = len(INDICATORS)


def _indicator(session, demo, code: str) -> Indicator:
    return session.scalar(select(Indicator).where(Indicator.cycle_id == demo.cycle.id, Indicator.code == code))


def _growth_criterion(session) -> Criterion:
    category = session.scalar(select(Category).where(Category.code == "cluster"))
    return next(c for c in category.criteria if c.title == "رشد فروش")


def _events(session, action: str) -> int:
    session.commit()
    return session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def _indicator_data(**changes) -> dict[str, str]:
    data = {"code": "patents", "name_fa": "ثبت اختراع", "name_en": "Patents", "unit_fa": "فقره",
            "unit_en": "patents", "decimals": "0", "min_value": "۰", "max_value": "۱۰۰", "dossier_field": ""}
    data.update(changes)
    return data


def _form_inputs(html: str, start: str) -> dict[str, str]:
    """The inputs and selected options of the form beginning at ``start``, as the browser would send them."""
    form = html[html.index(start):]
    form = form[:form.index("</form>")]
    data = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and 'type="checkbox"' not in tag:
            data[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, flags=re.S):
        chosen = re.search(r'<option selected value="([^"]*)"', body) or re.search(r'<option value="([^"]*)"', body)
        data[name] = chosen.group(1)
    return data


# ---------------------------------------------------------------------------------------------------- indicators


def test_the_organizer_adds_an_indicator_in_persian_digits_and_it_is_audited(client, session, demo, login_as):
    login_as("admin")
    url = f"/evaluation/indicators/{demo.cycle.id}"
    page = client.get(url).get_data(as_text=True)
    assert "فروش سالانه" in page and 'name="code"' in page
    response = post(client, url, _indicator_data())
    assert response.status_code == 302
    added = _indicator(session, demo, "patents")
    assert (added.name_fa, added.decimals, added.min_value, added.max_value) == ("ثبت اختراع", 0, 0, 100)
    assert _events(session, "indicator.define") == SEEDED + 1
    assert "ثبت اختراع" in client.get(url).get_data(as_text=True)


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"code": "annual_sales"}, "code", "شاخصی با این کد در این دوره هست."),
    ({"code": "Sales Growth"}, "code", "کد با حرف کوچک لاتین آغاز شود"),
    ({"name_fa": ""}, "name_fa", "نام فارسی شاخص را بنویسید."),
    ({"min_value": "۵۰", "max_value": "۱۰"}, "max_value", "بیشترین مقدار نباید از کمترین مقدار کمتر باشد."),
    ({"max_value": "ده"}, "max_value", "عدد معتبر وارد کنید"),
    ({"dossier_field": "employees", "decimals": "2"}, "dossier_field", "بدون اعشار"),
])
def test_a_refused_indicator_shows_the_reason_beside_its_field_keeps_the_input_and_adds_nothing(
        client, session, demo, login_as, changes, field, message):
    login_as("admin")
    before = _events(session, "indicator.define")
    response = post(client, f"/evaluation/indicators/{demo.cycle.id}", _indicator_data(**changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in html and message in html
    assert 'value="ثبت اختراع"' in html or field == "name_fa"
    assert _events(session, "indicator.define") == before
    assert session.scalar(select(func.count(Indicator.id)).where(Indicator.cycle_id == demo.cycle.id)) == SEEDED


def test_editing_renames_freely_but_keeps_the_code_and_every_saved_figure_valid(client, session, demo, login_as):
    growth = _indicator(session, demo, "sales_growth")
    assert session.scalar(select(func.count(IndicatorValue.id)).where(IndicatorValue.indicator_id == growth.id))
    login_as("admin")
    url = f"/evaluation/indicators/{demo.cycle.id}/{growth.id}"
    data = _form_inputs(client.get(url).get_data(as_text=True), '<form method="post" novalidate data-autosave')
    assert data["code"] == "sales_growth" and data["decimals"] == "2"
    renamed = post(client, url, {**data, "name_fa": "رشد فروش سالانه", "unit_en": "percent"})
    assert renamed.status_code == 302
    session.commit()
    session.refresh(growth)
    assert (growth.name_fa, growth.unit_en) == ("رشد فروش سالانه", "percent")
    assert _events(session, "indicator.update") == 1
    for changes, field in (({"code": "growth"}, "code"), ({"decimals": "0"}, "decimals"),
                           ({"min_value": "۲۰"}, "min_value"), ({"max_value": "۱۰"}, "max_value")):
        refused = post(client, url, {**data, "name_fa": "رشد فروش سالانه", **changes})
        html = refused.get_data(as_text=True)
        assert refused.status_code == 200 and f'id="{field}-error"' in html, changes
        session.commit()
        session.refresh(growth)
        assert (growth.code, growth.decimals, growth.min_value, growth.max_value) == (
            "sales_growth", 2, Decimal(-100), None)
    assert _events(session, "indicator.update") == 1
    unchanged = post(client, url, {**data, "name_fa": "رشد فروش سالانه", "unit_en": "percent"}, follow=True)
    assert "تغییری نبود." in unchanged.get_data(as_text=True)


def test_an_indicator_without_figures_may_change_its_code(session, demo):
    admin = user(session, "admin")
    added = figures.define_indicator(session, actor=admin, cycle=demo.cycle,
                                     spec=figures.IndicatorSpec(code="patents", name_fa="ثبت اختراع"))
    changes = figures.update_indicator(session, actor=admin, indicator=added, spec=figures.IndicatorSpec(
        code="patent_count", name_fa="ثبت اختراع", decimals=1))
    assert changes == {"code": ["patents", "patent_count"], "decimals": [0, 1]}
    with pytest.raises(FormErrors) as taken:
        figures.update_indicator(session, actor=admin, indicator=added,
                                 spec=figures.IndicatorSpec(code="exports", name_fa="ثبت اختراع"))
    assert set(taken.value.errors) == {"code"} and added.code == "patent_count"


@pytest.mark.parametrize("username", ["fars", "finance-chair", "winners-1"])
def test_a_province_officer_or_a_judge_gets_403_on_every_indicator_page(client, session, demo, login_as, username):
    growth = _indicator(session, demo, "sales_growth")
    criterion = _growth_criterion(session)
    login_as(username)
    urls = (f"/evaluation/indicators/{demo.cycle.id}", f"/evaluation/indicators/{demo.cycle.id}/{growth.id}",
            f"/evaluation/rubric/{criterion.category_id}/criteria/{criterion.id}")
    for url in urls:
        assert client.get(url).status_code == 403
    assert post(client, urls[0], _indicator_data()).status_code == 403
    assert post(client, urls[1], _indicator_data(code="sales_growth")).status_code == 403
    assert post(client, urls[2], {"rule": "", "indicator_id": ""}).status_code == 403
    assert _events(session, "indicator.define") == SEEDED
    assert _events(session, "indicator.update") == 0
    with pytest.raises(PermissionDenied):
        figures.update_indicator(session, actor=user(session, username), indicator=growth,
                                 spec=figures.IndicatorSpec(code="sales_growth", name_fa="x", min_value=None))


def test_pages_of_another_cycle_or_category_are_404(client, session, demo, login_as):
    growth = _indicator(session, demo, "sales_growth")
    criterion = _growth_criterion(session)
    other = demo.categories["industry"]
    login_as("admin")
    assert client.get(f"/evaluation/indicators/{demo.cycle.id + 1000}").status_code == 404
    assert client.get(f"/evaluation/indicators/{demo.cycle.id + 1000}/{growth.id}").status_code == 404
    assert client.get(f"/evaluation/rubric/{other.id}/criteria/{criterion.id}").status_code == 404


def test_the_cycle_page_and_the_rubric_link_to_the_new_pages(client, session, demo, login_as):
    criterion = _growth_criterion(session)
    login_as("admin")
    assert f"/evaluation/indicators/{demo.cycle.id}" in client.get(f"/admin/cycles/{demo.cycle.id}").get_data(
        as_text=True)
    rubric = client.get(f"/evaluation/rubric/{criterion.category_id}").get_data(as_text=True)
    assert f"/evaluation/rubric/{criterion.category_id}/criteria/{criterion.id}" in rubric
    assert f"/evaluation/indicators/{demo.cycle.id}" in rubric


# ---------------------------------------------------------------------------------------------------- criterion rule


def _rule_url(criterion: Criterion) -> str:
    return f"/evaluation/rubric/{criterion.category_id}/criteria/{criterion.id}"


def _bands(*rows) -> dict[str, str]:
    data = {}
    for index, (lower, lower_kind, upper, upper_kind, points) in enumerate(rows):
        data.update({f"bands-{index}-lower": lower, f"bands-{index}-lower_kind": lower_kind,
                     f"bands-{index}-upper": upper, f"bands-{index}-upper_kind": upper_kind,
                     f"bands-{index}-points": points})
    return data


def test_the_band_editor_round_trip_saves_shows_and_previews_the_rule(client, session, demo, login_as):
    criterion = _growth_criterion(session)
    growth = _indicator(session, demo, "sales_growth")
    login_as("admin")
    page = client.get(_rule_url(criterion)).get_data(as_text=True)
    assert "داوری‌شده: هر عضو کمیته" in page
    response = post(client, _rule_url(criterion), {"rule": "bands", "indicator_id": str(growth.id), **_bands(
        ("", "inclusive", "۵", "inclusive", "۱"), ("۵", "exclusive", "۱۵", "exclusive", "۲"),
        ("۱۵", "inclusive", "", "exclusive", "۴"), ("", "inclusive", "", "exclusive", ""))})
    assert response.status_code == 302
    session.commit()
    session.refresh(criterion)
    assert criterion.rule is IndicatorRule.BANDS and criterion.indicator_id == growth.id
    assert [(b.lower, b.lower_inclusive, b.upper, b.upper_inclusive, b.points) for b in criterion.bands] == [
        (None, True, Decimal(5), True, Decimal(1)), (Decimal(5), False, Decimal(15), False, Decimal(2)),
        (Decimal(15), True, None, False, Decimal(4))]
    assert _events(session, "indicator.rule") == 1
    shown = client.get(_rule_url(criterion) + "?figure=۱۶٫۵").get_data(as_text=True)
    assert "تا ۵" in shown and "بیش از ۵ تا کمتر از ۱۵" in shown and "از ۱۵ به بالا" in shown
    assert "رقم ۱۶٫۵: ۴ امتیاز" in shown
    assert "رقم را با رقم‌های فارسی یا لاتین بنویسید" in client.get(_rule_url(criterion) + "?figure=abc").get_data(
        as_text=True)
    # What the page shows, sent back unchanged, gives the same rule.
    data = _form_inputs(shown, '<form method="post" novalidate data-autosave')
    assert post(client, _rule_url(criterion), data).status_code == 302
    session.commit()
    session.refresh(criterion)
    assert [(b.lower, b.upper, b.points) for b in criterion.bands] == [
        (None, Decimal(5), Decimal(1)), (Decimal(5), Decimal(15), Decimal(2)), (Decimal(15), None, Decimal(4))]
    rubric = client.get(f"/evaluation/rubric/{criterion.category_id}").get_data(as_text=True)
    assert "از شاخص «رشد فروش»" in rubric


def test_band_errors_sit_beside_their_rows_keep_the_input_and_change_nothing(client, session, demo, login_as):
    criterion = _growth_criterion(session)  # max 10 in the demo
    growth = _indicator(session, demo, "sales_growth")
    login_as("admin")
    response = post(client, _rule_url(criterion), {"rule": "bands", "indicator_id": str(growth.id), **_bands(
        ("۰", "inclusive", "۲۰", "exclusive", "۲"), ("۱۰", "inclusive", "۳۰", "exclusive", "۴"),
        ("۳۰", "inclusive", "", "exclusive", "۹۹"), ("۵۰", "inclusive", "۴۰", "exclusive", "۱"),
        ("۶۰", "inclusive", "۷۰", "exclusive", ""))})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    # The row with no points is caught by the form before the service, the others by the service.
    assert "امتیاز این بازه را بنویسید." in html
    again = post(client, _rule_url(criterion), {"rule": "bands", "indicator_id": str(growth.id), **_bands(
        ("۰", "inclusive", "۲۰", "exclusive", "۲"), ("۱۰", "inclusive", "۳۰", "exclusive", "۴"),
        ("۳۰", "inclusive", "", "exclusive", "۹۹"), ("۵۰", "inclusive", "۴۰", "exclusive", "۱"))})
    html = again.get_data(as_text=True)
    assert again.status_code == 200
    assert 'id="bands-1-errors"><div class="invalid-feedback d-block">این بازه با بازهٔ بالاتر هم‌پوشانی دارد.' in html
    assert 'id="bands-2-errors"><div class="invalid-feedback d-block">امتیاز بازه از سقف نمرهٔ معیار بیشتر است.' in html
    assert "حد پایین بازه از حد بالای آن بیشتر است." in html
    assert 'id="bands-0-errors"></div>' in html
    assert 'value="۹۹"' in html
    session.commit()
    session.refresh(criterion)
    assert criterion.rule is None and criterion.bands == []
    assert _events(session, "indicator.rule") == 0


def test_a_linear_rule_then_judged_again_through_the_page(client, session, demo, login_as):
    criterion = _growth_criterion(session)
    growth = _indicator(session, demo, "sales_growth")
    login_as("admin")
    refused = post(client, _rule_url(criterion), {"rule": "linear", "indicator_id": str(growth.id), "origin": "۰",
                                                  "slope": "-۱"})
    assert refused.status_code == 200 and 'id="slope-error"' in refused.get_data(as_text=True)
    no_indicator = post(client, _rule_url(criterion), {"rule": "linear", "indicator_id": "", "origin": "۰",
                                                       "slope": "۰٫۵"})
    assert 'id="indicator_id-error"' in no_indicator.get_data(as_text=True)
    assert post(client, _rule_url(criterion), {"rule": "linear", "indicator_id": str(growth.id), "origin": "۰",
                                               "slope": "۰/۵"}).status_code == 302
    session.commit()
    session.refresh(criterion)
    assert (criterion.rule, criterion.linear_origin, criterion.linear_slope) == (
        IndicatorRule.LINEAR, 0, Decimal("0.5"))
    assert "رقم ۳۰: ۱۰ امتیاز" in client.get(_rule_url(criterion) + "?figure=30").get_data(as_text=True)
    assert post(client, _rule_url(criterion), {"rule": "", "indicator_id": str(growth.id)}).status_code == 302
    session.commit()
    session.refresh(criterion)
    assert criterion.rule is None and criterion.indicator_id is None and criterion.linear_slope is None
    assert _events(session, "indicator.rule") == 2


def test_the_rule_page_is_locked_once_scoring_starts(client, session, demo, login_as):
    criterion = _growth_criterion(session)
    criterion.max_points = Decimal(8)
    figures.set_criterion_rule(session, actor=user(session, "admin"), criterion=criterion,
                               indicator=_indicator(session, demo, "sales_growth"), rule=IndicatorRule.BANDS,
                               bands=list(GROWTH))
    clock.freeze(DURING_EVALUATION)
    score_plan(session, DEFAULT_PLAN)
    session.commit()
    login_as("admin")
    page = client.get(_rule_url(criterion)).get_data(as_text=True)
    assert "<fieldset disabled>" in page and "قفل است" in page
    response = post(client, _rule_url(criterion), {"rule": "", "indicator_id": ""}, follow=True)
    assert "امتیازدهی این رشته آغاز شده و معیارها قفل است" in response.get_data(as_text=True)
    session.commit()
    session.refresh(criterion)
    assert criterion.rule is IndicatorRule.BANDS and len(criterion.bands) == len(GROWTH)
