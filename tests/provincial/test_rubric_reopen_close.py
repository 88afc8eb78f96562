"""Editing a provincial rubric before it freezes, the chair's reopening of a member's sheet, and the chair's closing
of a category's selection at once: success, every refusal with nothing changed, and province isolation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from awards.enums import NominationState, SheetState
from awards.errors import InvalidTransition, PermissionDenied, PhaseClosed
from awards.models import (
    AuditEvent,
    Nomination,
    ProvincialCriterion,
    ProvincialDecision,
    ProvincialGroup,
    ProvincialSheet,
)
from awards.provincial import forwarding, sheets
from tests.factories import PASSWORD
from tests.provincial.conftest import DURING_SCORING, DURING_SELECTION, add_rubric, move_clock, province_id, send

S = NominationState


def _rubric(session, category_id: int) -> list[tuple]:
    session.commit()  # a fresh read of what the app committed
    session.expire_all()
    return session.execute(select(ProvincialCriterion.id, ProvincialCriterion.title, ProvincialCriterion.max_points,
                                  ProvincialCriterion.weight, ProvincialCriterion.position)
                           .where(ProvincialCriterion.category_id == category_id)
                           .order_by(ProvincialCriterion.position, ProvincialCriterion.id)).all()


def _events(session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _snapshot(session) -> tuple:
    session.commit()
    session.expire_all()
    return (session.execute(select(Nomination.id, Nomination.state).order_by(Nomination.id)).all(),
            session.execute(select(ProvincialSheet.id, ProvincialSheet.state, ProvincialSheet.reopened_reason)
                            .order_by(ProvincialSheet.id)).all(),
            session.execute(select(ProvincialCriterion.id, ProvincialCriterion.title, ProvincialCriterion.max_points,
                                   ProvincialCriterion.weight, ProvincialCriterion.position)
                            .order_by(ProvincialCriterion.id)).all(),
            session.scalar(select(func.count(ProvincialDecision.id))),
            session.scalar(select(func.count(AuditEvent.id))))


def _rows(criteria: list[tuple], **changed) -> dict:
    """The edit form's fields for ``criteria`` as they stand, with ``changed`` ({"0-title": ...}) applied."""
    data = {}
    for index, (cid, title, top, weight, position) in enumerate(criteria):
        data.update({f"criteria-{index}-id": str(cid), f"criteria-{index}-title": title,
                     f"criteria-{index}-guidance": "", f"criteria-{index}-max_points": str(top),
                     f"criteria-{index}-weight": str(weight), f"criteria-{index}-position": str(position + 1)})
    data.update({f"criteria-{key.replace('_', '-', 1)}": value for key, value in changed.items()})
    return data


# --- the rubric ------------------------------------------------------------------------------------------------

def test_the_organizer_edits_reorders_and_removes_lines_before_any_sheet(session, round_on, client, login_as):
    category = round_on.demo.categories["cluster"]
    first, second = add_rubric(session, round_on.demo)
    session.commit()
    url = f"/provincial/rubric/{category.id}"
    login_as("admin")
    page = client.get(url).get_data(as_text=True)
    assert "ویرایش معیارها" in page and "افزودن معیار" in page
    done = send(client, f"{url}/edit", _rows(_rubric(session, category.id), **{
        "0_title": "اثر منطقه‌ای و ملی", "0_max_points": "۱۵", "0_weight": "2", "0_position": "3"}), page=url)
    assert done.status_code == 302
    assert [(c[0], c[1], c[2], c[3], c[4]) for c in _rubric(session, category.id)] == [
        (second, "اشتغال", Decimal("20"), Decimal("1"), 0),
        (first, "اثر منطقه‌ای و ملی", Decimal("15"), Decimal("2"), 1)]
    event = _events(session, "provincial.rubric_update")[-1]
    assert event.changes[f"criterion:{first}.max_points"] == ["10", "15"]
    assert event.changes[f"criterion:{first}.position"] == [0, 1]
    removed = send(client, f"{url}/edit", _rows(_rubric(session, category.id), **{"1_remove": "y"}), page=url)
    assert removed.status_code == 302
    assert [c[0] for c in _rubric(session, category.id)] == [second]
    assert _events(session, "provincial.rubric_update")[-1].changes[f"criterion:{first}"] == [
        {"title": "اثر منطقه‌ای و ملی"}, None]


