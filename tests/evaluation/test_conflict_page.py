"""The conflicts page at scale: paged, filtered, counted by the database, the same statements at 10 and 1,000
conflicts, and the override returning to the page and filters it was sent from."""

from __future__ import annotations

import re

from sqlalchemy import func, insert, select

from awards import clock
from awards.enums import ConflictSource, NominationState
from awards.models import Conflict, Nomination, Province
from awards.persian import persian_number
from tests.evaluation.factories import post, user
from tests.evaluation.test_lists import _statements
from tests.screening.test_queues import bulk_add

ROW = re.compile(r"<tr>\s*<td>([^<]+)<div[^>]*>[^<]*</div></td>\s*<td>([^<]+)<div")


def _bulk_ids(session, start: int, stop: int) -> list[int]:
    """The ids of «شرکت انبوه start» .. «شرکت انبوه stop-1», in that order."""
    by_number = {int(name.rsplit(" ", 1)[1]): id_ for id_, name in session.execute(
        select(Nomination.id, Nomination.nominee_name).where(Nomination.nominee_name.like("شرکت انبوه %")))}
    session.commit()
    return [by_number[n] for n in range(start, stop)]


def _flag(session, ids: list[int], username: str, source: ConflictSource = ConflictSource.SAME_ORGANISATION,
          *, overridden: bool = False) -> None:
    """Insert conflicts of the member with these nominations in one statement (a data factory)."""
    member, now = user(session, username), clock.now()
    session.execute(insert(Conflict), [
        {"nomination_id": nomination_id, "user_id": member.id, "source": source, "reason": "آزمایشی",
         "created_at": now, "overridden_at": now if overridden else None,
         "override_reason": "بررسی شد" if overridden else None}
        for nomination_id in ids])
    session.commit()


def _rows(html: str) -> list[tuple[str, str]]:
    """(member, nominee) of every row of the page, in order."""
    return [(member.strip(), nominee.strip()) for member, nominee in ROW.findall(html)]


def _nominees(client, **query) -> set[str]:
    response = client.get("/evaluation/conflicts", query_string={"q": "انبوه", **query})
    assert response.status_code == 200
    return {nominee for _member, nominee in _rows(response.get_data(as_text=True))}


def _names(start: int, stop: int) -> set[str]:
    return {f"شرکت انبوه {n}" for n in range(start, stop)}


def test_conflicts_page_keeps_its_statements_at_10_and_1000_conflicts(client, session, demo, login_as):
    login_as("admin")
    filtered = "/evaluation/conflicts?q=انبوه&state=open&committee=winners&source=same_organisation"
    bulk_add(session, demo, 10, state=NominationState.IN_EVALUATION)
    _flag(session, _bulk_ids(session, 0, 10), "winners-1")
    few, few_filtered = _statements(client, "/evaluation/conflicts"), _statements(client, filtered)
    bulk_add(session, demo, 990, state=NominationState.IN_EVALUATION, start=10)
    _flag(session, _bulk_ids(session, 10, 1000), "winners-1")
    assert _statements(client, "/evaluation/conflicts") == few
    assert _statements(client, filtered) == few_filtered
    html = client.get("/evaluation/conflicts").get_data(as_text=True)
    assert len(re.findall(r'name="conflict_id"', html)) == 25 and len(_rows(html)) == 25
    assert len(html.encode()) < 100_000  # 1,000 conflicts, one page of them
    assert 'href="/evaluation/conflicts?page=2"' in html and 'href="/evaluation/conflicts?page=40"' in html
    second = client.get(filtered + "&page=2").get_data(as_text=True)
    assert f"۲۶ تا ۵۰ از {persian_number(1000)} تعارض" in second
    assert "state=open" in second and "page=3" in second
    assert set(_rows(second)).isdisjoint(_rows(client.get(filtered).get_data(as_text=True)))


def test_conflicts_page_counts_the_cycle_in_sql_whatever_the_filters(client, session, demo, login_as):
    bulk_add(session, demo, 9, state=NominationState.IN_EVALUATION)
    ids = _bulk_ids(session, 0, 9)
    _flag(session, ids[:4], "winners-1")
    _flag(session, ids[4:6], "media-1", ConflictSource.DECLARED)
    _flag(session, ids[6:9], "winners-2", overridden=True)
    open_flags = session.scalar(select(func.count(Conflict.id)).where(
        Conflict.overridden_at.is_(None), Conflict.source != ConflictSource.DECLARED))
    total = session.scalar(select(func.count(Conflict.id)))
    session.commit()
    login_as("admin")
    for query in ({}, {"q": "انبوه", "state": "overridden"}):
        html = client.get("/evaluation/conflicts", query_string=query).get_data(as_text=True)
        assert f"{persian_number(total)} تعارض در این دوره" in html
        assert f"{persian_number(open_flags)} پرچم خودکار فعال" in html


