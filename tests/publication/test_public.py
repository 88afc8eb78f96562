"""The public winners page: anonymous, absent until opened and before the ceremony date, approved winners only."""

from __future__ import annotations

import re

from sqlalchemy import select, update

from awards import clock
from awards.certificates.services import revoke
from awards.demo import MASKATI
from awards.enums import PublicationState
from awards.models import Award, Category, Nomination, Publication
from tests.conftest import csrf_token
from tests.publication.conftest import BEFORE_CEREMONY_DAY, CEREMONY_MORNING, maskati_award

#: A gold winner of another province (Isfahan's steel company tops the industrial units).
SEPAHAN = "شرکت فولاد سپاهان نوین"


def _page(client, query: str = "") -> tuple[int, str]:
    response = client.get("/winners/1404" + query)
    return response.status_code, response.get_data(as_text=True)


def _winner_names(html: str) -> list[str]:
    return re.findall(r'<strong class="winner-name"><bdi>([^<]+)</bdi></strong>', html)


def test_winners_page_lists_maskati_to_an_anonymous_visitor(client, final, session):
    status, html = _page(client)
    award = maskati_award(session)
    assert status == 200
    assert MASKATI in _winner_names(html)
    assert f'href="/verify/{award.token}"' in html
    assert "۴ شهریور ۱۴۰۴" in html
    assert 'lang="fa" dir="rtl"' in html


def test_winners_page_lists_every_live_award_of_the_approved_categories(client, final, session):
    _, html = _page(client)
    expected = session.scalars(select(Nomination.nominee_name).join(Award, Award.nomination_id == Nomination.id)
                               .join(Category, Category.id == Award.category_id)
                               .order_by(Category.position, Award.rank)).all()
    assert _winner_names(html) == expected


def test_winners_page_is_absent_before_it_is_opened(client, final, session):
    session.execute(update(Publication).values(state=PublicationState.APPROVED, opened_at=None, opened_by_id=None))
    session.commit()
    assert _page(client)[0] == 404


def test_winners_page_is_absent_without_any_publication(client, demo):
    assert _page(client)[0] == 404


def test_winners_page_is_absent_before_the_ceremony_date_even_when_a_row_says_open(client, final):
    clock.freeze(BEFORE_CEREMONY_DAY)
    assert _page(client)[0] == 404
    clock.freeze(CEREMONY_MORNING)
    assert _page(client)[0] == 200


def test_winners_page_of_an_unknown_year_is_absent(client, final):
    assert client.get("/winners/1403").status_code == 404
    assert client.get("/winners/99999999999").status_code == 404


def test_winners_page_a_revoked_award_vanishes_but_still_verifies_as_revoked(client, final, session):
    award = maskati_award(session)
    revoke(session, award=award, actor=final.users["oversight-1"], reason="مدارک نادرست")
    session.commit()
    _, html = _page(client)
    assert MASKATI not in html and award.serial not in html and award.token not in html
    assert "لغو شده" in client.get(f"/verify/{award.token}").get_data(as_text=True)


def test_winners_page_shows_only_the_approved_categories(client, final, session):
    cluster = final.categories["cluster"].id
    row = session.scalar(select(Publication))
    row.category_ids = [cid for cid in row.category_ids if cid != cluster]
    session.commit()
    _, html = _page(client)
    assert MASKATI not in html and SEPAHAN in html


def test_winners_page_filters_by_province(client, final):
    status, html = _page(client, "?province=IR-07")
    names = _winner_names(html)
    assert status == 200 and MASKATI in names and SEPAHAN not in names
    assert '<option value="IR-07" selected>فارس</option>' in html


def test_winners_page_an_unknown_province_shows_everyone(client, final):
    status, html = _page(client, "?province=XX-99")
    assert status == 200 and {MASKATI, SEPAHAN} <= set(_winner_names(html))


def test_winners_page_in_english(client, final):
    client.post("/language/en", data={"csrf_token": csrf_token(client, "/winners/1404"), "next": "/winners/1404"})
    status, html = _page(client, "?province=IR-07")
    assert status == 200
    assert 'lang="en" dir="ltr"' in html
    assert "Top industrial cluster" in html and "Fars" in html and MASKATI in html
    assert "4 Shahrivar 1404" in html


def test_winners_page_needs_no_login_and_offers_no_form_that_writes(client, final):
    _, html = _page(client)
    forms = re.findall(r'<form method="(\w+)" action="([^"]+)"', html)
    assert all(method == "get" or action.startswith("/language/") for method, action in forms), forms
