"""Provincial awards: issued by the province's officer to a dossier not forwarded, in the province's own serial
series, verified at the public verification page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from awards.enums import NominationState
from awards.errors import InvalidTransition, PermissionDenied
from awards.models import Nomination, ProvincialAward
from awards.provincial import awards, forwarding
from tests.conftest import csrf_token
from tests.provincial.conftest import DURING_SCREENING, event_count, move_clock


@pytest.fixture
def kept(session, scored):
    """The first two clusters forwarded, the third kept in the province; the clock in screening."""
    chair = scored.users["fars-chair"]
    first, second, third = (session.get(Nomination, nid) for nid in scored.clusters)
    forwarding.forward(session, nomination=first, actor=chair)
    forwarding.forward(session, nomination=second, actor=chair)
    forwarding.not_forward(session, nomination=third, actor=chair)
    session.commit()
    move_clock(session, DURING_SCREENING)
    return scored


def test_the_officer_issues_a_provincial_award_in_the_provinces_series(session, kept):
    third = session.get(Nomination, kept.clusters[2])
    award = awards.issue(session, nomination=third, actor=kept.demo.users["fars"])
    session.commit()
    assert (award.serial, award.sequence, third.state) == ("1404-FA-001", 1, NominationState.PROVINCIALLY_AWARDED)
    assert len(award.token) >= 22


def test_a_forwarded_dossier_or_another_province_gets_no_provincial_award(session, kept):
    before = event_count(session)
    with pytest.raises(InvalidTransition):
        awards.issue(session, nomination=session.get(Nomination, kept.clusters[0]), actor=kept.demo.users["fars"])
    session.rollback()
    with pytest.raises(PermissionDenied):
        awards.issue(session, nomination=session.get(Nomination, kept.clusters[2]), actor=kept.demo.users["tehran"])
    session.rollback()
    assert session.scalar(select(ProvincialAward.id)) is None and event_count(session) == before


def test_the_verification_page_checks_a_provincial_award(session, kept, client):
    award = awards.issue(session, nomination=session.get(Nomination, kept.clusters[2]), actor=kept.demo.users["fars"])
    session.commit()
    html = client.get(f"/verify/{award.token}").get_data(as_text=True)
    assert "این لوح معتبر است." in html and "1404-FA-001" in html and "صادرشده از استان فارس" in html
    assert "خوشهٔ خرمای جهرم" in html
    found = client.post("/verify/", data={"serial": "1404-fa-001", "name": "خوشهٔ خرمای جهرم",
                                          "csrf_token": csrf_token(client, "/verify/")})
    assert found.status_code == 302 and found.headers["Location"].endswith(f"/verify/{award.token}")


def test_the_officer_awards_from_the_group_page(session, kept, client, login_as):
    from tests.provincial.conftest import province_id, send

    fars = province_id(session, "IR-07")
    login_as("fars")
    assert "اعطای جایزهٔ استانی" in client.get(f"/provincial/{fars}").get_data(as_text=True)
    response = send(client, f"/provincial/nominations/{kept.clusters[2]}/award", page=f"/provincial/{fars}")
    assert response.status_code == 302
    assert "1404-FA-001" in client.get(f"/provincial/{fars}").get_data(as_text=True)