def test_bad_values_show_beside_their_fields_keep_what_was_typed_and_change_nothing(session, round_on, client,
                                                                                     login_as):
    category = round_on.demo.categories["cluster"]
    add_rubric(session, round_on.demo)
    session.commit()
    url = f"/provincial/rubric/{category.id}"
    login_as("admin")
    before = _snapshot(session)
    refused = send(client, f"{url}/edit", _rows(_rubric(session, category.id), **{
        "0_title": "معیار تازه‌نویس", "0_max_points": "0", "1_weight": "-1"}), page=url)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "بیشترین نمره باید بزرگ‌تر از صفر باشد." in text and "وزن معیار باید بزرگ‌تر از صفر باشد." in text
    assert 'value="معیار تازه‌نویس"' in text
    assert _snapshot(session) == before


def test_the_rubric_freezes_with_the_first_sheet(session, round_on, client, login_as):
    category = round_on.demo.categories["cluster"]
    criteria = add_rubric(session, round_on.demo)
    move_clock(session, DURING_SCORING)
    sheets.save_sheet(session, nomination=session.get(Nomination, round_on.clusters[0]),
                      actor=round_on.users["fars-member-1"], values={criteria[0]: Decimal(5)}, comment="",
                      submit=False)  # a draft is enough
    session.commit()
    url = f"/provincial/rubric/{category.id}"
    login_as("admin")
    page = client.get(url).get_data(as_text=True)
    assert "معیارها دیگر تغییر نمی‌کنند" in page and "ویرایش معیارها" not in page
    before = _snapshot(session)
    refused = send(client, f"{url}/edit", _rows(_rubric(session, category.id), **{"0_title": "دگرگون"}), page=url)
    assert refused.status_code in (200, 302)
    assert "معیارها دیگر تغییر نمی‌کنند" in client.get(url).get_data(as_text=True)
    assert _snapshot(session) == before
    with pytest.raises(InvalidTransition):
        sheets.update_rubric(session, category=category, actor=round_on.demo.users["admin"], rows=[])
    session.rollback()


@pytest.mark.parametrize(("user", "password"), [("fars", "demo-pass-1404"), ("fars-chair", PASSWORD)])
def test_only_organizers_edit_the_rubric(session, round_on, client, login_as, user, password):
    category = round_on.demo.categories["cluster"]
    add_rubric(session, round_on.demo)
    session.commit()
    login_as(user, password)
    before = _snapshot(session)
    refused = send(client, f"/provincial/rubric/{category.id}/edit",
                   _rows(_rubric(session, category.id), **{"0_title": "ربوده"}), page="/")
    assert refused.status_code == 404
    assert _snapshot(session) == before
    with pytest.raises(PermissionDenied):
        sheets.update_rubric(session, category=category, actor=round_on.users["fars-chair"], rows=[])
    session.rollback()


# --- reopening a member's sheet --------------------------------------------------------------------------------

def _sheet(session, ctx, member: str, nomination_index: int = 0) -> ProvincialSheet:
    return session.scalars(select(ProvincialSheet).where(
        ProvincialSheet.member_id == ctx.users[member].id,
        ProvincialSheet.nomination_id == ctx.clusters[nomination_index])).one()


