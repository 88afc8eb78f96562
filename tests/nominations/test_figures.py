"""The dossier form's indicator fields: Persian digits, errors beside the field, and province isolation."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from awards.models import AuditEvent, Indicator, IndicatorValue
from tests.nominations.conftest import MASKATI, by_name, post


def _figures(session, nomination_id: int) -> dict[str, tuple]:
    session.commit()
    return {row.code: (row.declared_value, row.year) for row in session.execute(
        select(Indicator.code, IndicatorValue.declared_value, IndicatorValue.year)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .where(IndicatorValue.nomination_id == nomination_id))}


def test_form_offers_each_indicator_and_saves_persian_digits(client, session, demo, login_as):
    maskati = by_name(session, MASKATI)
    login_as("fars")
    html = client.get(f"/nominations/{maskati.id}/edit").get_data(as_text=True)
    assert 'name="ind_sales_growth"' in html and 'name="ind_sales_growth_year"' in html and "شاخص‌های دوره" in html
    response = post(client, f"/nominations/{maskati.id}/edit", {
        "nominee_name": MASKATI, "category_id": str(maskati.category_id),
        "ind_sales_growth": "۳۴٫۵", "ind_sales_growth_year": "۱۴۰۳", "ind_annual_sales": "۶۴۰٬۰۰۰",
        "ind_annual_sales_year": "1403"}, follow_redirects=False)
    assert response.status_code == 302
    assert _figures(session, maskati.id) == {"sales_growth": (Decimal("34.5"), 1403),
                                             "annual_sales": (Decimal(640000), 1403)}
    again = client.get(f"/nominations/{maskati.id}/edit").get_data(as_text=True)
    assert 'value="۳۴٫۵"' in again and 'value="۶۴۰٬۰۰۰"' in again


def test_a_figure_without_its_year_is_refused_beside_the_field_keeping_what_was_typed(client, session, demo,
                                                                                      login_as):
    maskati = by_name(session, MASKATI)
    login_as("fars")
    response = post(client, f"/nominations/{maskati.id}/edit", {
        "nominee_name": MASKATI, "category_id": str(maskati.category_id), "city": "لارستان",
        "ind_employees": "۴۲۰", "ind_employees_year": "۱۴۰۳", "ind_sales_growth": "-۱۲٫۵"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="ind_sales_growth_year-error"' in html and "سالی را که این رقم مربوط به آن است بنویسید." in html
    assert 'value="-۱۲٫۵"' in html and 'value="لارستان"' in html
    assert _figures(session, maskati.id) == {}
    assert by_name(session, MASKATI).city == "لار"  # the dossier's edit was rolled back with the figures
    parse = post(client, f"/nominations/{maskati.id}/edit", {
        "nominee_name": MASKATI, "category_id": str(maskati.category_id), "ind_employees": "۴۲۰٫۵"})
    html = parse.get_data(as_text=True)
    assert 'id="ind_employees-error"' in html and 'value="۴۲۰٫۵"' in html
    assert _figures(session, maskati.id) == {}


def test_another_province_cannot_see_or_write_the_figures(client, session, demo, login_as):
    maskati = by_name(session, MASKATI)
    login_as("tehran")
    writes = select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action.in_(("indicator.declare", "nomination.edit")))
    session.commit()
    events = session.scalar(writes)
    assert client.get(f"/nominations/{maskati.id}").status_code == 404
    assert client.get(f"/nominations/{maskati.id}/edit").status_code == 404
    response = post(client, f"/nominations/{maskati.id}/edit", {
        "nominee_name": MASKATI, "category_id": str(maskati.category_id), "ind_sales_growth": "99",
        "ind_sales_growth_year": "1403"})
    assert response.status_code == 404
    assert _figures(session, maskati.id) == {}
    assert session.scalar(writes) == events
