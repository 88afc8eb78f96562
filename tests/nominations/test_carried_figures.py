"""The dossier form asks a key figure once when one of the cycle's indicators carries it (``dossier_field``): the
old field leaves the form, the indicator's figure fills the dossier field, a stored value is kept until then."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from awards.evaluation import figures
from awards.evaluation.services import FormErrors
from awards.models import AuditEvent, Indicator
from tests.nominations.conftest import MASKATI, by_name, post

KEY_FIGURES = ("employees", "annual_sales", "exports_value", "growth_percent")
CARRIERS = {"employees": "employees", "annual_sales": "annual_sales", "exports": "exports_value",
            "sales_growth": "growth_percent"}


def _carry(session, demo) -> None:
    """The secretariat says which indicator carries which key figure, as the indicators page would."""
    admin = demo.users["admin"]
    for indicator in session.scalars(select(Indicator).where(Indicator.cycle_id == demo.cycle.id)):
        if indicator.code in CARRIERS:
            figures.update_indicator(session, actor=admin, indicator=indicator, spec=figures.IndicatorSpec(
                code=indicator.code, name_fa=indicator.name_fa, name_en=indicator.name_en, unit_fa=indicator.unit_fa,
                unit_en=indicator.unit_en, decimals=indicator.decimals, min_value=indicator.min_value,
                max_value=indicator.max_value, dossier_field=CARRIERS[indicator.code]))
    session.commit()


def test_without_a_carrier_the_form_asks_the_key_figures_as_before(client, session, demo, login_as):
    login_as("fars")
    html = client.get(f"/nominations/new?category={demo.categories['industry'].id}").get_data(as_text=True)
    assert all(f'name="{name}"' in html for name in KEY_FIGURES) and "شاخص‌های کلیدی" in html
    assert 'name="ind_employees"' in html


def test_a_carried_key_figure_is_asked_once_and_fills_the_dossier_field(client, session, demo, login_as):
    _carry(session, demo)
    category = demo.categories["industry"]
    login_as("fars")
    html = client.get(f"/nominations/new?category={category.id}").get_data(as_text=True)
    assert not any(f'name="{name}"' in html for name in KEY_FIGURES) and "شاخص‌های کلیدی" not in html
    assert 'name="ind_employees"' in html and 'name="ind_sales_growth"' in html
    # Employees and sales are needed to submit a legal entity's dossier: the indicator's field says so now.
    employees = html[html.index('id="ind_employees-help"'):]
    assert employees[:employees.index("</div>")].endswith("برای ارسال لازم است.")
    response = post(client, f"/nominations/new?category={category.id}", {
        "nominee_name": "شرکت نمونهٔ فارس", "ind_employees": "۴۲۰", "ind_employees_year": "۱۴۰۳",
        "ind_sales_growth": "-۱۲٫۵", "ind_sales_growth_year": "1403", "employees": "999"})
    assert response.status_code == 302
    created = by_name(session, "شرکت نمونهٔ فارس")
    assert (created.employees, created.growth_percent, created.annual_sales) == (420, Decimal("-12.5"), None)
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "indicator.declare",
                                                      AuditEvent.nomination_id == created.id)).all()
    event = next(e for e in events if e.changes["indicator"] == [None, "کارکنان"])
    assert event.changes.get("employees") == [None, "420"], event.changes


def test_a_stored_key_figure_stays_until_its_indicator_is_declared(client, session, demo, login_as):
    maskati = by_name(session, MASKATI)
    maskati.employees, maskati.annual_sales = 400, 600_000
    session.commit()
    _carry(session, demo)
    login_as("fars")
    url = f"/nominations/{maskati.id}/edit"
    assert 'name="employees"' not in client.get(url).get_data(as_text=True)
    post(client, url, {"nominee_name": MASKATI, "category_id": str(maskati.category_id), "city": "لارستان"})
    kept = by_name(session, MASKATI)
    assert (kept.city, kept.employees, kept.annual_sales) == ("لارستان", 400, 600_000)
    post(client, url, {"nominee_name": MASKATI, "category_id": str(maskati.category_id),
                       "ind_employees": "۴۲۰", "ind_employees_year": "۱۴۰۳"})
    declared = by_name(session, MASKATI)
    assert (declared.employees, declared.annual_sales) == (420, 600_000)


@pytest.mark.parametrize(("dossier_field", "min_value", "decimals"), [
    ("employees", Decimal(0), 2),  # a whole number carried by a decimal indicator
    ("growth_percent", None, 2),  # no lowest value: a figure the dossier field cannot hold
    ("annual_sales", Decimal(-1), 0),
    ("nominee_name", Decimal(0), 0),  # not a key figure
])
def test_a_key_figure_is_carried_only_by_a_compatible_indicator(session, demo, dossier_field, min_value, decimals):
    patents = figures.define_indicator(session, actor=demo.users["admin"], cycle=demo.cycle,
                                       spec=figures.IndicatorSpec(code="patents", name_fa="ثبت اختراع"))
    with pytest.raises(FormErrors) as refused:
        figures.update_indicator(session, actor=demo.users["admin"], indicator=patents, spec=figures.IndicatorSpec(
            code="patents", name_fa="ثبت اختراع", decimals=decimals, min_value=min_value,
            dossier_field=dossier_field))
    assert set(refused.value.errors) == {"dossier_field"} and patents.dossier_field is None


def test_a_key_figure_is_carried_by_one_indicator_of_the_cycle(session, demo):
    _carry(session, demo)
    rnd = session.scalar(select(Indicator).where(Indicator.cycle_id == demo.cycle.id, Indicator.code == "rnd_spending"))
    with pytest.raises(FormErrors) as taken:
        figures.update_indicator(session, actor=demo.users["admin"], indicator=rnd, spec=figures.IndicatorSpec(
            code=rnd.code, name_fa=rnd.name_fa, dossier_field="annual_sales"))
    assert "شاخص دیگری" in taken.value.errors["dossier_field"] and rnd.dossier_field is None