def test_the_chair_reopens_a_members_sheet_with_a_reason_and_the_member_sees_it(session, scored, client, login_as):
    move_clock(session, DURING_SCORING)
    fars = province_id(session, "IR-07")
    sheet_id = _sheet(session, scored, "fars-member-1").id
    login_as("fars-chair", PASSWORD)
    assert "برگه‌های اعضا و بازگشایی" in client.get(f"/provincial/{fars}").get_data(as_text=True)
    page = client.get(f"/provincial/{fars}/sheets").get_data(as_text=True)
    assert f"/provincial/sheets/{sheet_id}/reopen" in page
    done = send(client, f"/provincial/sheets/{sheet_id}/reopen", {"reason": "نمرهٔ اشتغال اشتباه وارد شده"},
                page=f"/provincial/{fars}/sheets")
    assert done.status_code == 302
    session.commit()
    session.expire_all()
    sheet = session.get(ProvincialSheet, sheet_id)
    assert sheet.state is SheetState.DRAFT and sheet.submitted_at is None
    assert sheet.reopened_reason == "نمرهٔ اشتغال اشتباه وارد شده"
    event = _events(session, "provincial.sheet_reopen")[-1]
    assert event.reason == "نمرهٔ اشتغال اشتباه وارد شده" and event.object_id == sheet_id
    assert event.actor_id == scored.users["fars-chair"].id
    send(client, "/logout", page="/")
    login_as("fars-member-1", PASSWORD)
    own = client.get(f"/provincial/nominations/{scored.clusters[0]}/sheet").get_data(as_text=True)
    assert "رئیس کارگروه این برگه را بازگشایی کرده است" in own and "نمرهٔ اشتغال اشتباه وارد شده" in own
    assert "بازگشایی‌شده" in client.get(f"/provincial/{fars}").get_data(as_text=True)


def test_a_reopen_without_a_reason_changes_nothing(session, scored, client, login_as):
    move_clock(session, DURING_SCORING)
    fars = province_id(session, "IR-07")
    sheet_id = _sheet(session, scored, "fars-member-1").id
    login_as("fars-chair", PASSWORD)
    before = _snapshot(session)
    refused = send(client, f"/provincial/sheets/{sheet_id}/reopen", {"reason": "  "},
                   page=f"/provincial/{fars}/sheets")
    assert refused.status_code == 302
    assert "دلیل" in client.get(f"/provincial/{fars}/sheets").get_data(as_text=True)
    assert _snapshot(session) == before


@pytest.mark.parametrize(("user", "password"), [("fars-member-2", PASSWORD), ("fars", "demo-pass-1404"),
                                                ("tehran-chair", PASSWORD), ("tehran", "demo-pass-1404"),
                                                ("admin", "demo-pass-1404")])
def test_only_the_provinces_chair_reopens(session, scored, client, login_as, user, password):
    move_clock(session, DURING_SCORING)
    fars = province_id(session, "IR-07")
    sheet_id = _sheet(session, scored, "fars-member-1").id
    login_as(user, password)
    before = _snapshot(session)
    assert client.get(f"/provincial/{fars}/sheets").status_code == 404
    assert send(client, f"/provincial/sheets/{sheet_id}/reopen", {"reason": "ربوده"}, page="/").status_code == 404
    assert _snapshot(session) == before


def test_reopening_waits_for_provincial_scoring(session, scored):
    sheet = _sheet(session, scored, "fars-member-1")  # the clock is in provincial selection
    before = _snapshot(session)
    with pytest.raises(PhaseClosed):
        sheets.reopen_sheet(session, sheet=sheet, actor=scored.users["fars-chair"], reason="دیر")
    session.rollback()
    assert _snapshot(session) == before


def test_a_draft_sheet_is_not_reopened(session, scored):
    move_clock(session, DURING_SCORING)
    chair = scored.users["fars-chair"]
    sheets.reopen_sheet(session, sheet=_sheet(session, scored, "fars-member-1"), actor=chair, reason="یک")
    session.commit()
    before = _snapshot(session)
    with pytest.raises(InvalidTransition, match="فقط برگهٔ ارسال‌شده"):
        sheets.reopen_sheet(session, sheet=_sheet(session, scored, "fars-member-1"), actor=chair, reason="دو")
    session.rollback()
    assert _snapshot(session) == before


def test_a_forwarding_decision_that_used_the_sheet_is_not_undone(session, scored):
    """A forward during selection; the dates then moved so that scoring is open again: the decided dossier's sheets
    and the category's other sheets (the decision's ranking held them) stay submitted."""
    chair = scored.users["fars-chair"]
    forwarding.forward(session, nomination=session.get(Nomination, scored.clusters[0]), actor=chair)
    session.commit()
    move_clock(session, DURING_SCORING)
    before = _snapshot(session)
    with pytest.raises(InvalidTransition, match="تصمیم گرفته است؛"):
        sheets.reopen_sheet(session, sheet=_sheet(session, scored, "fars-member-1", 0), actor=chair, reason="x")
    session.rollback()
    with pytest.raises(InvalidTransition, match="رتبه‌بندی آن تصمیم"):
        sheets.reopen_sheet(session, sheet=_sheet(session, scored, "fars-member-1", 1), actor=chair, reason="x")
    session.rollback()
    assert _snapshot(session) == before


