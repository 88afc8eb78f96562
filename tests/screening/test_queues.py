"""The queues at scale: pages, search, filters, order, bulk decisions, statement counts and page size."""

from __future__ import annotations

import re

from sqlalchemy import func, insert, select

from awards.demo import jalali_moment
from awards.enums import NominationState, ScreeningOutcome
from awards.models import AuditEvent, ComplianceDecision, Nomination, Province, ScreeningDecision
from awards.persian import normalize_search
from tests.conftest import csrf_token
from tests.screening.conftest import add_nomination, count_statements, nomination_named
from tests.screening.conftest import read as _read

PHARMA = "شرکت داروسازی زاگرس‌فارمد"  # Tehran, submitted
IRON = "شرکت معدنی سنگ آهن بافق"  # Yazd, submitted
ELECTRONICS = "شرکت صنایع الکترونیک پارس شیراز"  # Fars, in evaluation, no compliance decision
STEEL = "شرکت فولاد سپاهان نوین"  # Isfahan, in evaluation, compliance passed
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ROW = re.compile(r'<tr id="nomination-(\d+)" class="queue-row">')


def bulk_add(session, demo, count: int, *, state=NominationState.SUBMITTED, start: int = 0,
             iso: str = "IR-07") -> None:
    """Insert ``count`` dossiers in one statement (a data factory: no quota or phase checks)."""
    province_id = session.scalar(select(Province.id).where(Province.iso_code == iso))
    session.execute(insert(Nomination), [
        {"cycle_id": demo.cycle.id, "category_id": demo.categories["industry"].id, "province_id": province_id,
         "state": state, "nominee_name": f"شرکت انبوه {i}", "search_name": f"شرکت انبوه {i}",
         "submitted_at": jalali_moment(1404, 2, 1 + i % 28, 9, i % 60)}
        for i in range(start, start + count)
    ])
    session.commit()


def read(session, statement):
    session.rollback()  # leave any snapshot the test's session still holds: see what the requests committed
    return _read(session, statement)


def _ids(html: str) -> list[int]:
    return [int(n) for n in ROW.findall(html)]


def _post(client, url, ids, *, token_page="/screening/"):
    return client.post(url, data={"csrf_token": csrf_token(client, token_page), "ids": [str(i) for i in ids]})


def _statements(client, path: str) -> int:
    with count_statements() as statements:
        assert client.get(path).status_code == 200
    return len(statements)


# --- pages ----------------------------------------------------------------------------------------------------

def test_screening_queue_pages_by_25_and_keeps_filters_in_links(client, demo, session, login_as):
    bulk_add(session, demo, 40)
    fars = session.scalar(select(Province.id).where(Province.iso_code == "IR-07"))
    session.commit()
    login_as("provincial_affairs-1")
    first = client.get(f"/screening/?province={fars}&sort=name&q=انبوه").get_data(as_text=True)
    assert len(_ids(first)) == 25
    assert "۱ تا ۲۵ از ۴۰ پرونده" in first
    assert f'href="/screening/?province={fars}&amp;sort=name&amp;q=%D8' in first.replace("page=2&amp;", "")
    second = client.get(f"/screening/?province={fars}&sort=name&q=انبوه&page=2").get_data(as_text=True)
    assert len(_ids(second)) == 15
    assert not set(_ids(first)) & set(_ids(second))
    assert len(_ids(client.get("/screening/?page=999").get_data(as_text=True))) > 0  # clamped to the last page


def test_compliance_queue_pages_by_25(client, demo, session, login_as):
    bulk_add(session, demo, 30, state=NominationState.IN_EVALUATION)
    login_as("oversight-1")
    html = client.get("/screening/compliance?status=pending").get_data(as_text=True)
    assert len(_ids(html)) == 25
    pending = read(session, select(func.count()).select_from(Nomination).where(
        Nomination.state == NominationState.IN_EVALUATION,
        ~Nomination.id.in_(select(ComplianceDecision.nomination_id))))
    assert f"{pending} پرونده؛ {pending} در انتظار بررسی.".translate(PERSIAN) in html


