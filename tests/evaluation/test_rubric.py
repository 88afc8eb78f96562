"""Rubric set-up: the organizer's page, validation in Persian, the lock once scoring starts, and the reset."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from awards.enums import Aggregation, SheetState
from awards.errors import DomainError, InvalidTransition, PermissionDenied
from awards.evaluation import rubric, services
from awards.models import AuditEvent, CategoryCommittee, Criterion, ScoreSheet
from tests.evaluation.factories import STEEL, committee, decimal_values, nomination_named, post, user


def _form_data(client, url: str) -> dict:
    """Read every input of the rubric form as the browser would send it back."""
    html = client.get(url).get_data(as_text=True)
    form = html[html.index('<form method="post" novalidate>'):]
    data: dict[str, str] = {}
    for tag in re.findall(r"<(?:input|select|textarea)[^>]*>(?:[^<]*</textarea>)?", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        if 'type="checkbox"' in tag:
            if " checked" in tag:
                data[name.group(1)] = "y"
        elif tag.startswith("<textarea"):
            data[name.group(1)] = re.sub(r"^<textarea[^>]*>\r?\n?|</textarea>$", "", tag)
        elif tag.startswith("<select"):
            continue
        else:
            value = re.search(r'value="([^"]*)"', tag)
            data[name.group(1)] = value.group(1) if value else ""
    for select_name, selected in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>.*?<option selected value="([^"]+)"',
                                            form, flags=re.S):
        data[select_name] = selected
    return data


def _field(data: dict, committee_index: int, name: str, row: int | None = None) -> str:
    if row is None:
        return f"committees-{committee_index}-{name}"
    return f"committees-{committee_index}-criteria-{row}-{name}"


def test_rubric_page_round_trip_changes_nothing(client, session, demo, login_as):
    category = demo.categories["industry"]
    login_as("admin")
    url = f"/evaluation/rubric/{category.id}"
    data = _form_data(client, url)
    response = post(client, url, data, follow=True)
    assert "تغییری نبود." in response.get_data(as_text=True)


def test_rubric_page_edits_adds_removes_with_persian_digits(client, session, demo, login_as):
    category = demo.categories["industry"]
    login_as("admin")
    url = f"/evaluation/rubric/{category.id}"
    data = _form_data(client, url)
    data.update({
        "gold_quota": "۲", "certificate_quota": "۴", "min_score": "۶۲٫۵",
        _field(data, 0, "weight"): "۲٫۵", _field(data, 0, "aggregation"): "median", _field(data, 0, "quorum"): "2",
        _field(data, 0, "max_points", 0): "۲۵", _field(data, 0, "remove", 1): "y",
        _field(data, 0, "title", 4): "مسئولیت اجتماعي", _field(data, 0, "max_points", 4): "10",
        _field(data, 0, "weight", 4): "1",
    })
    response = post(client, url, data, follow=True)
    assert "تنظیمات ارزیابی ذخیره شد." in response.get_data(as_text=True)
    session.expire_all()
    winners = committee(session, "winners")
    rows = list(session.scalars(select(Criterion).where(Criterion.category_id == category.id,
                                                        Criterion.committee_id == winners.id)
                                .order_by(Criterion.position, Criterion.id)))
    assert [(c.title, c.max_points) for c in rows] == [
        ("تولید و بهره‌وری", Decimal("25")), ("نوآوری و فناوری", Decimal("20")),
        ("صادرات و بازار", Decimal("20")), ("مسئولیت اجتماعی", Decimal("10"))]
    setting = session.scalar(select(CategoryCommittee).where(CategoryCommittee.category_id == category.id,
                                                             CategoryCommittee.committee_id == winners.id))
    assert (setting.weight, setting.aggregation, setting.quorum) == (Decimal("2.5"), Aggregation.MEDIAN, 2)
    session.refresh(category)
    assert (category.gold_quota, category.certificate_quota, category.min_score) == (2, 4, Decimal("62.5"))
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "rubric.update"))
    assert event.changes["category.gold_quota"] == [1, 2]
    assert event.changes["winners.weight"] == ["3", "2.5"]
    session.commit()


@pytest.mark.parametrize(("field", "typed", "message"), [
    ("gold_quota", "-1", "سهمیهٔ تندیس زرین"),
    ("min_score", "120", "حداقل امتیاز باید بین ۰ تا ۱۰۰ باشد"),
    ("min_score", "شصت", "عدد معتبر وارد کنید"),
    ("committees-0-weight", "-2", "وزن کمیته باید صفر یا بیشتر باشد."),
    ("committees-0-criteria-0-max_points", "0", "بیشترین نمره باید بزرگ‌تر از صفر باشد."),
    ("committees-0-criteria-0-weight", "0", "وزن معیار باید بزرگ‌تر از صفر باشد."),
    ("committees-0-criteria-0-title", "", "عنوان معیار را بنویسید."),
    ("committees-0-quorum", "0", "حد نصاب باید دست‌کم ۱ باشد"),
])
def test_rubric_invalid_value_shown_beside_field_and_kept(client, session, demo, login_as, field, typed, message):
    category = demo.categories["industry"]
    login_as("admin")
    url = f"/evaluation/rubric/{category.id}"
    data = _form_data(client, url)
    data[field] = typed
    response = post(client, url, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    [tag] = re.findall(rf'<input[^>]*name="{field}"[^>]*>', html)
    assert "is-invalid" in tag
    assert 'aria-invalid="true"' in tag
    assert f'value="{typed}"' in tag
    session.expire_all()
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "rubric.update")) is None
    session.commit()


def test_new_criterion_with_title_but_no_max_is_refused(client, session, demo, login_as):
    category = demo.categories["industry"]
    login_as("admin")
    url = f"/evaluation/rubric/{category.id}"
    data = _form_data(client, url)
    data[_field(data, 0, "title", 4)] = "معیار ناقص"
    html = post(client, url, data).get_data(as_text=True)
    assert "بیشترین نمره باید بزرگ‌تر از صفر باشد." in html
    assert 'value="معیار ناقص"' in html


def _start_scoring(session, demo):
    steel = nomination_named(session, STEEL)
    sheet = services.save_sheet(session, nomination=steel, committee=committee(session, "winners"),
                                actor=user(session, "winners-1"), values=decimal_values(session, steel, "10"),
                                comment="", submit=True)
    session.commit()
    return steel, sheet


def test_rubric_change_refused_after_scoring_started(client, session, demo, login_as):
    steel, _sheet = _start_scoring(session, demo)
    login_as("admin")
    url = f"/evaluation/rubric/{steel.category_id}"
    page = client.get(url).get_data(as_text=True)
    assert "امتیازدهی آغاز شده است" in page
    data = _form_data(client, url)
    data[_field(data, 0, "max_points", 0)] = "30"
    html = post(client, url, data).get_data(as_text=True)
    assert "ارزیابی این رشته آغاز شده است" in html
    data[_field(data, 0, "max_points", 0)] = "20"
    data["gold_quota"] = "2"  # quotas are not part of the rubric: still editable
    assert "تنظیمات ارزیابی ذخیره شد." in post(client, url, data, follow=True).get_data(as_text=True)


def test_rubric_locked_even_by_a_draft_sheet(session, demo):
    steel = nomination_named(session, STEEL)
    services.save_sheet(session, nomination=steel, committee=committee(session, "winners"),
                        actor=user(session, "winners-1"), values={}, comment="", submit=False)
    assert rubric.rubric_locked(session, category=steel.category) is True


def test_reset_rubric_reopens_sheets_and_unlocks_until_next_submit(session, demo):
    steel, sheet = _start_scoring(session, demo)
    category = steel.category
    admin = demo.users["admin"]
    with pytest.raises(PermissionDenied):
        rubric.reset_rubric(session, category=category, actor=user(session, "winners-chair"), reason="x")
    with pytest.raises(DomainError, match="دلیل"):
        rubric.reset_rubric(session, category=category, actor=admin, reason=" ")
    assert rubric.reset_rubric(session, category=category, actor=admin, reason="معیار نوآوری بازنویسی شد.") == 1
    session.refresh(sheet)
    assert (sheet.state, sheet.reopened_reason) == (SheetState.DRAFT, "معیار نوآوری بازنویسی شد.")
    assert category.rubric_reset_reason == "معیار نوآوری بازنویسی شد."
    assert rubric.rubric_locked(session, category=category) is False
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "rubric.reset"))
    assert event.changes["rubric_reset_reason"] == [None, "معیار نوآوری بازنویسی شد."]
    assert event.changes["reopened_sheets"] == [None, [sheet.id]]
    with pytest.raises(InvalidTransition):
        rubric.reset_rubric(session, category=category, actor=admin, reason="دوباره")

    services.save_sheet(session, nomination=steel, committee=committee(session, "winners"),
                        actor=user(session, "winners-1"), values=decimal_values(session, steel, "11"),
                        comment="", submit=True)
    assert rubric.rubric_locked(session, category=category) is True


def test_reset_then_lower_max_drops_draft_values_that_no_longer_fit(session, demo):
    steel, sheet = _start_scoring(session, demo)
    rubric.reset_rubric(session, category=steel.category, actor=demo.users["admin"], reason="تغییر سقف")
    winners = committee(session, "winners")
    rows = [c for c in steel.category.criteria if c.committee_id == winners.id]
    data = rubric.RubricInput(
        gold_quota=steel.category.gold_quota, certificate_quota=steel.category.certificate_quota,
        min_score=steel.category.min_score, conflict_same_province=True,
        committees=[rubric.CommitteeInput(
            prefix="c0", committee_id=winners.id, weight=Decimal("3"), aggregation=Aggregation.TRIMMED_MEAN,
            normalise=True,
            criteria=[rubric.CriterionInput(prefix=f"r{i}", id=c.id, title=c.title, guidance=c.guidance,
                                            max_points=Decimal("8") if i == 0 else c.max_points, weight=c.weight,
                                            position=c.position) for i, c in enumerate(rows)])])
    changes = rubric.update_rubric(session, category=steel.category, actor=demo.users["admin"], data=data)
    assert changes[f"winners.criterion:{rows[0].id}.max_points"] == ["20", "8"]
    session.expire_all()
    kept = session.get(ScoreSheet, sheet.id).scores
    assert sorted(s.criterion_id for s in kept) == sorted(c.id for c in rows[1:])


def test_rubric_refused_for_non_organizer(session, demo):
    with pytest.raises(PermissionDenied):
        rubric.update_rubric(session, category=demo.categories["industry"], actor=user(session, "winners-chair"),
                             data=rubric.RubricInput(1, 1, None, True))