# --- closing a category's selection at once --------------------------------------------------------------------

def test_the_chair_closes_the_selection_after_confirming(session, scored, client, login_as):
    fars = province_id(session, "IR-07")
    category = scored.demo.categories["cluster"]
    forwarding.forward(session, nomination=session.get(Nomination, scored.clusters[0]),
                       actor=scored.users["fars-chair"])
    session.commit()
    url = f"/provincial/{fars}/close/{category.id}"
    login_as("fars-chair", PASSWORD)
    assert url in client.get(f"/provincial/{fars}").get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert "خوشهٔ فرش قشقایی" in page and "خوشهٔ خرمای جهرم" in page and "خوشهٔ گلاب میمند" not in page
    expected = f"{scored.clusters[1]},{scored.clusters[2]}"
    before = _snapshot(session)
    unconfirmed = send(client, url, {"expected": expected}, page=url)
    assert unconfirmed.status_code == 200
    assert "برای بستن انتخاب، این گزینه را تأیید کنید." in unconfirmed.get_data(as_text=True)
    assert _snapshot(session) == before
    done = send(client, url, {"expected": expected, "confirm": "y"}, page=url)
    assert done.status_code == 302
    session.commit()
    session.expire_all()
    assert [session.get(Nomination, n).state for n in scored.clusters] == [S.FORWARDED, S.NOT_FORWARDED,
                                                                          S.NOT_FORWARDED]
    decisions = session.execute(select(ProvincialDecision.nomination_id, ProvincialDecision.rank)
                                .where(ProvincialDecision.forwarded.is_(False))
                                .order_by(ProvincialDecision.nomination_id)).all()
    assert decisions == [(scored.clusters[1], 2), (scored.clusters[2], 3)]
    assert [e.nomination_id for e in _events(session, "nomination.not_forward")] == scored.clusters[1:]
    assert _events(session, "provincial.selection_close")[-1].changes == {"not_forwarded": [None, scored.clusters[1:]]}


def test_a_list_that_changed_meanwhile_is_refused_and_shown_again(session, scored, client, login_as):
    fars = province_id(session, "IR-07")
    category = scored.demo.categories["cluster"]
    url = f"/provincial/{fars}/close/{category.id}"
    login_as("fars-chair", PASSWORD)
    stale = f"{scored.clusters[1]},{scored.clusters[2]}"  # the chair's page before the first was forwarded
    before = _snapshot(session)
    refused = send(client, url, {"expected": stale, "confirm": "y"}, page=url)
    assert refused.status_code == 200 and "تغییر کرده است" in refused.get_data(as_text=True)
    assert _snapshot(session) == before


def test_closing_waits_for_provincial_selection(session, scored):
    move_clock(session, DURING_SCORING)
    group = session.get(ProvincialGroup, scored.fars_group_id)
    before = _snapshot(session)
    with pytest.raises(PhaseClosed):
        forwarding.close_selection(session, group=group, category=scored.demo.categories["cluster"],
                                   actor=scored.users["fars-chair"], expected=scored.clusters)
    session.rollback()
    assert _snapshot(session) == before
    move_clock(session, DURING_SELECTION)


@pytest.mark.parametrize(("user", "password"), [("fars-member-1", PASSWORD), ("fars", "demo-pass-1404"),
                                                ("tehran-chair", PASSWORD), ("tehran", "demo-pass-1404"),
                                                ("admin", "demo-pass-1404")])
def test_only_the_provinces_chair_closes(session, scored, client, login_as, user, password):
    fars = province_id(session, "IR-07")
    url = f"/provincial/{fars}/close/{scored.demo.categories['cluster'].id}"
    login_as(user, password)
    before = _snapshot(session)
    assert client.get(url).status_code == 404
    expected = ",".join(str(n) for n in scored.clusters)
    assert send(client, url, {"expected": expected, "confirm": "y"}, page="/").status_code == 404
    assert _snapshot(session) == before
