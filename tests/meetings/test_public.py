"""The public confirmation page of minutes: no login, only the declared fields."""

from __future__ import annotations

from awards.meetings.public import PUBLIC_FIELDS
from awards.persian import format_jalali_date
from tests.meetings.conftest import AGENDA, PLACE


def test_public_page_shows_only_the_declared_fields(sealed, client, session):
    assert PUBLIC_FIELDS == ("number", "committee", "provincial_group", "cycle", "held_on", "state", "sealed_at",
                             "content_digest")
    response = client.get(f"/minutes/{sealed.token}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    main = html.split("<main", 1)[1]
    assert "1404-WIN-01" in main and sealed.content_digest in main and "برگزیدگان" in main
    assert format_jalali_date(sealed.held_on, long=True) in main and sealed.cycle.title in main
    assert "مهر و موم شده است" in main
    # Nothing confidential: not the place, the agenda, the attendees, the decisions or the nominees.
    for secret in (PLACE, AGENDA, "تصویب شد", "خوشه فرش دستباف کاشان", *[a.name for a in sealed.attendees],
                   sealed.decisions[0].result_digest):
        assert secret not in main, secret
    assert 'action="/logout"' not in html


def test_public_page_of_minutes_not_sealed_says_so_without_a_digest(ranked, client):
    html = client.get(f"/minutes/{ranked.token}").get_data(as_text=True)
    assert "هنوز به امضای همهٔ حاضران نرسیده" in html and "چکیدهٔ محتوا" not in html


def test_public_page_of_an_unknown_token_is_a_404(client, app):
    response = client.get("/minutes/" + "x" * 24)
    assert response.status_code == 404 and "یافت نشد" in response.get_data(as_text=True)
