"""The evaluation inbox, the citations list and the assignment page at scale: paged, same statements at 10 and
1,000 nominations, HTML bounded."""

from __future__ import annotations

import re

from sqlalchemy import select

from awards.db import utcnow
from awards.enums import CommitteeCode, NominationState, SheetState
from awards.models import Committee, Nomination, Province, ScoreSheet, User
from tests.screening.conftest import count_statements
from tests.screening.test_queues import bulk_add


def _statements(client, path: str) -> int:
    client.get(path)  # the first load may add conflict flags for the new nominations: not what is measured
    with count_statements() as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_inbox_pages_each_committee_with_the_same_statements_at_10_and_1000(client, session, demo, login_as):
    login_as("winners-1")
    bulk_add(session, demo, 10, state=NominationState.IN_EVALUATION)
    few = _statements(client, "/evaluation/")
    bulk_add(session, demo, 990, state=NominationState.IN_EVALUATION, start=10)
    many = _statements(client, "/evaluation/")
    assert many == few
    html = client.get("/evaluation/").get_data(as_text=True)
    assert len(re.findall(r'href="/evaluation/\d+/winners"', html)) == 25
    assert "page_winners=2" in html
    assert len(html.encode()) < 200_000
    second = client.get("/evaluation/?page_winners=2").get_data(as_text=True)
    assert "۲۶ تا ۵۰ از" in second


def test_citations_list_pages_searches_and_keeps_statements(client, session, demo, login_as):
    login_as("content-1")
    bulk_add(session, demo, 10, state=NominationState.IN_EVALUATION)
    few = _statements(client, "/evaluation/citations")
    bulk_add(session, demo, 990, state=NominationState.IN_EVALUATION, start=10)
    assert _statements(client, "/evaluation/citations") == few
    html = client.get("/evaluation/citations").get_data(as_text=True)
    assert len(re.findall(r'href="/evaluation/citations/\d+"', html)) == 25
    assert len(html.encode()) < 200_000
    found = client.get("/evaluation/citations", query_string={"q": "شركت انبوه 512"}).get_data(as_text=True)
    assert "شرکت انبوه 512<" in found and "شرکت انبوه 513<" not in found
    kept = client.get("/evaluation/citations?q=انبوه&state=in_evaluation").get_data(as_text=True)
    assert "state=in_evaluation" in kept and "page=2" in kept


def test_assignment_page_pages_the_nominees(client, session, demo, login_as):
    login_as("admin")
    category = demo.categories["industry"].id
    bulk_add(session, demo, 10, state=NominationState.IN_EVALUATION)
    few = _statements(client, f"/evaluation/assignments/{category}")
    bulk_add(session, demo, 990, state=NominationState.IN_EVALUATION, start=10)
    assert _statements(client, f"/evaluation/assignments/{category}") == few
    html = client.get(f"/evaluation/assignments/{category}").get_data(as_text=True)
    assert f"/evaluation/assignments/{category}?committee=winners&amp;page=2" in html
    assert len(html.encode()) < 200_000


# --- inbox search, filters and order ----------------------------------------------------------------------------