def test_conflicts_page_filters_by_state_source_member_committee_province_and_category(client, session, demo,
                                                                                         login_as):
    bulk_add(session, demo, 6, state=NominationState.IN_EVALUATION, iso="IR-07")
    bulk_add(session, demo, 4, state=NominationState.IN_EVALUATION, start=6, iso="IR-01")
    ids = _bulk_ids(session, 0, 10)
    _flag(session, ids[0:3], "winners-1")  # open flags
    _flag(session, ids[3:5], "media-1", ConflictSource.DECLARED)
    _flag(session, ids[5:7], "winners-2", ConflictSource.SAME_PROVINCE, overridden=True)
    _flag(session, ids[7:10], "media-2", ConflictSource.SAME_PROVINCE)  # open flags, in Azarbaijan
    fars, azarbaijan = (session.scalar(select(Province.id).where(Province.iso_code == iso))
                        for iso in ("IR-07", "IR-01"))
    session.commit()
    login_as("admin")
    assert _nominees(client) == _names(0, 10)
    assert _nominees(client, state="open") == _names(0, 3) | _names(7, 10)
    assert _nominees(client, state="active") == _names(0, 5) | _names(7, 10)
    assert _nominees(client, state="overridden") == _names(5, 7)
    assert _nominees(client, source="declared") == _names(3, 5)
    assert _nominees(client, source="same_province", state="open") == _names(7, 10)
    assert _nominees(client, member=user(session, "winners-2").id) == _names(5, 7)
    assert _nominees(client, committee="media") == _names(3, 5) | _names(7, 10)
    assert _nominees(client, province=azarbaijan) == _names(6, 10)
    assert _nominees(client, province=fars, committee="winners") == _names(0, 3) | _names(5, 6)
    assert _nominees(client, category=demo.categories["industry"].id, q="انبوه 4") == _names(4, 5)
    other = next(c.id for key, c in demo.categories.items() if key != "industry")
    assert _nominees(client, category=other) == set()
    nothing = client.get("/evaluation/conflicts", query_string={"q": "هیچ‌چیز"}).get_data(as_text=True)
    assert "تعارضی با این پالایش پیدا نشد." in nothing


def test_conflicts_page_puts_the_flags_to_decide_first(client, session, demo, login_as):
    bulk_add(session, demo, 3, state=NominationState.IN_EVALUATION)
    ids = _bulk_ids(session, 0, 3)
    _flag(session, ids[:1], "winners-2", overridden=True)
    _flag(session, ids[1:2], "media-1", ConflictSource.DECLARED)
    _flag(session, ids[2:], "winners-1")
    login_as("admin")
    rows = _rows(client.get("/evaluation/conflicts?q=انبوه").get_data(as_text=True))
    assert [nominee for _member, nominee in rows] == ["شرکت انبوه 2", "شرکت انبوه 1", "شرکت انبوه 0"]


def test_conflicts_page_ignores_unknown_filter_values(client, session, demo, login_as):
    login_as("admin")
    plain = client.get("/evaluation/conflicts").get_data(as_text=True)
    odd = client.get("/evaluation/conflicts?state=evil&source=nope&committee=x&member=abc&province=-&page=zz")
    assert odd.status_code == 200
    assert _rows(odd.get_data(as_text=True)) == _rows(plain)


def _flags(session, ids: list[int]) -> dict[int, tuple]:
    session.commit()  # end any read transaction: its snapshot would hide the requests' writes
    session.expire_all()
    found = {c.nomination_id: (c.overridden_at is not None, c.override_reason, c.overridden_by_id)
             for c in session.scalars(select(Conflict).where(Conflict.nomination_id.in_(ids)))}
    session.commit()
    return found


def test_override_returns_to_the_same_page_and_filters(client, session, demo, login_as):
    bulk_add(session, demo, 30, state=NominationState.IN_EVALUATION)
    ids = _bulk_ids(session, 0, 30)
    _flag(session, ids, "winners-1")
    flag = session.scalar(select(Conflict).where(Conflict.nomination_id == ids[27]))
    session.commit()
    login_as("admin")
    here = "/evaluation/conflicts?q=انبوه&state=open&committee=winners&page=2"
    html = client.get(here).get_data(as_text=True)
    assert f'name="conflict_id" value="{flag.id}"' in html
    assert 'action="/evaluation/conflicts?' in html and "page=2" in html.split('name="conflict_id"')[0]
    response = post(client, here, {"conflict_id": flag.id, "reason": "سازمان همنام است."})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/evaluation/conflicts?")
    assert all(part in location for part in ("state=open", "committee=winners", "page=2", "q="))
    assert _flags(session, [ids[27]])[ids[27]] == (True, "سازمان همنام است.", demo.users["admin"].id)


def test_a_refused_override_changes_nothing_and_shows_the_filtered_page(client, session, demo, login_as):
    bulk_add(session, demo, 30, state=NominationState.IN_EVALUATION)
    ids = _bulk_ids(session, 0, 30)
    _flag(session, ids[:29], "winners-1")
    _flag(session, ids[29:], "media-1", ConflictSource.DECLARED)
    before = _flags(session, ids)
    flag, declared = (session.scalar(select(Conflict.id).where(Conflict.nomination_id == ids[i])) for i in (27, 29))
    session.commit()
    login_as("admin")
    here = "/evaluation/conflicts?q=انبوه&page=2"
    for reason, message in (("", "دلیل را بنویسید."), ("  ", "دلیل نادیده‌گرفتن پرچم را بنویسید.")):
        empty = post(client, here, {"conflict_id": flag, "reason": reason})
        assert empty.status_code == 200
        html = empty.get_data(as_text=True)
        assert f'<div id="override-{flag}-error" class="invalid-feedback d-block">{message}</div>' in html
        assert "۲۶ تا ۳۰ از" in html  # the same page of the same filters
    refused = post(client, here, {"conflict_id": declared, "reason": "بی‌اثر"}, follow=True)
    assert "لغوشدنی نیست" in refused.get_data(as_text=True)
    assert post(client, here, {"conflict_id": 999_999, "reason": "بی‌اثر"}).status_code == 404
    assert post(client, here, {"conflict_id": "abc", "reason": "بی‌اثر"}).status_code == 404
    assert _flags(session, ids) == before
