"""The home page's panels: each figure against a direct count, statement counts, province isolation, reminders."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select, update

from awards import clock
from awards.db import RESULTS_UNCHANGED
from awards.demo import jalali_moment
from awards.enums import CommitteeCode, ComplianceOutcome, NominationState, SheetState
from awards.evaluation import queries as evaluation_queries
from awards.evaluation.conflicts import flag_conflicts
from awards.main import dashboard
from awards.main.reminders import remind_members
from awards.models import (
    AuditEvent,
    Citation,
    Committee,
    ComplianceDecision,
    Nomination,
    Notification,
    ScoreSheet,
    User,
)
from awards.nominations.states import QUOTA_STATES
from awards.persian import to_persian_digits
from tests.conftest import csrf_token
from tests.screening.conftest import count_statements


def _user(session, username: str) -> User:
    return session.scalar(select(User).where(User.username == username))


def _board(app, session, username: str) -> dashboard.Dashboard:
    session.expire_all()  # read what the test (or a request) committed, memberships included
    with app.test_request_context("/"):
        return dashboard.dashboard(session, user=_user(session, username))


def _count(session, *conditions) -> int:
    return session.scalar(select(func.count(Nomination.id)).where(*conditions))


def _fa(number: int) -> str:
    return to_persian_digits(str(number))


def _audit_count(session) -> int:
    session.expire_all()
    value = session.scalar(select(func.count(AuditEvent.id)))
    session.commit()
    return value


# ------------------------------------------------------------------------------------------------ province


@pytest.mark.parametrize("username", ["fars", "khorasan", "tehran"])
def test_province_counts_equal_direct_counts(app, session, demo, username):
    user = _user(session, username)
    panel = _board(app, session, username).province
    mine = (Nomination.cycle_id == demo.cycle.id, Nomination.province_id == user.province_id)
    draft = Nomination.state == NominationState.DRAFT
    assert panel.drafts == _count(session, *mine, draft, Nomination.return_reason.is_(None))
    assert panel.returned == _count(session, *mine, draft, Nomination.return_reason.is_not(None))
    assert panel.submitted == _count(session, *mine, Nomination.state == NominationState.SUBMITTED)
    assert panel.in_evaluation == _count(session, *mine, Nomination.state.in_(
        [NominationState.IN_EVALUATION, NominationState.SHORTLISTED]))
    assert panel.awarded == _count(session, *mine, Nomination.state == NominationState.AWARDED)
    assert panel.total == _count(session, *mine)
    for quota in panel.quotas:
        assert quota.used == _count(session, *mine, Nomination.category_id == quota.category_id,
                                    Nomination.state.in_(QUOTA_STATES))
        assert quota.quota == next(c.province_quota for c in demo.cycle.categories if c.id == quota.category_id)
    assert {q.category_id for q in panel.quotas} == {c.id for c in demo.cycle.categories if not c.is_retired}


def test_khorasan_sees_its_returned_dossier_with_reason_countdown_and_quota(client, demo, login_as):
    login_as("khorasan")
    html = client.get("/").get_data(as_text=True)
    returned = html[html.index('id="returned-heading"'):]
    assert "شرکت کاشی طوس" in returned
    assert "گواهی استاندارد و صورت‌های مالی حسابرسی‌شده پیوست نشده است." in returned
    # The demo clock stands on 20 Ordibehesht 1404; nominations close on 31 Ordibehesht: eleven days.
    assert "۱۱ روز" in html
    assert "۳۱ اردیبهشت ۱۴۰۴" in html
    # Cluster: the saffron cluster uses one of the province's two slots.
    assert "۱ از ۲" in html


def test_returned_dossier_is_not_counted_as_a_plain_draft(app, session, demo):
    panel = _board(app, session, "khorasan").province
    assert (panel.drafts, panel.returned) == (0, 1)
    assert [r.name for r in panel.returned_rows] == ["شرکت کاشی طوس"]


def test_province_panel_shows_only_its_own_province(app, client, session, demo, login_as):
    fars = _user(session, "fars")
    session.add(Nomination(cycle_id=demo.cycle.id, category_id=demo.categories["industry"].id,
                           province_id=fars.province_id, nominee_name="کارخانهٔ بازگشتهٔ فارس",
                           search_name="x", state=NominationState.DRAFT, return_reason="دلیل ویژهٔ فارس"))
    session.commit()
    login_as("khorasan")
    html = client.get("/").get_data(as_text=True)
    assert "کارخانهٔ بازگشتهٔ فارس" not in html
    assert "دلیل ویژهٔ فارس" not in html
    assert "شرکت صنایع الکترونیک پارس شیراز" not in html
    khorasan = _user(session, "khorasan")
    panel = _board(app, session, "khorasan").province
    assert panel.total == _count(session, Nomination.province_id == khorasan.province_id)
    assert panel.province.id == khorasan.province_id
    assert _board(app, session, "fars").province.returned == 1


def test_province_panel_links_into_the_nomination_list(client, demo, login_as):
    login_as("fars")
    html = client.get("/").get_data(as_text=True)
    assert f"/nominations/?state=draft&amp;cycle={demo.cycle.id}" in html
    assert f"/nominations/?state=submitted&amp;cycle={demo.cycle.id}" in html


def test_after_the_deadline_the_province_is_told_it_has_passed(client, demo, login_as):
    clock.set_offset(clock.offset_to(jalali_moment(1404, 3, 2, 10, 0)))
    login_as("fars")
    html = client.get("/").get_data(as_text=True)
    assert "مهلت معرفی نامزدها در ۳۱ اردیبهشت ۱۴۰۴ به پایان رسید." in html


def test_days_until_counts_tehran_calendar_days():
    close = jalali_moment(1404, 2, 31, 23, 59)
    assert dashboard.days_until(close, jalali_moment(1404, 2, 31, 0, 30)) == 0
    assert dashboard.days_until(close, jalali_moment(1404, 2, 30, 23, 0)) == 1
    assert dashboard.days_until(close, close + timedelta(hours=2)) == -1


# ------------------------------------------------------------------------------------------------ committees


def _flagged(session, demo):
    flag_conflicts(session, cycle=demo.cycle)
    session.commit()


@pytest.mark.parametrize("username", ["winners-1", "winners-chair", "finance-2", "content-1"])
def test_member_counts_equal_the_evaluation_inbox(app, session, demo, username):
    _flagged(session, demo)
    user = _user(session, username)
    # One sheet submitted and one draft, to see both counted.
    inbox = evaluation_queries.inbox(session, user=user, cycle=demo.cycle)
    first = inbox[0]
    assert len(first.rows) >= 2
    now = clock.now()
    session.add(ScoreSheet(nomination_id=first.rows[0].nomination.id, committee_id=first.committee.id,
                           member_id=user.id, state=SheetState.SUBMITTED, submitted_at=now))
    session.add(ScoreSheet(nomination_id=first.rows[1].nomination.id, committee_id=first.committee.id,
                           member_id=user.id, state=SheetState.DRAFT))
    session.commit()
    inbox = evaluation_queries.inbox(session, user=user, cycle=demo.cycle)
    panels = _board(app, session, username).committees
    assert [p.committee.code for p in panels] == [box.committee.code for box in inbox]
    for panel, box in zip(panels, inbox, strict=True):
        assert panel.expected == box.total
        assert panel.submitted == box.submitted
        assert panel.drafts == sum(1 for row in box.rows if row.state == SheetState.DRAFT)
        assert panel.to_score == sum(1 for row in box.rows if row.sheet is None)
        unsubmitted = [row.nomination.id for row in box.rows if row.state != SheetState.SUBMITTED]
        assert panel.next_nomination_id == (min(unsubmitted) if unsubmitted else None)
    assert (panels[0].submitted, panels[0].drafts) == (1, 1)


def test_member_sees_progress_and_a_continue_button_to_the_next_sheet(app, client, session, demo, login_as):
    _flagged(session, demo)
    panel = _board(app, session, "winners-1").committees[0]
    login_as("winners-1")
    html = client.get("/").get_data(as_text=True)
    assert f'href="/evaluation/{panel.next_nomination_id}/winners">ادامهٔ امتیازدهی</a>' in html
    assert f"۰ از {_fa(panel.expected)}" in html
    assert "پیشرفت اعضا" not in html  # a member does not see the others' progress


def test_chair_sees_each_members_progress_and_missing_sheets(app, client, session, demo, login_as):
    _flagged(session, demo)
    panel = _board(app, session, "winners-chair").committees[0]
    assert panel.is_chair
    names = {m.name for m in panel.members}
    assert names == set(session.scalars(
        select(User.full_name).where(User.username.in_(["winners-chair", "winners-1", "winners-2"]))))
    for member in panel.members:
        user = session.get(User, member.user_id)
        inbox = evaluation_queries.inbox(session, user=user, cycle=demo.cycle)[0]
        assert member.expected == inbox.total
        assert member.missing == inbox.total - inbox.submitted
    assert panel.missing_total == sum(m.missing for m in panel.members) > 0
    login_as("winners-chair")
    html = client.get("/").get_data(as_text=True)
    assert "پیشرفت اعضا" in html
    assert f"({_fa(panel.missing_total)} برگه مانده)" in html
    assert 'action="/remind/winners"' in html


def test_oversight_has_no_scoring_panel(client, demo, login_as):
    login_as("oversight-1")
    assert "برگه‌های امتیاز کمیتهٔ" not in client.get("/").get_data(as_text=True)


def test_a_member_sees_no_remind_button(client, demo, login_as):
    login_as("winners-1")
    assert "/remind/" not in client.get("/").get_data(as_text=True)


# ------------------------------------------------------------------------------------------------ queues


def test_provincial_affairs_sees_the_screening_queue_and_its_oldest_item(app, client, session, demo, login_as):
    queue = _board(app, session, "provincial_affairs-1").screening
    submitted = (Nomination.cycle_id == demo.cycle.id, Nomination.state == NominationState.SUBMITTED)
    assert queue.size == _count(session, *submitted)
    oldest = session.scalars(select(Nomination).where(*submitted)
                             .order_by(Nomination.submitted_at, Nomination.id)).first()
    assert queue.oldest_id == oldest.id
    assert queue.age_days == max(0, -dashboard.days_until(oldest.submitted_at, clock.now()))
    login_as("provincial_affairs-1")
    html = client.get("/").get_data(as_text=True)
    assert f"{_fa(queue.size)} پرونده در صف" in html
    assert oldest.nominee_name in html
    assert f"{_fa(queue.age_days)} روز در انتظار" in html


def test_oversight_sees_the_compliance_queue(app, client, session, demo, login_as):
    queue = _board(app, session, "oversight-2").compliance
    decided = select(ComplianceDecision.nomination_id)
    expected = _count(session, Nomination.cycle_id == demo.cycle.id,
                      Nomination.state.in_([NominationState.IN_EVALUATION, NominationState.SHORTLISTED]),
                      Nomination.id.not_in(decided))
    assert queue.size == expected > 0
    assert _board(app, session, "oversight-2").screening is None
    # Deciding one shortens the queue by one.
    session.add(ComplianceDecision(nomination_id=queue.oldest_id, outcome=ComplianceOutcome.PASSED, reason="",
                                   decided_by_id=_user(session, "oversight-chair").id))
    session.commit()
    assert _board(app, session, "oversight-2").compliance.size == expected - 1
    login_as("oversight-2")
    assert f"{_fa(expected - 1)} پرونده در صف" in client.get("/").get_data(as_text=True)


def test_content_committee_sees_citations_to_write_and_to_approve(app, client, session, demo, login_as):
    in_scope = (Nomination.cycle_id == demo.cycle.id,
                Nomination.state.in_([NominationState.IN_EVALUATION, NominationState.SHORTLISTED]))
    first, second = session.scalars(select(Nomination).where(*in_scope).order_by(Nomination.id).limit(2))
    writer, chair = _user(session, "content-1"), _user(session, "content-chair")
    session.add(Citation(nomination_id=first.id, text="متن", written_by_id=writer.id))
    session.add(Citation(nomination_id=second.id, text="متن", written_by_id=writer.id, approved_by_id=chair.id,
                         approved_at=clock.now()))
    session.commit()
    counts = _board(app, session, "content-1").citations
    assert counts.to_write == _count(session, *in_scope) - 2
    assert counts.to_approve == 1
    login_as("content-chair")
    html = client.get("/").get_data(as_text=True)
    assert "متن لوح در انتظار تأیید" in html
    assert 'href="/evaluation/citations"' in html


# ------------------------------------------------------------------------------------------------ organizer


def test_organizer_figures_equal_direct_counts(app, client, session, demo, login_as):
    panel = _board(app, session, "admin").organizer
    cycle = (Nomination.cycle_id == demo.cycle.id,)
    for state in NominationState:
        assert panel.by_state.get(state, 0) == _count(session, *cycle, Nomination.state == state)
    for province, n in panel.by_province:
        assert n == _count(session, *cycle, Nomination.province_id == province.id,
                           Nomination.state.in_(QUOTA_STATES))
    assert sum(n for _p, n in panel.by_province) == _count(session, *cycle, Nomination.state.in_(QUOTA_STATES))
    assert panel.phase.value == "nomination"
    assert panel.next_deadline.field == "nominations_close_at" and panel.next_deadline.days_left == 11
    login_as("admin")
    html = client.get("/").get_data(as_text=True)
    assert "۱۱ روز مانده" in html
    assert 'canvas data-chart="provinces"' in html
    assert '<script type="application/json" id="dashboard-charts">' in html
    assert "/static/vendor/chartjs/chart.umd.min.js" in html
    assert "<details" in html and "نمایش جدول همین ارقام" in html


def test_organizer_scoring_progress_sums_every_members_sheets(app, session, demo):
    _flagged(session, demo)
    bars = {bar.code: bar for bar in _board(app, session, "admin").organizer.committees}
    assert CommitteeCode.OVERSIGHT not in bars
    winners = session.scalar(select(Committee).where(Committee.code == CommitteeCode.WINNERS))
    expected = 0
    for username in ("winners-chair", "winners-1", "winners-2"):
        boxes = evaluation_queries.inbox(session, user=_user(session, username), cycle=demo.cycle)
        expected += next(b.total for b in boxes if b.committee.id == winners.id)
    assert bars[CommitteeCode.WINNERS].expected == expected
    assert bars[CommitteeCode.WINNERS].submitted == 0


def test_chart_data_is_json_with_persian_labels(app, client, demo, login_as):
    login_as("admin")
    html = client.get("/").get_data(as_text=True)
    match = re.search(r'<script type="application/json" id="dashboard-charts">(.*?)</script>', html, re.S)
    import json

    data = json.loads(match.group(1))
    assert data["persian"] is True
    assert "فارس" in data["provinces"]["labels"]
    assert "در حال ارزیابی" in data["states"]["labels"]


def test_score_distribution_once_results_exist(app, client, session, demo_final, login_as):
    from awards.models import Award, Category

    final = list(session.scalars(select(Category).where(Category.finalised_at.is_not(None))))
    assert final
    panel = _board(app, session, "admin").organizer
    assert [d.category.id for d in panel.distributions] == [
        c.id for c in sorted(final, key=lambda c: (c.position, c.id))]
    for distribution in panel.distributions:
        awards = list(session.scalars(select(Award).where(Award.category_id == distribution.category.id)))
        assert sum(distribution.counts) >= len(awards)
        for award in awards:  # every award's final score falls in a bin that is counted
            assert distribution.counts[min(9, int(award.final_score) // 10)] >= 1
    login_as("admin")
    html = client.get("/").get_data(as_text=True)
    assert 'data-chart="scores"' in html
    assert "پراکندگی امتیاز نهایی: " + panel.distributions[0].category.title in html


def test_score_bins_cover_zero_to_one_hundred():
    from decimal import Decimal

    assert dashboard.score_bins([Decimal("0"), Decimal("9.99"), Decimal("10"), Decimal("100"), Decimal("95")]) == [
        2, 1, 0, 0, 0, 0, 0, 0, 0, 2]


def test_a_user_with_several_roles_sees_each_panel(app, client, session, demo, login_as):
    from awards.models import Membership

    admin = _user(session, "admin")
    content = session.scalar(select(Committee).where(Committee.code == CommitteeCode.PROVINCIAL_AFFAIRS))
    session.add(Membership(cycle_id=demo.cycle.id, committee_id=content.id, user_id=admin.id, is_chair=False))
    session.commit()
    board = _board(app, session, "admin")
    assert board.organizer is not None and board.screening is not None and board.committees
    login_as("admin")
    html = client.get("/").get_data(as_text=True)
    assert "نمای کلی دوره" in html and "صف غربالگری" in html and "برگه‌های امتیاز کمیتهٔ امور استان‌ها" in html


# ------------------------------------------------------------------------------------------------ statements


def _bulk_nominations(session, demo, count: int) -> None:
    """Insert ``count`` nominations in every state, over every province with an officer and every category."""
    provinces = [user.province_id for user in demo.users.values() if user.province_id is not None]
    categories = list(demo.categories.values())
    states = list(NominationState)
    moment = jalali_moment(1404, 2, 5, 9, 0)
    rows = []
    if count <= 0:
        return
    for i in range(count):
        state = states[i % len(states)]
        rows.append({
            "cycle_id": demo.cycle.id, "category_id": categories[i % len(categories)].id,
            "province_id": provinces[i % len(provinces)], "state": state, "nominee_name": f"نامزد انبوه {i}",
            "search_name": f"bulk {i}", "submitted_at": None if state == NominationState.DRAFT else moment,
            "return_reason": "دلیل انبوه" if state == NominationState.DRAFT and i % 2 else None,
            "ineligible_reason": "دلیل" if state == NominationState.INELIGIBLE else None,
        })
    session.execute(insert(Nomination), rows)
    session.commit()


def _statements(client) -> int:
    with count_statements() as statements:
        assert client.get("/").status_code == 200
    return len(statements)


@pytest.mark.parametrize("username", ["admin", "fars", "khorasan", "winners-chair", "winners-1",
                                      "provincial_affairs-1", "oversight-chair", "content-chair"])
def test_statement_count_is_the_same_for_10_and_1000_nominations(client, session, demo, login_as, username):
    login_as(username)
    client.get("/")  # warm up anything loaded once per process
    existing = session.scalar(select(func.count(Nomination.id)))
    session.commit()
    _bulk_nominations(session, demo, max(0, 10 - existing))
    few = _statements(client)
    _bulk_nominations(session, demo, 990)
    assert session.scalar(select(func.count(Nomination.id))) >= 1000
    session.commit()
    assert _statements(client) == few


# ------------------------------------------------------------------------------------------------ reminders


def test_chair_reminds_with_an_audited_event_and_a_notification_each(client, session, demo, login_as):
    login_as("winners-chair")
    before = _audit_count(session)
    token = csrf_token(client, "/")
    response = client.post("/remind/winners", data={"csrf_token": token}, follow_redirects=True)
    assert "یادآوری برای" in response.get_data(as_text=True)
    assert _audit_count(session) == before + 1
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.action == "evaluation.remind"
    assert event.actor_id == _user(session, "winners-chair").id
    assert _user(session, "winners-1").full_name in event.changes["members"]
    assert _user(session, "winners-chair").full_name not in event.changes["members"]
    reminded = set(session.scalars(select(Notification.user_id).where(Notification.kind == "reminder")))
    assert _user(session, "winners-1").id in reminded and _user(session, "winners-chair").id not in reminded


def test_remind_for_one_category_counts_only_its_sheets(client, session, demo, login_as):
    login_as("winners-chair")
    token = csrf_token(client, "/")
    category = demo.categories["cluster"]
    response = client.post("/remind/winners", data={"csrf_token": token, "category": str(category.id)})
    assert response.status_code == 302
    session.expire_all()
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.action == "evaluation.remind" and event.changes["category"] == category.title


@pytest.mark.parametrize("username", ["winners-1", "admin", "fars", "media-chair", "oversight-chair"])
def test_remind_refuses_anyone_but_the_committees_chair(client, session, demo, login_as, username):
    login_as(username)
    before = _audit_count(session)
    token = csrf_token(client, "/")
    assert client.post("/remind/winners", data={"csrf_token": token}).status_code == 403
    assert _audit_count(session) == before


def test_oversight_chair_cannot_remind_a_committee_that_keeps_no_sheets(client, session, demo, login_as):
    login_as("oversight-chair")
    before = _audit_count(session)
    assert client.post("/remind/oversight", data={"csrf_token": csrf_token(client, "/")}).status_code == 403
    assert _audit_count(session) == before


def test_remind_without_csrf_is_refused_and_records_nothing(client, session, demo, login_as):
    login_as("winners-chair")
    before = _audit_count(session)
    assert client.post("/remind/winners").status_code == 400
    assert _audit_count(session) == before


@pytest.mark.parametrize("path, data", [("/remind/nope", {}), ("/remind/winners", {"category": "999999"}),
                                        ("/remind/winners", {"category": "abc"})])
def test_remind_with_bad_input_is_a_404_not_a_500(client, session, demo, login_as, path, data):
    login_as("winners-chair")
    before = _audit_count(session)
    response = client.post(path, data={"csrf_token": csrf_token(client, "/"), **data})
    assert response.status_code == 404
    assert _audit_count(session) == before


def test_remind_requires_sign_in(client, session, demo):
    before = _audit_count(session)
    response = client.post("/remind/winners", data={"csrf_token": csrf_token(client, "/login")})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert _audit_count(session) == before


def test_nothing_to_remind_records_nothing(app, client, session, demo, login_as):
    """When every member has submitted every sheet, the chair is told so and no event is recorded."""
    session.execute(
        ScoreSheet.__table__.delete())
    session.execute(Nomination.__table__.update().where(Nomination.state == NominationState.IN_EVALUATION)
                    .values(state=NominationState.SUBMITTED))
    session.commit()
    login_as("winners-chair")
    before = _audit_count(session)
    response = client.post("/remind/winners", data={"csrf_token": csrf_token(client, "/")}, follow_redirects=True)
    assert "یادآوری لازم نیست" in response.get_data(as_text=True)
    assert _audit_count(session) == before


def test_remind_members_service_flushes_and_names_those_who_owe(app, session, demo):
    winners = session.scalar(select(Committee).where(Committee.code == CommitteeCode.WINNERS))
    chair = _user(session, "winners-chair")
    with app.test_request_context("/"):
        reminded = remind_members(session, committee=winners, actor=chair, cycle=demo.cycle)
    assert {r.user.username for r in reminded} == {"winners-1", "winners-2"}
    assert all(r.missing > 0 for r in reminded)
    session.rollback()



# ------------------------------------------------------------------------------------------------ cached progress


def test_cached_progress_follows_a_submitted_sheet_and_a_proposed_result(app, session, demo):
    """The progress figures are kept per category and process: a change to a category's sheets, or its result
    proposed (nominations leave evaluation without a new results stamp), must show on the next read."""
    _flagged(session, demo)
    user = _user(session, "winners-1")
    before = _board(app, session, "winners-1").committees[0]
    box = evaluation_queries.inbox(session, user=user, cycle=demo.cycle)[0]
    open_row = next(row for row in box.rows if row.sheet is None)
    session.add(ScoreSheet(nomination_id=open_row.nomination.id, committee_id=box.committee.id, member_id=user.id,
                           state=SheetState.SUBMITTED, submitted_at=clock.now()))
    session.commit()
    after = _board(app, session, "winners-1").committees[0]
    assert (after.expected, after.submitted) == (before.expected, before.submitted + 1)
    # Proposing a result shortlists the category's nominations in one bulk statement that leaves the results
    # stamp alone (awards.nominations.services.transition_many) and sets ``proposed_at`` in the same transaction.
    category = session.get(Nomination, open_row.nomination.id).category
    ids = list(session.scalars(select(Nomination.id).where(
        Nomination.category_id == category.id, Nomination.state == NominationState.IN_EVALUATION)))
    session.execute(update(Nomination).where(Nomination.id.in_(ids)).values(state=NominationState.SHORTLISTED)
                    .execution_options(synchronize_session=False, **{RESULTS_UNCHANGED: True}))
    category.proposed_at = clock.now()
    session.commit()
    proposed = _board(app, session, "winners-1").committees
    gone = sum(1 for row in box.rows if row.nomination.id in ids)
    assert gone > 0
    assert sum(p.expected for p in proposed if p.committee.id == box.committee.id) == after.expected - gone
    # The fresh computation agrees with the cached one.
    fresh = {p.committee_id: p for p in dashboard.sheet_progress(session, cycle=demo.cycle, member_id=user.id)}
    for panel in proposed:
        assert panel.expected == (fresh[panel.committee.id].expected if panel.committee.id in fresh else 0)


def test_a_request_that_waited_for_another_computation_reads_its_rows_instead(app, session, demo, monkeypatch):
    """Stale categories are computed under one lock, and looked up again once it is held: a request that found
    them stale while another request was computing them reads what that one stored."""
    dashboard.clear_progress_cache()
    expected = dashboard.cached_sheet_progress(session, cycle=demo.cycle)
    real_known, real_compute = dashboard._known_progress, dashboard._compute_stale
    lookups: list[int] = []
    computed: list[set[int]] = []

    def stale_at_first(keys):  # as if the first look came just before another request stored everything
        lookups.append(1)
        return {} if len(lookups) == 1 else real_known(keys)

    def spy(session_, cycle, keys, known):
        computed.append(set(keys) - set(known))
        return real_compute(session_, cycle, keys, known)

    monkeypatch.setattr(dashboard, "_known_progress", stale_at_first)
    monkeypatch.setattr(dashboard, "_compute_stale", spy)
    assert dashboard.cached_sheet_progress(session, cycle=demo.cycle) == expected
    assert len(lookups) == 2 and computed == [set()]
    assert not dashboard._computing.locked()
