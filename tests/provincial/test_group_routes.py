"""The organizer's and the officer's working-group pages: the switch, every group, seats and chair."""

from __future__ import annotations

from sqlalchemy import select

from awards.models import ProvincialGroup, ProvincialSeat
from tests.factories import PASSWORD, make_user
from tests.provincial.conftest import SCORING_CLOSE, SELECTION_CLOSE, event_count, province_id, send


def _seats(session, group_id: int) -> list[tuple[str, bool, str]]:
    session.commit()
    session.expire_all()
    return [(s.user.username, s.is_chair, s.organisation) for s in session.scalars(
        select(ProvincialSeat).where(ProvincialSeat.group_id == group_id).order_by(ProvincialSeat.id))]


def test_the_organizer_switches_the_round_on_with_its_dates(session, demo, client, login_as):
    login_as("admin")
    page = client.get("/provincial/").get_data(as_text=True)
    assert "کارگروه‌های استانی" in page and "فارس" in page and "تهران" in page
    response = send(client, "/provincial/round", {"enabled": "y", "scoring_close_at": "۱۴۰۴/۰۳/۰۵",
                                                  "selection_close_at": "1404/03/10"}, page="/provincial/")
    assert response.status_code == 302
    session.commit()
    session.expire_all()
    cycle = session.get(type(demo.cycle), demo.cycle.id)
    assert cycle.has_provincial_round
    assert (cycle.provincial_round.scoring_close_at, cycle.provincial_round.selection_close_at) == (
        SCORING_CLOSE, SELECTION_CLOSE)


def test_round_dates_out_of_order_are_refused_beside_the_field(session, demo, client, login_as):
    login_as("admin")
    response = send(client, "/provincial/round", {"enabled": "y", "scoring_close_at": "۱۴۰۴/۰۳/۰۵",
                                                  "selection_close_at": "۱۴۰۴/۰۳/۲۰"}, page="/provincial/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "پایان انتخاب استانی نباید پس از پایان غربالگری باشد." in html
    assert 'value="۱۴۰۴/۰۳/۲۰"' in html  # the typed value is kept
    session.commit()
    assert session.get(type(demo.cycle), demo.cycle.id).provincial_round is None


def test_the_officer_lands_on_the_own_group_and_seats_members(session, round_on, client, login_as):
    fars = province_id(session, "IR-07")
    make_user(session, username="fars-new")
    session.commit()
    login_as("fars")
    assert client.get("/provincial/").headers["Location"].endswith(f"/provincial/{fars}")
    page = client.get(f"/provincial/{fars}").get_data(as_text=True)
    assert "fars-chair" in page and "tehran-chair" not in page
    response = send(client, f"/provincial/{fars}/seats",
                    {"username": "fars-new", "organisation": "اتاق بازرگانی شیراز"}, page=f"/provincial/{fars}")
    assert response.status_code == 302
    seats = _seats(session, round_on.fars_group_id)
    assert seats[-1] == ("fars-new", False, "اتاق بازرگانی شیراز")
    new_seat = session.scalars(select(ProvincialSeat).where(ProvincialSeat.group_id == round_on.fars_group_id)
                               .order_by(ProvincialSeat.id.desc())).first()
    assert send(client, f"/provincial/seats/{new_seat.id}/chair", page=f"/provincial/{fars}").status_code == 302
    assert "رئیس کارگروه تعیین شد." in client.get(f"/provincial/{fars}").get_data(as_text=True)
    assert [(name, chair) for name, chair, _o in _seats(session, round_on.fars_group_id) if chair] == [
        ("fars-new", True)]


def test_an_unknown_username_is_refused_beside_the_field(session, round_on, client, login_as):
    fars = province_id(session, "IR-07")
    login_as("fars")
    before = _seats(session, round_on.fars_group_id)
    response = send(client, f"/provincial/{fars}/seats", {"username": "nobody", "organisation": "سازمان"},
                    page=f"/provincial/{fars}")
    assert response.status_code == 200
    assert "حساب فعالی با این نام کاربری نیست." in response.get_data(as_text=True)
    assert _seats(session, round_on.fars_group_id) == before


def test_a_member_sees_the_own_group_only(session, round_on, client, login_as):
    fars, tehran = province_id(session, "IR-07"), province_id(session, "IR-23")
    login_as("fars-member-1", PASSWORD)
    assert client.get("/provincial/").headers["Location"].endswith(f"/provincial/{fars}")
    page = client.get(f"/provincial/{fars}").get_data(as_text=True)
    assert "fars-member-2" in page and "افزودن عضو" not in page
    assert client.get(f"/provincial/{tehran}").status_code == 404


def test_the_organizer_sees_every_group_but_does_not_seat(session, round_on, client, login_as):
    fars = province_id(session, "IR-07")
    login_as("admin")
    assert "fars-chair" in client.get(f"/provincial/{fars}").get_data(as_text=True)
    before = event_count(session)
    assert send(client, f"/provincial/{fars}/seats", {"username": "admin", "organisation": "x"},
                page="/provincial/").status_code == 404
    assert event_count(session) == before
    assert session.scalar(select(ProvincialGroup.id).where(ProvincialGroup.id == round_on.fars_group_id))
