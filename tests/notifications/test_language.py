"""Notifications speak their recipient's language: the bell entry and the mail (lang, dir, digits) follow the
language the user chose, per recipient within one event; the switch and the settings page save that choice."""

from __future__ import annotations

import email
from datetime import timedelta
from email import policy

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from awards.db import write_intent
from awards.enums import NominationAction
from awards.models import Nomination, User
from awards.nominations import services as nominations
from awards.notifications import kinds
from awards.notifications.reminders import run_reminders
from awards.notifications.services import notify, notify_reminder
from awards.persian import to_latin_digits, to_persian_digits
from tests.conftest import csrf_token, login
from tests.notifications.conftest import give_email, give_language, notifications_of, user_named
from tests.screening.conftest import count_statements

PHARMA = "شرکت داروسازی زاگرس‌فارمد"  # Tehran, submitted in the demo
REASON = "گواهی استاندارد پیوست نشده است."
PERSIAN_DIGITS = set("۰۱۲۳۴۵۶۷۸۹")


def return_pharma(app, session, demo) -> None:
    pharma = session.scalar(select(Nomination).where(Nomination.nominee_name == PHARMA))
    with app.app_context(), write_intent(True):
        nominations.transition(session, nomination=pharma, action=NominationAction.RETURN,
                               actor=demo.users["provincial_affairs-1"], reason=REASON)
        session.commit()


def outbox_message(app, note):
    [file] = app.config["MAIL_OUTBOX_FOLDER"].glob(f"*-{note.id}.eml")
    message = email.message_from_bytes(file.read_bytes(), policy=policy.default)
    html = message.get_body(preferencelist=("html",)).get_content()
    text = message.get_body(preferencelist=("plain",)).get_content()
    return message, html, text


def test_an_english_user_gets_an_english_bell_entry_and_english_ltr_mail(app, demo, session):
    give_language(session, tehran="en")
    give_email(session, tehran="tehran.officer@example.ir")
    return_pharma(app, session, demo)

    [note] = notifications_of(session, "tehran", kind=kinds.DOSSIER_RETURNED)
    assert note.title == f"The dossier “{PHARMA}” was returned to the province for correction"
    assert note.body == REASON  # what the screener typed stays as typed
    message, html, text = outbox_message(app, note)
    assert message["Content-Language"] == "en"
    assert message["Subject"] == f"Tandis: {note.title}"
    assert '<html dir="ltr" lang="en">' in html and "direction: ltr" in html and "text-align: left" in html
    assert "Dear " in text and "بازگردانده" not in html


def test_a_persian_user_gets_a_persian_bell_entry_and_persian_rtl_mail(app, demo, session):
    give_language(session, tehran="fa")
    give_email(session, tehran="tehran.officer@example.ir")
    return_pharma(app, session, demo)

    [note] = notifications_of(session, "tehran", kind=kinds.DOSSIER_RETURNED)
    assert note.title == f"پروندهٔ «{PHARMA}» برای اصلاح به استان بازگردانده شد"
    message, html, text = outbox_message(app, note)
    assert message["Content-Language"] == "fa" and message["Subject"].startswith("تندیس")
    assert '<html dir="rtl" lang="fa">' in html and "direction: rtl" in html
    assert "گرامی" in text


def test_a_user_who_never_chose_reads_persian(app, demo, session):
    assert user_named(session, "tehran").language is None
    return_pharma(app, session, demo)
    [note] = notifications_of(session, "tehran", kind=kinds.DOSSIER_RETURNED)
    assert "بازگردانده" in note.title


