"""Notification mail: through a real SMTP server (aiosmtpd), or into the outbox folder by default; opt-outs,
security mail, users without an address, a refusing server, and the organizer's outbox page."""

from __future__ import annotations

import email
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from awards.accounts.services import issue_password_link
from awards.db import write_intent
from awards.enums import NominationAction
from awards.models import Nomination, Notification
from awards.nominations import services as nominations
from awards.notifications import kinds
from awards.notifications.services import set_opt_outs
from awards.notifications.tasks import send_pending_mail_now
from tests.faults import closed_port
from tests.notifications.conftest import give_email, notifications_of

PHARMA = "شرکت داروسازی زاگرس‌فارمد"  # Tehran, submitted in the demo
REASON = "گواهی استاندارد پیوست نشده است."


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=closed_port())
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_STARTTLS=False,
                      MAIL_FROM="tandis@example.ir")
    yield inbox
    controller.stop()


def return_pharma(app, session, demo) -> None:
    """The screening service returns the Tehran dossier, committed inside the app (so the mail job runs)."""
    pharma = session.scalar(select(Nomination).where(Nomination.nominee_name == PHARMA))
    with app.app_context(), write_intent(True):
        nominations.transition(session, nomination=pharma, action=NominationAction.RETURN,
                               actor=demo.users["provincial_affairs-1"], reason=REASON)
        session.commit()  # after the commit the send job runs (inline in tests: HUEY_IMMEDIATE)


def parts(message) -> tuple[str, str]:
    html = message.get_body(preferencelist=("html",)).get_content()
    text = message.get_body(preferencelist=("plain",)).get_content()
    return html, text


def test_mail_goes_through_smtp_to_the_officer_in_rtl_html_and_plain_text(app, demo, session, smtp_server):
    give_email(session, tehran="tehran.officer@example.ir", fars="fars.officer@example.ir")
    return_pharma(app, session, demo)

    [envelope] = smtp_server.envelopes  # Fars's officer has an address too, but it is not their dossier
    assert envelope.rcpt_tos == ["tehran.officer@example.ir"]
    assert envelope.mail_from == "tandis@example.ir"
    message = email.message_from_bytes(envelope.original_content, policy=policy.default)
    assert message["To"] == "tehran.officer@example.ir"
    assert PHARMA in message["Subject"] and message["Subject"].startswith("تندیس")
    assert message.get_content_type() == "multipart/alternative"
    html, text = parts(message)
    assert '<html dir="rtl" lang="fa">' in html
    assert REASON in html and REASON in text and PHARMA in text
    assert "<" not in text
    [note] = notifications_of(session, "tehran", kind=kinds.DOSSIER_RETURNED)
    assert note.emailed_at is not None and note.mail_attempts == 0


def test_without_an_smtp_host_each_mail_is_written_to_the_outbox(app, demo, session):
    give_email(session, tehran="tehran.officer@example.ir")
    return_pharma(app, session, demo)

    [note] = notifications_of(session, "tehran", kind=kinds.DOSSIER_RETURNED)
    files = list(app.config["MAIL_OUTBOX_FOLDER"].glob("*.eml"))
    assert [f.name for f in files] == [f"{note.created_at:%Y%m%dT%H%M%SZ}-{note.id}.eml"]
    message = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert message["To"] == "tehran.officer@example.ir"
    html, text = parts(message)
    assert 'dir="rtl"' in html and REASON in text
    assert not list(app.config["MAIL_OUTBOX_FOLDER"].glob("*.part"))
    assert note.emailed_at is not None


def test_a_user_without_an_address_gets_the_bell_only(app, demo, session):
    return_pharma(app, session, demo)  # no demo user has an address
    [note] = notifications_of(session, "tehran", kind=kinds.DOSSIER_RETURNED)
    assert note.mail_to is None and note.emailed_at is None
    assert not app.config["MAIL_OUTBOX_FOLDER"].exists() or not list(app.config["MAIL_OUTBOX_FOLDER"].iterdir())