def test_compliance_pages_put_every_undecided_row_first_in_each_order_across_page_boundaries(demo, session):
    """The page is cut from the undecided rows, then the decided ones, each in the chosen order: every page, the
    one that straddles the two parts included, matches one sort of the whole queue."""
    from awards.queues import QueueFilters  # the queue's filters, only this test builds them by hand
    from awards.screening import queries

    bulk_add(session, demo, 13, state=NominationState.IN_EVALUATION)
    officer = session.scalar(select(Nomination.created_by_id).where(Nomination.created_by_id.is_not(None)))
    decided = session.scalars(select(Nomination.id).where(Nomination.nominee_name.like("شرکت انبوه%"))
                              .order_by(Nomination.id.desc()).limit(6)).all()
    session.execute(insert(ComplianceDecision), [
        {"nomination_id": nomination_id, "outcome": "passed" if i % 2 else "failed", "reason": "مدارک ناقص",
         "decided_by_id": officer} for i, nomination_id in enumerate(decided)])
    session.commit()
    for sort in queries.SORTS:
        # The whole queue in one sort: undecided first, then the chosen order.
        expected = list(session.scalars(queries._ordered(
            queries._compliance_base(demo.cycle, QueueFilters(sort=sort), Nomination.id)
            .order_by(ComplianceDecision.id.is_not(None)), sort)))
        whole = queries.compliance_queue(session, cycle=demo.cycle, filters=QueueFilters(sort=sort), page_size=1000)
        assert [row.nomination.id for row in whole.items] == expected
        paged = []
        for number in range(1, 1 + -(-whole.total // 4)):
            page = queries.compliance_queue(session, cycle=demo.cycle, filters=QueueFilters(sort=sort), page=number,
                                            page_size=4)
            assert (page.total, page.pending) == (whole.total, whole.pending)
            paged += [row.nomination.id for row in page.items]
        assert paged == expected, sort


# --- search, filters, order -----------------------------------------------------------------------------------

def test_screening_search_tolerates_arabic_yeh_and_kaf_and_latin_digits(client, demo, session, login_as):
    kimia = add_nomination(session, demo, name="شرکت کیمیاگران یکتا ۲۴")
    kimia.search_name = normalize_search(kimia.nominee_name)
    kimia.legal_id = "99887766554"
    session.commit()
    login_as("provincial_affairs-1")
    for needle in ("كيمياگران يكتا", "کیمیاگران", "يكتا 24", "۸۷۷۶۶"):
        html = client.get("/screening/", query_string={"q": needle}).get_data(as_text=True)
        assert _ids(html) == [kimia.id], needle
    assert _ids(client.get("/screening/", query_string={"q": "ناموجود"}).get_data(as_text=True)) == []


def test_compliance_search_and_province_filter(client, demo, session, login_as):
    electronics, steel = nomination_named(session, ELECTRONICS), nomination_named(session, STEEL)
    login_as("oversight-1")
    html = client.get("/screening/compliance", query_string={"q": "الكترونيك"}).get_data(as_text=True)
    assert electronics.id in _ids(html) and steel.id not in _ids(html)
    html = client.get(f"/screening/compliance?province={steel.province_id}").get_data(as_text=True)
    assert steel.id in _ids(html) and electronics.id not in _ids(html)


def test_screening_queue_sorts(client, demo, session, login_as):
    early = add_nomination(session, demo, name="ب نامزد زودتر", day=2)
    late = add_nomination(session, demo, name="آ نامزد دیرتر", day=20)
    for n in (early, late):
        n.search_name = normalize_search(n.nominee_name)
    session.commit()
    login_as("provincial_affairs-1")

    def order(sort):
        ids = _ids(client.get(f"/screening/?sort={sort}").get_data(as_text=True))
        return ids.index(early.id) < ids.index(late.id)

    assert order("oldest") and not order("newest") and not order("name")
    assert client.get("/screening/?sort=nonsense&page=x&province=y").status_code == 200  # bad input: defaults


# --- bulk accept ------------------------------------------------------------------------------------------------

def test_bulk_accept_accepts_each_with_its_own_decision_and_audit_event(client, demo, session, login_as):
    pharma, iron = nomination_named(session, PHARMA), nomination_named(session, IRON)
    login_as("provincial_affairs-1")
    response = _post(client, "/screening/bulk-accept?sort=name", [pharma.id, iron.id])
    assert response.status_code == 302 and response.location.endswith("/screening/?sort=name")
    for n in (pharma, iron):
        assert read(session, select(Nomination.state).where(Nomination.id == n.id)) == NominationState.IN_EVALUATION
        assert read(session, select(func.count()).select_from(ScreeningDecision).where(
            ScreeningDecision.nomination_id == n.id, ScreeningDecision.outcome == ScreeningOutcome.ACCEPTED)) == 1
        assert read(session, select(func.count()).select_from(AuditEvent).where(
            AuditEvent.nomination_id == n.id, AuditEvent.action == "nomination.accept")) == 1
    assert "۲ پرونده پذیرفته شد" in client.get("/screening/").get_data(as_text=True)


def test_bulk_accept_refuses_an_item_no_longer_submitted_and_accepts_the_others(client, demo, session, login_as):
    pharma, iron, electronics = (nomination_named(session, name) for name in (PHARMA, IRON, ELECTRONICS))
    login_as("provincial_affairs-1")
    audit_before = read(session, select(func.count()).select_from(AuditEvent))
    response = _post(client, "/screening/bulk-accept", [pharma.id, electronics.id, iron.id])
    assert response.status_code == 302
    html = client.get("/screening/").get_data(as_text=True)
    assert f"«{ELECTRONICS}»: این کار در وضعیت کنونی پرونده ممکن نیست." in html
    assert "۲ پرونده پذیرفته شد" in html
    for n in (pharma, iron, electronics):  # the refused one stays as it was: nothing changed for it
        assert read(session, select(Nomination.state).where(Nomination.id == n.id)) == NominationState.IN_EVALUATION
    assert read(session, select(func.count()).select_from(ScreeningDecision)
                .where(ScreeningDecision.nomination_id == electronics.id)) == 1  # its own earlier accept only
    assert read(session, select(func.count()).select_from(AuditEvent)) == audit_before + 2


def test_bulk_accept_refusals(client, demo, session, login_as):
    pharma = nomination_named(session, PHARMA)
    login_as("fars")
    assert _post(client, "/screening/bulk-accept", [pharma.id], token_page="/").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as("provincial_affairs-1")
    no_csrf = client.post("/screening/bulk-accept", data={"ids": [str(pharma.id)]})
    assert no_csrf.status_code == 400
    assert _post(client, "/screening/bulk-accept", []).status_code == 302
    assert _post(client, "/screening/bulk-accept", [999999]).status_code == 302
    assert "پرونده ۹۹۹۹۹۹ یافت نشد." in client.get("/screening/").get_data(as_text=True)
    assert read(session, select(Nomination.state).where(Nomination.id == pharma.id)) == NominationState.SUBMITTED


def test_bulk_pass_records_each_and_refuses_the_decided(client, demo, session, login_as):
    electronics, steel = nomination_named(session, ELECTRONICS), nomination_named(session, STEEL)
    login_as("oversight-1")
    response = _post(client, "/screening/compliance/bulk-pass", [electronics.id, steel.id],
                     token_page="/screening/compliance")
    assert response.status_code == 302
    html = client.get("/screening/compliance").get_data(as_text=True)
    assert "پیش‌تر تصمیم انطباق ثبت شده است" in html and "انطباق ۱ پرونده تأیید شد." in html
    assert read(session, select(func.count()).select_from(ComplianceDecision)
                .where(ComplianceDecision.nomination_id == electronics.id)) == 1
    assert read(session, select(func.count()).select_from(AuditEvent).where(
        AuditEvent.nomination_id == electronics.id, AuditEvent.action == "nomination.pass_compliance")) == 1
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as("provincial_affairs-1")
    assert _post(client, "/screening/compliance/bulk-pass", [electronics.id]).status_code == 403


# --- scale: statements and page size ------------------------------------------------------------------------------

def test_queues_and_bulk_accept_issue_the_same_statements_at_10_and_1000(client, demo, session, login_as):
    login_as("provincial_affairs-1")
    client.get("/screening/")  # warm up anything loaded once per process
    bulk_add(session, demo, 10)
    few_queue = _statements(client, "/screening/")
    bulk = "/screening/?q=انبوه&sort=name"  # accept two of the bulk rows each time: alike, so comparable
    token = csrf_token(client, bulk)
    few_ids = _ids(client.get(bulk).get_data(as_text=True))[:2]
    with count_statements() as few_bulk:
        assert client.post("/screening/bulk-accept", data={"csrf_token": token, "ids": few_ids}).status_code == 302
    client.get("/screening/")  # show the flash
    bulk_add(session, demo, 990, start=10)
    many_queue = _statements(client, "/screening/")
    many_ids = _ids(client.get(bulk).get_data(as_text=True))[:2]
    with count_statements() as many_bulk:
        assert client.post("/screening/bulk-accept", data={"csrf_token": token, "ids": many_ids}).status_code == 302
    assert many_queue == few_queue
    assert len(many_bulk) == len(few_bulk)
    assert read(session, select(func.count()).select_from(Nomination).where(
        Nomination.id.in_(few_ids + many_ids), Nomination.state == NominationState.IN_EVALUATION)) == 4


def test_compliance_queue_statements_equal_at_10_and_1000_and_html_stays_small(client, demo, session, login_as):
    login_as("oversight-1")
    client.get("/screening/compliance")
    bulk_add(session, demo, 10, state=NominationState.IN_EVALUATION)
    few = _statements(client, "/screening/compliance")
    bulk_add(session, demo, 990, state=NominationState.IN_EVALUATION, start=10)
    many = _statements(client, "/screening/compliance")
    assert many == few
    html = client.get("/screening/compliance").get_data(as_text=True)
    assert len(_ids(html)) == 25
    assert len(html.encode()) < 200_000
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as("provincial_affairs-1")
    bulk_add(session, demo, 1000, start=1000)
    html = client.get("/screening/").get_data(as_text=True)
    assert len(_ids(html)) == 25
    assert len(html.encode()) < 200_000
