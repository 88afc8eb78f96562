"""The evaluation pages: who may open what, the sheet's life, hidden scores, conflicts, phases and query counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import event, func, select

from awards import clock
from awards.admin import services as admin_services
from awards.db import db
from awards.demo import jalali_moment
from awards.enums import ConflictSource, SheetState
from awards.evaluation import services
from awards.models import Conflict, ScoreSheet
from tests.conftest import csrf_token, login
from tests.evaluation.factories import (
    CARPET,
    ELECTRONICS,
    STEEL,
    committee,
    decimal_values,
    make_nominations,
    nomination_named,
    post,
    sheet_data,
    sheet_url,
    user,
)


def _submit(session, name: str, username: str, value: str, comment: str = "", code: str = "winners"):
    nomination = nomination_named(session, name)
    sheet = services.save_sheet(session, nomination=nomination, committee=committee(session, code),
                                actor=user(session, username), values=decimal_values(session, nomination, value, code),
                                comment=comment, submit=True)
    session.commit()
    return sheet


def _sheets(session, **where) -> list[ScoreSheet]:
    session.expire_all()
    query = select(ScoreSheet)
    for name, value in where.items():
        query = query.where(getattr(ScoreSheet, name) == value)
    sheets = list(session.scalars(query))
    for sheet in sheets:
        list(sheet.scores)
    session.commit()  # end the read: an open SQLite transaction would block the next request
    return sheets


# --------------------------------------------------------------------------------------------- access by role


def _targets(session):
    """Every evaluation route as (method, url), on demo objects."""
    steel = nomination_named(session, STEEL)
    sheet = _submit(session, STEEL, "winners-2", "10")
    category_id = steel.category_id
    return steel, sheet, {
        "inbox": ("GET", "/evaluation/"),
        "sheet_get": ("GET", sheet_url(steel)),
        "sheet_post": ("POST", sheet_url(steel)),
        "reopen": ("POST", f"/evaluation/sheets/{sheet.id}/reopen"),
        "declare": ("POST", f"/evaluation/{steel.id}/conflict"),
        "conflicts_get": ("GET", "/evaluation/conflicts"),
        "conflicts_post": ("POST", "/evaluation/conflicts"),
        "rubric_get": ("GET", f"/evaluation/rubric/{category_id}"),
        "rubric_post": ("POST", f"/evaluation/rubric/{category_id}"),
        "rubric_reset": ("POST", f"/evaluation/rubric/{category_id}/reset"),
        "assignments_get": ("GET", f"/evaluation/assignments/{category_id}"),
        "assignments_post": ("POST", f"/evaluation/assignments/{category_id}"),
        "citations": ("GET", "/evaluation/citations"),
        "citation_get": ("GET", f"/evaluation/citations/{steel.id}"),
        "citation_post": ("POST", f"/evaluation/citations/{steel.id}"),
        "citation_approve": ("POST", f"/evaluation/citations/{steel.id}/approve"),
    }


def _call(client, method: str, url: str):
    if method == "GET":
        return client.get(url)
    return post(client, url, {"reason": "", "text": ""})


ALL_ROUTES = ["inbox", "sheet_get", "sheet_post", "reopen", "declare", "conflicts_get", "conflicts_post",
              "rubric_get", "rubric_post", "rubric_reset", "assignments_get", "assignments_post", "citations",
              "citation_get", "citation_post", "citation_approve"]


@pytest.mark.parametrize("route", ALL_ROUTES)
def test_route_anonymous_is_sent_to_login(client, session, demo, route):
    _steel, _sheet, targets = _targets(session)
    method, url = targets[route]
    response = client.get(url) if method == "GET" else client.post(
        url, data={"csrf_token": csrf_token(client, "/login")})
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("route", ALL_ROUTES)
def test_route_province_officer_is_forbidden(client, session, demo, login_as, route):
    _steel, _sheet, targets = _targets(session)
    login_as("isfahan")  # the steel company's own province
    assert _call(client, *targets[route]).status_code == 403


@pytest.mark.parametrize("route", ["sheet_get", "sheet_post", "reopen", "conflicts_get", "conflicts_post",
                                   "rubric_get", "rubric_post", "rubric_reset", "assignments_get",
                                   "assignments_post", "citations", "citation_get", "citation_post",
                                   "citation_approve"])
def test_route_member_of_another_committee_is_forbidden(client, session, demo, login_as, route):
    _steel, _sheet, targets = _targets(session)
    login_as("media-chair")
    assert _call(client, *targets[route]).status_code == 403


@pytest.mark.parametrize(("route", "username"), [
    ("reopen", "winners-1"),  # a member, not the chair
    ("citation_approve", "content-1"),  # a content member, not its chair
    ("citation_post", "admin"),  # organizers read citations, the content committee writes them
    ("sheet_get", "admin"),  # an organizer who sits on no committee scores nothing
    ("sheet_get", "oversight-chair"),
    ("declare", "admin"),
])
def test_chair_and_committee_only_actions_refuse_others(client, session, demo, login_as, route, username):
    _steel, _sheet, targets = _targets(session)
    login_as(username)
    assert _call(client, *targets[route]).status_code == 403


@pytest.mark.parametrize(("route", "username"), [
    ("inbox", "winners-1"), ("inbox", "admin"), ("sheet_get", "winners-1"), ("conflicts_get", "admin"),
    ("rubric_get", "admin"), ("assignments_get", "admin"), ("citations", "content-1"), ("citations", "admin"),
    ("citation_get", "content-1"), ("citation_get", "admin"),
])
def test_route_allowed_role_sees_the_page(client, session, demo, login_as, route, username):
    _steel, _sheet, targets = _targets(session)
    login_as(username)
    response = _call(client, *targets[route])
    assert response.status_code == 200
    assert 'dir="rtl"' in response.get_data(as_text=True)


def test_sheet_of_nomination_not_in_evaluation_is_404(client, session, demo, login_as):
    draft = nomination_named(session, "خوشه مسقطی لاری")
    login_as("winners-1")
    assert client.get(sheet_url(draft)).status_code == 404


def test_sheet_of_unknown_committee_code_is_404(client, session, demo, login_as):
    steel = nomination_named(session, STEEL)
    login_as("winners-1")
    assert client.get(sheet_url(steel, "nobody")).status_code == 404


def test_oversight_committee_has_no_sheet(client, session, demo, login_as):
    steel = nomination_named(session, STEEL)
    login_as("oversight-1")
    assert client.get(sheet_url(steel, "oversight")).status_code == 403


@pytest.mark.parametrize("route", ["sheet_post", "reopen", "declare", "conflicts_post", "rubric_post",
                                   "rubric_reset", "assignments_post", "citation_post", "citation_approve"])
def test_post_without_csrf_token_is_400(client, session, demo, login_as, route):
    _steel, _sheet, targets = _targets(session)
    login_as("admin")
    assert client.post(targets[route][1], data={"reason": "x"}).status_code == 400


# --------------------------------------------------------------------------------------------- the sheet


def test_member_saves_draft_then_submit_locks_sheet(client, session, demo, login_as):
    steel = nomination_named(session, STEEL)
    login_as("winners-1")
    response = post(client, sheet_url(steel), sheet_data(session, steel, ["۱۲٫۵", "12.5", "12/5", ""]))
    assert response.status_code == 302
    [sheet] = _sheets(session, nomination_id=steel.id)
    assert sheet.state == SheetState.DRAFT
    assert sorted(s.value for s in sheet.scores) == [Decimal("12.5")] * 3

    response = post(client, sheet_url(steel), sheet_data(session, steel, "15", action="submit"), follow=True)
    assert "برگه ارسال و قفل شد" in response.get_data(as_text=True)
    [sheet] = _sheets(session, nomination_id=steel.id)
    assert sheet.state == SheetState.SUBMITTED
    assert [s.value for s in sheet.scores] == [Decimal("15")] * 4

    response = post(client, sheet_url(steel), sheet_data(session, steel, "3", action="submit"), follow=True)
    html = response.get_data(as_text=True)
    assert "این برگه ارسال و قفل شده است" in html
    assert [s.value for s in _sheets(session, nomination_id=steel.id)[0].scores] == [Decimal("15")] * 4


def test_sheet_links_each_document_of_the_dossier(client, session, demo, login_as):
    steel = nomination_named(session, STEEL)
    document_ids = [document.id for document in steel.documents]
    session.commit()
    login_as("winners-1")
    html = client.get(sheet_url(steel)).get_data(as_text=True)
    assert document_ids
    for document_id in document_ids:
        assert f'href="/nominations/{steel.id}/documents/{document_id}"' in html


def test_submit_needs_every_criterion(client, session, demo, login_as):
    steel = nomination_named(session, STEEL)
    login_as("winners-1")
    response = post(client, sheet_url(steel), sheet_data(session, steel, ["10", "10", "10", ""], action="submit"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "برای ارسال، به این معیار نمره دهید." in html
    assert 'value="10"' in html  # what was typed is kept
    assert _sheets(session, nomination_id=steel.id) == []


@pytest.mark.parametrize(("typed", "message"), [
    ("-1", "نمره نمی‌تواند منفی باشد."),
    ("20.5", "بیشترین نمرهٔ این معیار ۲۰ است."),
    ("7.3", "نمره باید عدد درست یا با گام نیم باشد"),
    ("دوازده", "نمره را به صورت عدد بنویسید"),
    ("1,5", "نمره را به صورت عدد بنویسید"),
])
def test_sheet_value_refused_beside_its_field_and_kept(client, session, demo, login_as, typed, message):
    steel = nomination_named(session, STEEL)
    login_as("winners-1")
    response = post(client, sheet_url(steel), sheet_data(session, steel, [typed, "10", "10", "10"]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert f'value="{typed}"' in html
    assert 'aria-invalid="true"' in html
    assert _sheets(session, nomination_id=steel.id) == []


@pytest.mark.parametrize(("typed", "stored"), [("۱۲٫۵", "12.5"), ("١٢.٥", "12.5"), ("12/5", "12.5"), ("۲۰", "20"),
                                               ("0", "0"), (" 7.50 ", "7.5")])
def test_sheet_value_accepts_either_digit_set(client, session, demo, login_as, typed, stored):
    steel = nomination_named(session, STEEL)
    login_as("winners-1")
    assert post(client, sheet_url(steel), sheet_data(session, steel, typed)).status_code == 302
    assert {s.value for s in _sheets(session, nomination_id=steel.id)[0].scores} == {Decimal(stored)}


def test_nobody_reads_other_scores_before_submitting_own(client, session, demo, login_as):
    steel = nomination_named(session, STEEL)
    _submit(session, STEEL, "winners-1", "13.5", comment="یادداشت محرمانهٔ عضو یک")
    login_as("winners-2")
    before = client.get(sheet_url(steel)).get_data(as_text=True)
    assert "یادداشت محرمانهٔ عضو یک" not in before
    assert "۱۳٫۵" not in before

    post(client, sheet_url(steel), sheet_data(session, steel, "17", action="submit"))
    after = client.get(sheet_url(steel)).get_data(as_text=True)
    assert "یادداشت محرمانهٔ عضو یک" in after
    assert "۱۳٫۵" in after
    assert "مهندس زهرا کاظمی" in after  # winners-1's name beside the values


def test_chair_sees_sheet_states_but_not_values_before_own_submit(client, session, demo, login_as):
    steel = nomination_named(session, STEEL)
    _submit(session, STEEL, "winners-1", "13.5", comment="یادداشت محرمانهٔ عضو یک")
    login_as("winners-chair")
    html = client.get(sheet_url(steel)).get_data(as_text=True)
    assert "بازگشایی برگه" in html
    assert "یادداشت محرمانهٔ عضو یک" not in html
    assert "۱۳٫۵" not in html


def test_chair_reopens_submitted_sheet_with_reason(client, session, demo, login_as):
    steel = nomination_named(session, STEEL)
    sheet = _submit(session, STEEL, "winners-1", "10")
    login_as("winners-chair")
    assert post(client, f"/evaluation/sheets/{sheet.id}/reopen", {"reason": ""}).status_code == 302
    assert _sheets(session, id=sheet.id)[0].state == SheetState.SUBMITTED

    post(client, f"/evaluation/sheets/{sheet.id}/reopen", {"reason": "نمرهٔ نوآوری اشتباه وارد شده است."})
    [reopened] = _sheets(session, id=sheet.id)
    assert reopened.state == SheetState.DRAFT
    assert reopened.reopened_reason == "نمرهٔ نوآوری اشتباه وارد شده است."
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "winners-1")
    assert "این برگه بازگشایی شده است" in client.get(sheet_url(steel)).get_data(as_text=True)


def test_chair_of_another_committee_cannot_reopen(client, session, demo, login_as):
    sheet = _submit(session, STEEL, "winners-1", "10")
    login_as("finance-chair")
    assert post(client, f"/evaluation/sheets/{sheet.id}/reopen", {"reason": "x"}).status_code == 403


def test_scoring_refused_after_evaluation_closes(client, session, demo, login_as):
    steel = nomination_named(session, STEEL)
    login_as("winners-1")
    clock.freeze(jalali_moment(1404, 4, 1, 8, 0))
    html = client.get(sheet_url(steel)).get_data(as_text=True)
    assert "مهلت ارزیابی این دوره پایان یافته است." in html
    response = post(client, sheet_url(steel), sheet_data(session, steel, "10", action="submit"), follow=True)
    assert "مهلت ارزیابی این دوره پایان یافته است." in response.get_data(as_text=True)
    assert _sheets(session, nomination_id=steel.id) == []


def test_scoring_allowed_on_last_evening_of_evaluation(client, session, demo, login_as):
    steel = nomination_named(session, STEEL)
    login_as("winners-1")
    clock.freeze(jalali_moment(1404, 3, 31, 23, 0))
    assert post(client, sheet_url(steel), sheet_data(session, steel, "10", action="submit")).status_code == 302
    assert _sheets(session, nomination_id=steel.id)[0].state == SheetState.SUBMITTED


def test_scoring_refused_once_category_is_final(client, session, demo, login_as):
    steel = nomination_named(session, STEEL)
    steel.category.finalised_at = clock.now()
    session.commit()
    login_as("winners-1")
    response = post(client, sheet_url(steel), sheet_data(session, steel, "10"), follow=True)
    assert "نهایی شده" in response.get_data(as_text=True)
    assert _sheets(session, nomination_id=steel.id) == []


# --------------------------------------------------------------------------------------------- inbox and conflicts


def test_inbox_lists_nominations_with_progress(client, session, demo, login_as):
    _submit(session, STEEL, "winners-1", "10")
    login_as("winners-1")
    html = client.get("/evaluation/").get_data(as_text=True)
    assert STEEL in html
    assert ELECTRONICS in html
    assert "۱ از ۶" in html  # one of the six nominations in evaluation submitted
    assert 'role="progressbar"' in html
    assert 'aria-valuenow="17"' in html


def test_declared_conflict_removes_nomination_from_inbox_and_refuses_scoring(client, session, demo, login_as):
    steel = nomination_named(session, STEEL)
    login_as("winners-1")
    response = post(client, f"/evaluation/{steel.id}/conflict", {"reason": "", "committee": "winners"})
    assert response.status_code == 200
    assert "دلیل را بنویسید." in response.get_data(as_text=True)

    response = post(client, f"/evaluation/{steel.id}/conflict",
                    {"reason": "برادرم مدیرعامل این شرکت است.", "committee": "winners"})
    assert response.status_code == 302
    html = client.get("/evaluation/").get_data(as_text=True)
    assert STEEL not in html
    assert ELECTRONICS in html

    assert client.get(sheet_url(steel)).status_code == 302
    response = post(client, sheet_url(steel), sheet_data(session, steel, "10", action="submit"), follow=True)
    assert "تعارض منافع دارید" in response.get_data(as_text=True)
    assert _sheets(session, nomination_id=steel.id) == []


def _set_organisation(session, demo, username: str, organisation: str):
    member = user(session, username)
    admin_services.set_organisation(session, actor=demo.users["admin"], cycle=demo.cycle, user=member,
                                    organisation=organisation)
    session.commit()
    return member


def test_same_organisation_flag_raised_on_change_keeps_nomination_out_of_inbox(client, session, demo, login_as):
    login_as("winners-1")
    assert STEEL in client.get("/evaluation/").get_data(as_text=True)
    member = _set_organisation(session, demo, "winners-1", "شرکت فولاد سپاهان‌نوین (سهامی خاص)")
    assert session.scalar(select(Conflict.source).where(Conflict.user_id == member.id)) == \
        ConflictSource.SAME_ORGANISATION
    html = client.get("/evaluation/").get_data(as_text=True)
    assert STEEL not in html


def test_organizer_overrides_rule_flag_with_reason(client, session, demo, login_as):
    member = _set_organisation(session, demo, "winners-1", "فولاد سپاهان نوین")
    login_as("admin")
    assert "فولاد سپاهان نوین" in client.get("/evaluation/conflicts").get_data(as_text=True)
    flag = session.scalar(select(Conflict).where(Conflict.user_id == member.id))
    session.commit()

    response = post(client, "/evaluation/conflicts", {"conflict_id": flag.id, "reason": ""})
    assert response.status_code == 200
    assert "دلیل را بنویسید." in response.get_data(as_text=True)

    post(client, "/evaluation/conflicts", {"conflict_id": flag.id, "reason": "سازمان عضو همنام است، نه همان شرکت."})
    session.expire_all()
    flag = session.get(Conflict, flag.id)
    assert flag.overridden_by_id == demo.users["admin"].id
    assert flag.override_reason == "سازمان عضو همنام است، نه همان شرکت."
    session.commit()
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "winners-1")
    assert STEEL in client.get("/evaluation/").get_data(as_text=True)


def test_organizer_cannot_override_declared_conflict(client, session, demo, login_as):
    steel = nomination_named(session, STEEL)
    declared = services.declare_conflict(session, nomination=steel, actor=user(session, "winners-1"),
                                         reason="سهام‌دار هستم.")
    session.commit()
    login_as("admin")
    response = post(client, "/evaluation/conflicts", {"conflict_id": declared.id, "reason": "بی‌اثر"})
    assert "لغوشدنی نیست" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Conflict, declared.id).overridden_at is None


def test_inbox_with_k_shows_only_assigned_nominations(client, session, demo, login_as):
    category = demo.categories["cluster"]
    services.assign_balanced(session, category=category, committee=committee(session, "winners"), k=1,
                             actor=demo.users["admin"])
    session.commit()
    login_as("winners-1")
    html = client.get("/evaluation/").get_data(as_text=True)
    clusters = (CARPET, "خوشه کاشی و سرامیک میبد", "خوشه زعفران تربت حیدریه")
    shown = [name for name in clusters if name in html]
    assert len(shown) == 1  # three cluster nominations, three winners members, one reviewer each
    unassigned = nomination_named(session, next(name for name in clusters if name not in shown))
    assert client.get(sheet_url(unassigned)).status_code == 302


def _count_queries(client, url: str) -> int:
    statements = []

    def _before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", _before)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", _before)
    return len(statements)


def test_inbox_query_count_does_not_grow_with_nominations(client, session, demo, login_as):
    login_as("winners-1")
    client.get("/evaluation/")  # the first load adds any missing conflict flags
    few = _count_queries(client, "/evaluation/")
    made = make_nominations(session, demo, "industry", 30)
    for nomination in made[:10]:
        services.save_sheet(session, nomination=nomination, committee=committee(session, "winners"),
                            actor=user(session, "winners-1"), values=decimal_values(session, nomination, "5"),
                            comment="", submit=True)
    session.commit()
    client.get("/evaluation/")
    many = _count_queries(client, "/evaluation/")
    assert few == many
    assert session.scalar(select(func.count()).select_from(ScoreSheet)) == 10