def _winners_rows(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/evaluation/(\d+)/winners"', html)]


def _names(session, ids: list[int]) -> dict[int, str]:
    return dict(session.execute(select(Nomination.id, Nomination.nominee_name).where(Nomination.id.in_(ids))).all())


def _sheet(session, demo, *, nomination_id: int, username: str, state: SheetState) -> None:
    committee = session.scalar(select(Committee).where(Committee.code == CommitteeCode.WINNERS))
    member = session.scalar(select(User).where(User.username == username))
    session.add(ScoreSheet(nomination_id=nomination_id, committee_id=committee.id, member_id=member.id, state=state,
                           submitted_at=utcnow() if state == SheetState.SUBMITTED else None))
    session.commit()


def _bulk_ids(session, start: int, stop: int) -> dict[int, int]:
    return {int(name.rsplit(" ", 1)[1]): id_ for id_, name in session.execute(
        select(Nomination.id, Nomination.nominee_name).where(Nomination.nominee_name.like("شرکت انبوه %"))).all()
        if start <= int(name.rsplit(" ", 1)[1]) < stop}


def test_inbox_search_tolerates_arabic_letters_and_keeps_the_progress_total(client, session, demo, login_as):
    bulk_add(session, demo, 60, state=NominationState.IN_EVALUATION)
    login_as("winners-1")
    whole = client.get("/evaluation/").get_data(as_text=True)
    progress = re.findall(r'<span class="small text-nowrap">([^<]+)</span>', whole)
    assert progress and progress[0].endswith("۶۶")  # the demo's 6 and these 60
    found = client.get("/evaluation/", query_string={"q": "شركت انبوه ٤٢"}).get_data(as_text=True)
    rows = _winners_rows(found)
    assert list(_names(session, rows).values()) == ["شرکت انبوه 42"]
    assert "۱ پرونده از" in found  # how many the filters keep, beside the unchanged progress bar
    assert re.findall(r'<span class="small text-nowrap">([^<]+)</span>', found) == progress  # the whole inbox
    nothing = client.get("/evaluation/", query_string={"q": "هیچ‌چیز"}).get_data(as_text=True)
    assert _winners_rows(nothing) == [] and "پرونده‌ای با این پالایش پیدا نشد." in nothing


def test_inbox_filters_by_province_category_and_own_sheet(client, session, demo, login_as):
    bulk_add(session, demo, 6, state=NominationState.IN_EVALUATION, iso="IR-07")
    bulk_add(session, demo, 4, state=NominationState.IN_EVALUATION, start=6, iso="IR-01")
    ids = _bulk_ids(session, 0, 10)
    _sheet(session, demo, nomination_id=ids[1], username="winners-1", state=SheetState.DRAFT)
    _sheet(session, demo, nomination_id=ids[2], username="winners-1", state=SheetState.SUBMITTED)
    _sheet(session, demo, nomination_id=ids[3], username="winners-2", state=SheetState.SUBMITTED)  # not hers
    fars, azarbaijan = (session.scalar(select(Province.id).where(Province.iso_code == iso))
                        for iso in ("IR-07", "IR-01"))
    industry = demo.categories["industry"].id
    login_as("winners-1")

    def shown(**query) -> set[int]:
        response = client.get("/evaluation/", query_string={"q": "انبوه", **query})
        assert response.status_code == 200
        return set(_winners_rows(response.get_data(as_text=True)))

    assert shown(province=azarbaijan) == {ids[i] for i in range(6, 10)}
    assert shown(province=fars, category=industry) == {ids[i] for i in range(6)}
    assert shown(sheet="draft") == {ids[1]}
    assert shown(sheet="submitted") == {ids[2]}
    assert shown(sheet="todo") == set(ids.values()) - {ids[1], ids[2]}
    other = next(c.id for key, c in demo.categories.items() if key != "industry")
    assert shown(category=other) == set()


def test_inbox_sorts_and_keeps_filters_in_page_links(client, session, demo, login_as):
    bulk_add(session, demo, 40, state=NominationState.IN_EVALUATION)
    login_as("winners-1")
    html = client.get("/evaluation/", query_string={"q": "انبوه", "sort": "name"}).get_data(as_text=True)
    names = list(_names(session, _winners_rows(html)).items())
    order = [name for _id, name in sorted(names, key=lambda pair: _winners_rows(html).index(pair[0]))]
    assert order == sorted(order)
    assert "sort=name" in html and "page_winners=2" in html and "q=" in html
    second = client.get("/evaluation/", query_string={"q": "انبوه", "sort": "name", "page_winners": 2})
    assert set(_winners_rows(second.get_data(as_text=True))).isdisjoint(_winners_rows(html))


def test_inbox_ignores_unknown_filter_values(client, session, demo, login_as):
    login_as("winners-1")
    plain = client.get("/evaluation/").get_data(as_text=True)
    odd = client.get("/evaluation/?sort=evil&sheet=nope&province=abc&category=-1&page_winners=x")
    assert odd.status_code == 200
    assert _winners_rows(client.get("/evaluation/?sort=evil&sheet=nope").get_data(as_text=True)) == _winners_rows(plain)


def test_filtered_inbox_keeps_its_statements_at_10_and_1000(client, session, demo, login_as):
    login_as("winners-1")
    path = "/evaluation/?q=انبوه&sheet=todo&sort=province"
    bulk_add(session, demo, 10, state=NominationState.IN_EVALUATION)
    few = _statements(client, path)
    bulk_add(session, demo, 990, state=NominationState.IN_EVALUATION, start=10)
    assert _statements(client, path) == few
