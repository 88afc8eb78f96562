"""The bell and its pages: the unread count in the navbar (one query), the list, opening and marking read (CSRF,
only one's own), the per-kind choices, and who may open what."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from awards.db import write_intent
from awards.models import Notification, NotificationOptOut, User
from awards.notifications import kinds
from awards.notifications.services import notify
from awards.persian import to_persian_digits
from tests.conftest import csrf_token
from tests.notifications.conftest import notifications_of
from tests.screening.conftest import count_statements


def add(session, username: str, count: int = 1, *, link: str | None = "/nominations/") -> list[int]:
    """Give ``username`` ``count`` fresh unread notifications; return their ids."""
    user_id = session.scalar(select(User.id).where(User.username == username))
    with write_intent(True):
        for number in range(count):
            notify(session, user_ids=[user_id], kind=kinds.DOSSIER_ACCEPTED, title=f"آزمون {number}", link=link)
        session.commit()
    return [n.id for n in notifications_of(session, username)[-count:]]


def unread(session, username: str) -> int:
    return sum(1 for n in notifications_of(session, username) if n.read_at is None)


def bell(html: str) -> str | None:
    match = re.search(r'class="badge text-bg-warning bell-count">([^<]+)<', html)
    return match.group(1) if match else None


@pytest.mark.parametrize("path", ["/notifications/", "/account/notifications", "/notifications/outbox"])
def test_anonymous_users_are_sent_to_sign_in(client, demo, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_bell_shows_the_unread_count_in_persian_digits_with_one_query(client, demo, session, login_as):
    add(session, "fars", 12)
    expected = unread(session, "fars")
    login_as("fars")
    with count_statements() as statements:
        html = client.get("/").get_data(as_text=True)
    assert bell(html) == to_persian_digits(str(expected))
    assert 'href="/notifications/"' in html
    assert sum("notifications" in s for s in statements) == 1


def test_the_list_is_newest_first_paged_and_only_ones_own(app, client, demo, session, login_as):
    add(session, "tehran", 1)
    ids = add(session, "fars", app.config["PAGE_SIZE"] + 2)
    login_as("fars")
    html = client.get("/notifications/").get_data(as_text=True)
    titles = re.findall(r"آزمون (\d+)", html)
    assert titles[:3] == [str(n) for n in range(len(ids) - 1, len(ids) - 4, -1)]
    assert f'/notifications/{ids[-1]}/read' in html and f'/notifications/{ids[0]}/read' not in html
    second = client.get("/notifications/?page=2").get_data(as_text=True)
    assert f'/notifications/{ids[0]}/read' in second
    tehran_id = notifications_of(session, "tehran")[-1].id
    assert f"/notifications/{tehran_id}/read" not in html + second
    assert client.get("/notifications/?page=abc").status_code == 200


def test_opening_marks_read_and_follows_the_link(client, demo, session, login_as):
    [note_id] = add(session, "fars", link="/nominations/")
    login_as("fars")
    response = client.post(f"/notifications/{note_id}/read",
                           data={"csrf_token": csrf_token(client, "/notifications/")})
    assert response.status_code == 302 and response.headers["Location"] == "/nominations/"
    assert session.get(Notification, note_id, populate_existing=True).read_at is not None
    session.commit()


def test_opening_without_csrf_is_refused_and_changes_nothing(client, demo, session, login_as):
    [note_id] = add(session, "fars")
    login_as("fars")
    assert client.post(f"/notifications/{note_id}/read").status_code == 400
    assert client.post("/notifications/read-all").status_code == 400
    assert session.get(Notification, note_id, populate_existing=True).read_at is None
    session.commit()


def test_nobody_marks_anothers_notification(client, demo, session, login_as):
    [theirs] = add(session, "tehran")
    login_as("fars")
    response = client.post(f"/notifications/{theirs}/read", data={"csrf_token": csrf_token(client, "/notifications/")})
    assert response.status_code == 404
    assert session.get(Notification, theirs, populate_existing=True).read_at is None
    session.commit()
    assert client.post("/notifications/999999/read",
                       data={"csrf_token": csrf_token(client, "/notifications/")}).status_code == 404


def test_mark_all_read_marks_only_ones_own(client, demo, session, login_as):
    add(session, "fars", 3)
    add(session, "tehran", 2)
    tehran_unread = unread(session, "tehran")
    login_as("fars")
    response = client.post("/notifications/read-all", data={"csrf_token": csrf_token(client, "/notifications/")})
    assert response.status_code == 302
    assert unread(session, "fars") == 0
    assert unread(session, "tehran") == tehran_unread
    assert bell(client.get("/notifications/").get_data(as_text=True)) is None


def test_choices_show_security_kinds_checked_and_disabled_and_are_saved(client, demo, session, login_as):
    login_as("fars")
    html = client.get("/account/notifications").get_data(as_text=True)
    security = re.search(rf'<input[^>]*value="{kinds.PASSWORD_LINK}"[^>]*>', html).group(0)
    assert "checked" in security and "disabled" in security
    assert html.count('name="receive"') == len(kinds.KINDS)

    keep = [kinds.DOSSIER_RETURNED, "no-such-kind"]
    response = client.post("/account/notifications", data={
        "csrf_token": csrf_token(client, "/account/notifications"), "receive": keep})
    assert response.status_code == 302
    out = set(session.scalars(select(NotificationOptOut.kind).join(User).where(User.username == "fars")))
    session.commit()
    assert out == {code for code, kind in kinds.KINDS.items() if not kind.security} - {kinds.DOSSIER_RETURNED}
    html = client.get("/account/notifications").get_data(as_text=True)
    assert "checked" not in re.search(rf'<input[^>]*value="{kinds.REMINDER}"[^>]*>', html).group(0)


def test_choices_without_csrf_are_refused_and_change_nothing(client, demo, session, login_as):
    login_as("fars")
    response = client.post("/account/notifications", data={"receive": []})
    assert response.status_code == 400
    assert session.scalars(select(NotificationOptOut)).all() == []
    session.commit()