def test_an_opted_out_user_gets_neither_bell_nor_mail_but_security_mail_still_comes(app, demo, session):
    give_email(session, tehran="tehran.officer@example.ir")
    with write_intent(True):
        set_opt_outs(session, user=demo.users["tehran"], receive=[])
        session.commit()
    return_pharma(app, session, demo)
    assert notifications_of(session, "tehran", kind=kinds.DOSSIER_RETURNED) == []
    assert not app.config["MAIL_OUTBOX_FOLDER"].exists() or not list(app.config["MAIL_OUTBOX_FOLDER"].iterdir())

    with app.app_context(), write_intent(True):
        issue_password_link(session, user=demo.users["tehran"], actor=demo.users["admin"], hours=24)
        session.commit()
    [note] = notifications_of(session, "tehran", kind=kinds.PASSWORD_LINK)
    [file] = app.config["MAIL_OUTBOX_FOLDER"].glob("*.eml")
    assert file.name.endswith(f"-{note.id}.eml")


def test_a_refusing_server_leaves_the_mail_pending_for_the_sweep(app, demo, session):
    give_email(session, tehran="tehran.officer@example.ir")
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=closed_port(), SMTP_STARTTLS=False, SMTP_TIMEOUT_SECONDS=2)
    return_pharma(app, session, demo)  # the commit and the (failed) job both end normally

    [note] = notifications_of(session, "tehran", kind=kinds.DOSSIER_RETURNED)
    assert note.emailed_at is None and note.mail_attempts == 1 and note.mail_error

    app.config["SMTP_HOST"] = None  # the server is "back" (here: the outbox); the sweep sends it once
    with app.app_context():
        assert send_pending_mail_now() == 1
        assert send_pending_mail_now() == 0
    [note] = notifications_of(session, "tehran", kind=kinds.DOSSIER_RETURNED)
    assert note.emailed_at is not None
    assert len(list(app.config["MAIL_OUTBOX_FOLDER"].glob("*.eml"))) == 1


def test_the_outbox_page_lists_shows_and_downloads_for_organizers_only(app, client, demo, session, login_as):
    give_email(session, tehran="tehran.officer@example.ir")
    return_pharma(app, session, demo)
    [note] = notifications_of(session, "tehran", kind=kinds.DOSSIER_RETURNED)
    name = f"{note.created_at:%Y%m%dT%H%M%SZ}-{note.id}.eml"

    login_as("tehran")
    assert client.get("/notifications/outbox").status_code == 403
    assert client.get(f"/notifications/outbox/{name}").status_code == 403
    client.post("/logout", data={})
    client.delete_cookie("session")

    login_as("admin")
    page = client.get("/notifications/outbox").get_data(as_text=True)
    assert name in page and "tehran.officer@example.ir" in page
    shown = client.get(f"/notifications/outbox/{name}")
    assert shown.status_code == 200 and REASON in shown.get_data(as_text=True)
    download = client.get(f"/notifications/outbox/{name}?download=1")
    assert download.mimetype == "message/rfc822" and b"tehran.officer@example.ir" in download.data
    download.close()
    assert client.get("/notifications/outbox/..%2Fawards.sqlite3").status_code == 404
    assert client.get("/notifications/outbox/nothing.eml").status_code == 404


def test_a_rolled_back_event_leaves_no_notification_and_sends_no_mail(app, demo, session):
    give_email(session, tehran="tehran.officer@example.ir")
    pharma = session.scalar(select(Nomination).where(Nomination.nominee_name == PHARMA))
    with app.app_context(), write_intent(True):
        nominations.transition(session, nomination=pharma, action=NominationAction.RETURN,
                               actor=demo.users["provincial_affairs-1"], reason=REASON)
        session.rollback()
        session.commit()
    assert session.scalar(select(Notification).where(Notification.kind == kinds.DOSSIER_RETURNED,
                                                     Notification.title.contains(PHARMA))) is None
    session.commit()
    assert not app.config["MAIL_OUTBOX_FOLDER"].exists() or not list(app.config["MAIL_OUTBOX_FOLDER"].iterdir())
