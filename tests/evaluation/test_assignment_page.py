"""The assignment page at scale: one committee's board at a time with its counts from the database, paged and
filtered, the same statements at 10 and 1,000 nominations, and every action returning to the page it came from."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import delete, func, select

from awards import clock
from awards.enums import ConflictSource, NominationState
from awards.evaluation import services
from awards.models import Assignment, Conflict, Nomination, Province
from awards.persian import persian_number
from tests.evaluation.factories import committee, make_nominations, post, user
from tests.evaluation.test_lists import _statements
from tests.screening.test_queues import bulk_add

NAME = "پروندهٔ واگذاری"
ROW = re.compile(r"<tr>\s*<td>([^<]+?) <span")


def _url(category_id: int, **query) -> str:
    return f"/evaluation/assignments/{category_id}" + ("?" + "&".join(f"{k}={v}" for k, v in query.items())
                                                        if query else "")


def _rows(html: str) -> list[str]:
    return [name.strip() for name in ROW.findall(html)]


def _query(location: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(location).query)


def _assignments(session) -> set[tuple[int, int, int]]:
    session.commit()  # end any read transaction: its snapshot would hide the requests' writes
    session.expire_all()
    found = set(session.execute(select(Assignment.nomination_id, Assignment.committee_id, Assignment.member_id)))
    session.commit()
    return {tuple(row) for row in found}


def _mining_board(session, demo, *, count: int = 6, province=None):
    """``count`` nominations in mining, media balanced at k=2, then the first left without a reviewer and the
    second with one: the page must count one unassigned and two short of k."""
    made = make_nominations(session, demo, "mining", count, name=NAME, province=province)
    media = committee(session, "media")
    services.assign_balanced(session, category=demo.categories["mining"], committee=media, k=2,
                             actor=demo.users["admin"])
    session.execute(delete(Assignment).where(Assignment.nomination_id == made[0].id,
                                             Assignment.committee_id == media.id))
    second = session.scalars(select(Assignment).where(Assignment.nomination_id == made[1].id,
                                                      Assignment.committee_id == media.id)).first()
    session.delete(second)
    session.commit()
    return made, media


# --------------------------------------------------------------------------------------------- scale


def test_assignment_page_keeps_its_statements_at_10_and_1000_nominations(client, session, demo, login_as):
    category = demo.categories["industry"].id
    media, fars = committee(session, "media"), session.scalar(select(Province.id).where(Province.iso_code == "IR-07"))
    session.commit()
    login_as("admin")
    filtered = _url(category, committee="media", state="short", province=fars, q="انبوه",
                    member=user(session, "media-1").id)
    bulk_add(session, demo, 10, state=NominationState.IN_EVALUATION)
    services.assign_balanced(session, category=demo.categories["industry"], committee=media, k=2,
                             actor=demo.users["admin"])
    session.commit()
    few, few_filtered = _statements(client, _url(category)), _statements(client, filtered)
    bulk_add(session, demo, 990, state=NominationState.IN_EVALUATION, start=10)
    assert _statements(client, _url(category)) == few
    assert _statements(client, filtered) == few_filtered
    html = client.get(_url(category, committee="media")).get_data(as_text=True)
    assert len(_rows(html)) == 25
    assert len(html.encode()) < 150_000  # was one board per committee, each a page of 25 rows
    assert html.count('name="action" value="remove"') == 1  # one shared form removes any reviewer of the page
    assert f"/evaluation/assignments/{category}?committee=media&amp;page=2" in html


# --------------------------------------------------------------------------------------------- one committee


def test_the_page_shows_one_committee_at_a_time_with_tabs(client, session, demo, login_as):
    category = demo.categories["mining"].id
    login_as("admin")
    first = client.get(_url(category)).get_data(as_text=True)
    assert 'id="board-winners"' in first and 'id="board-media"' not in first
    assert re.search(r'class="nav-link active" aria-current="page"\s+href="[^"]*committee=winners"', first)
    for code in ("media", "finance", "content", "provincial_affairs"):
        assert f'href="/evaluation/assignments/{category}?committee={code}"' in first
    media = client.get(_url(category, committee="media")).get_data(as_text=True)
    assert 'id="board-media"' in media and 'id="board-winners"' not in media
    assert 'name="committee" value="media"' in media  # the filter form keeps the committee
    for odd in ("oversight", "nope"):  # no criteria in the category, or no such committee: the first one
        assert 'id="board-winners"' in client.get(_url(category, committee=odd)).get_data(as_text=True)


def test_counts_come_from_the_database_over_the_whole_category(client, session, demo, login_as):
    _mining_board(session, demo)
    category = demo.categories["mining"].id
    login_as("admin")
    html = client.get(_url(category, committee="media")).get_data(as_text=True)
    in_evaluation = session.scalar(select(func.count(Nomination.id)).where(
        Nomination.category_id == category, Nomination.state == NominationState.IN_EVALUATION))
    session.commit()
    assert f"{persian_number(in_evaluation)} نامزد در حال ارزیابی" in html
    assert "۱ بی‌داور" in html and "۲ کمتر از ۲ داور" in html
    assert re.search(r'committee=media">رسانه\s*<span class="badge text-bg-warning"[^>]*>۲</span>', html)
    # The same counts on a filtered page: they describe the category, not the rows shown.
    narrowed = client.get(_url(category, committee="media", q="هیچ‌چیز")).get_data(as_text=True)
    assert "۱ بی‌داور" in narrowed and "۲ کمتر از ۲ داور" in narrowed
    assert "نامزدی با این پالایش پیدا نشد." in narrowed


# --------------------------------------------------------------------------------------------- filters


def test_filters_by_reviewers_member_province_and_search(client, session, demo, login_as):
    tehran = session.scalar(select(Province).where(Province.iso_code == "IR-23"))
    made, media = _mining_board(session, demo, count=6)
    elsewhere = make_nominations(session, demo, "mining", 1, name=NAME, province=tehran)[0]
    session.commit()
    names = [n.nominee_name for n in made]
    category = demo.categories["mining"].id
    login_as("admin")

    def shown(q: str = NAME, **query) -> set[str]:
        response = client.get(_url(category, committee="media", q=q, **query))
        assert response.status_code == 200
        return set(_rows(response.get_data(as_text=True)))

    assert shown() == set(names) | {elsewhere.nominee_name}
    assert shown(state="unassigned") == {names[0], elsewhere.nominee_name}
    assert shown(state="short") == {names[0], names[1], elsewhere.nominee_name}
    assert shown(state="complete") == set(names[2:])
    assert shown(province=tehran.id) == {elsewhere.nominee_name}
    assert shown(q=names[3].replace("ی", "ي")) == {names[3]}  # the tolerant search
    member = session.scalar(select(Assignment.member_id).where(Assignment.nomination_id == made[2].id,
                                                              Assignment.committee_id == media.id))
    mine = {n.nominee_name for n in made if session.scalar(select(Assignment.id).where(
        Assignment.nomination_id == n.id, Assignment.committee_id == media.id, Assignment.member_id == member))}
    session.commit()
    assert names[2] in mine and shown(member=member) == mine
    winners = client.get(_url(category, committee="winners", q=NAME, state="unassigned")).get_data(as_text=True)
    assert set(_rows(winners)) == set(names) | {elsewhere.nominee_name}  # winners has no assignment at all


def test_unknown_filter_values_are_ignored(client, session, demo, login_as):
    category = demo.categories["mining"].id
    login_as("admin")
    plain = client.get(_url(category)).get_data(as_text=True)
    odd = client.get(_url(category, state="evil", province="x", member="-", page="zz", category="abc"))
    assert odd.status_code == 200 and _rows(odd.get_data(as_text=True)) == _rows(plain)


def test_the_category_filter_opens_that_category_with_the_other_filters(client, session, demo, login_as):
    mining, industry = demo.categories["mining"].id, demo.categories["industry"].id
    login_as("admin")
    response = client.get(_url(mining, committee="media", state="short", page=3, category=industry))
    assert response.status_code == 302
    location = response.headers["Location"]
    assert urlsplit(location).path == f"/evaluation/assignments/{industry}"
    assert _query(location) == {"committee": ["media"], "state": ["short"]}  # a new category starts on page 1
    assert client.get(_url(mining, category=mining)).status_code == 200  # the category shown: no redirect
    assert client.get(_url(mining, category=999_999)).status_code == 200  # no such category: ignored
    html = client.get(_url(mining)).get_data(as_text=True)
    assert f'<option value="{mining}" selected>' in html and "همهٔ رشته‌ها" not in html


# --------------------------------------------------------------------------------------------- actions


def test_actions_return_to_the_same_committee_filters_and_page(client, session, demo, login_as):
    made, media = _mining_board(session, demo, count=30)
    # Plain ids: refreshing an expired object would open a read transaction whose snapshot hides the requests'
    # writes from the next reads.
    category, first, last, media_id = demo.categories["mining"].id, made[0].id, made[-1].id, media.id
    session.commit()
    login_as("admin")
    here = _url(category, committee="media", q=NAME, page=2)
    html = client.get(here).get_data(as_text=True)
    assert html.count(f'action="/evaluation/assignments/{category}?') >= 3  # balance, remove, every add form
    assert '<form id="remove-assignment" method="post"' in html and 'form="remove-assignment"' in html
    wanted = {"committee": ["media"], "q": [NAME], "page": ["2"]}

    assignment_id, member_id = session.execute(select(Assignment.id, Assignment.member_id).where(
        Assignment.nomination_id == last, Assignment.committee_id == media_id)).first()
    session.commit()
    removed = post(client, here, {"action": "remove", "assignment_id": assignment_id})
    assert removed.status_code == 302 and _query(removed.headers["Location"]) == wanted
    assert (last, media_id, member_id) not in _assignments(session)

    added = post(client, here, {"action": "add", "committee_id": media_id, "nomination_id": last,
                                "member_id": member_id})
    assert added.status_code == 302 and _query(added.headers["Location"]) == wanted
    assert (last, media_id, member_id) in _assignments(session)

    balanced = post(client, here, {"action": "balance", "committee_id": media_id, "k": "۲"})
    assert balanced.status_code == 302 and _query(balanced.headers["Location"]) == wanted
    assert sum(1 for n, c, _m in _assignments(session) if n == first and c == media_id) == 2
    page = client.get(balanced.headers["Location"]).get_data(as_text=True)
    assert "واگذاری تازه ثبت شد" in page


def test_refused_actions_change_nothing_and_return_to_the_page(client, session, demo, login_as):
    made, media = _mining_board(session, demo)
    other = make_nominations(session, demo, "industry", 1, name=NAME)[0]
    media_1 = user(session, "media-1")
    session.add(Conflict(nomination_id=made[0].id, user_id=media_1.id, source=ConflictSource.DECLARED,
                         reason="سهام‌دار", created_at=clock.now()))
    session.commit()
    services.add_assignment(session, nomination=other, committee=media, member=media_1, actor=demo.users["admin"])
    session.commit()
    foreign = session.scalar(select(Assignment).where(Assignment.nomination_id == other.id))
    kept = session.scalars(select(Assignment).where(Assignment.nomination_id == made[3].id)).first()
    session.commit()
    category = demo.categories["mining"].id
    login_as("admin")
    here = _url(category, committee="media", state="short")
    before = _assignments(session)
    refusals = [
        ({"action": "add", "committee_id": media.id, "nomination_id": made[0].id, "member_id": media_1.id},
         "تعارض منافع دارد"),
        ({"action": "add", "committee_id": media.id, "nomination_id": made[3].id, "member_id": kept.member_id},
         "پیش‌تر داور این نامزد است"),
        ({"action": "add", "committee_id": media.id, "nomination_id": made[3].id,
          "member_id": user(session, "winners-1").id}, "عضو این کمیته"),
        ({"action": "balance", "committee_id": media.id, "k": "سه"}, "عدد صحیح"),
        ({"action": "balance", "committee_id": media.id, "k": "0"}, "عددی مثبت"),
    ]
    for data, message in refusals:
        response = post(client, here, data)
        assert response.status_code == 302 and _query(response.headers["Location"]) == {
            "committee": ["media"], "state": ["short"]}
        assert message in client.get(response.headers["Location"]).get_data(as_text=True)
        assert _assignments(session) == before
    # Objects of another category, or none: 404; an unknown action: 400; nothing changed.
    assert post(client, here, {"action": "remove", "assignment_id": foreign.id}).status_code == 404
    assert post(client, here, {"action": "add", "committee_id": media.id, "nomination_id": other.id,
                               "member_id": media_1.id}).status_code == 404
    assert post(client, here, {"action": "remove", "assignment_id": "abc"}).status_code == 404
    assert post(client, here, {"action": "nope"}).status_code == 400
    assert _assignments(session) == before