def test_mixed_recipients_of_one_event_each_read_their_language_with_one_insert(app, demo, session):
    give_language(session, **{"content-1": "en", "content-2": "fa"})
    users = [demo.users["content-1"], demo.users["content-2"], demo.users["winners-1"]]
    with app.app_context(), write_intent(True), count_statements() as statements:
        created = notify_reminder(session, users=users, cycle=demo.cycle, deadline_name="evaluation_close_at",
                                  actor=demo.users["content-chair"])
        session.flush()
    session.commit()
    assert created == 3
    assert sum(s.lstrip().upper().startswith("INSERT INTO NOTIFICATIONS") for s in statements) == 1

    [english] = notifications_of(session, "content-1", kind=kinds.REMINDER)
    [persian] = notifications_of(session, "content-2", kind=kinds.REMINDER)
    [unchosen] = notifications_of(session, "winners-1", kind=kinds.REMINDER)
    assert english.title.startswith("Reminder: Evaluation closes on ")
    assert not PERSIAN_DIGITS & set(english.title)  # the date in Latin digits
    assert english.body == "Complete and submit your unsubmitted score sheets before this deadline."
    assert persian.title.startswith("یادآوری: پایان ارزیابی در ")
    assert to_persian_digits(to_latin_digits(persian.title)) == persian.title  # every digit Persian
    assert to_latin_digits(persian.title).split(" در ")[1] == english.title.split(" on ")[1]  # the same moment
    assert unchosen.title == persian.title and unchosen.body == persian.body


def test_a_plain_text_title_is_the_same_for_every_language(app, demo, session):
    give_language(session, fars="en")
    ids = [demo.users["fars"].id, demo.users["tehran"].id]
    with app.app_context(), write_intent(True):
        assert notify(session, user_ids=ids, kind=kinds.DOSSIER_ACCEPTED, title="آزمون ۱") == 2
        session.commit()
    assert notifications_of(session, "fars")[-1].title == "آزمون ۱"
    assert notifications_of(session, "tehran")[-1].title == "آزمون ۱"


def test_daily_reminders_follow_each_officers_language(app, demo, session):
    due = sorted(set(session.scalars(
        select(User.username).join(Nomination, Nomination.province_id == User.province_id)
        .where(Nomination.cycle_id == demo.cycle.id, Nomination.state == "draft"))))
    session.commit()
    assert len(due) >= 2
    give_language(session, **{due[0]: "en"})
    with app.app_context(), write_intent(True):
        assert run_reminders(session, now=demo.cycle.nominations_close_at - timedelta(days=2)) == len(due)
        session.commit()
    [english] = notifications_of(session, due[0], kind=kinds.REMINDER)
    [persian] = notifications_of(session, due[1], kind=kinds.REMINDER)
    assert english.title.startswith("Reminder: ") and persian.title.startswith("یادآوری: ")
    assert english.body.isascii() and not persian.body.isascii()


def test_the_database_refuses_an_unknown_language(demo, session):
    user = session.scalar(select(User).where(User.username == "fars"))
    user.language = "de"
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_switching_language_while_signed_in_saves_it_on_the_account(client, demo, session, login_as):
    login_as("fars")
    response = client.post("/language/en", data={"csrf_token": csrf_token(client, "/"), "next": "/"})
    assert response.status_code == 302
    assert user_named(session, "fars").language == "en"

    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    fresh = client.application.test_client()  # another browser: no language of its own
    login(fresh, "fars")
    assert '<html lang="en" dir="ltr">' in fresh.get("/").get_data(as_text=True)


def test_an_anonymous_switch_stays_in_the_browser(client, demo, session):
    response = client.post("/language/en", data={"csrf_token": csrf_token(client, "/login"), "next": "/login"})
    assert response.status_code == 302
    assert '<html lang="en" dir="ltr">' in client.get("/login").get_data(as_text=True)
    assert session.scalar(select(User.id).where(User.language.is_not(None))) is None
    session.commit()


def test_the_settings_page_saves_the_language_and_the_page_follows_it(client, demo, session, login_as):
    login_as("tehran")
    page = client.get("/account/notifications").get_data(as_text=True)
    assert 'name="language"' in page and '<option lang="en" value="en">English</option>' in page
    response = client.post("/account/notifications", data={
        "csrf_token": csrf_token(client, "/account/notifications"), "language": "en",
        "receive": list(kinds.KINDS)})
    assert response.status_code == 302
    assert user_named(session, "tehran").language == "en"
    page = client.get("/account/notifications").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in page
    assert '<option lang="en" selected value="en">English</option>' in page


def test_the_settings_page_refuses_an_unknown_language_beside_the_field(client, demo, session, login_as):
    login_as("tehran")
    response = client.post("/account/notifications", data={
        "csrf_token": csrf_token(client, "/account/notifications"), "language": "de"})
    assert response.status_code == 200
    assert 'id="language-error"' in response.get_data(as_text=True)
    assert user_named(session, "tehran").language is None
