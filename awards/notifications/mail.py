"""Notification mail: build an HTML message, in the recipient's language and direction, with a plain-text part,
and deliver it.

Delivery goes through SMTP when ``SMTP_HOST`` is configured, else into the outbox folder as an ``.eml`` file
(the embedded default; organizers list them at ``/notifications/outbox``). :func:`send_pending` runs in the job
consumer: it claims each unsent row before sending, so two consumers never send the same row, and a failed send
gives the row back with one more attempt (up to ``MAX_ATTEMPTS``). A consumer killed between the claim and the
send loses that one message (at most once, never twice).
"""

from __future__ import annotations

import logging
import os
import re
import smtplib
import ssl
from collections.abc import Mapping
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from awards.db import utcnow
from awards.models import Notification, User
from awards.notifications.services import recipient_language

log = logging.getLogger("awards.notifications")
MAX_ATTEMPTS = 5
BATCH = 200
OUTBOX_NAME = re.compile(r"^[0-9TZ-]+-[0-9]+\.eml$")


def absolute_link(link: str | None, base_url: str | None) -> str | None:
    if not link:
        return None
    return base_url.rstrip("/") + link if base_url else link


def build_message(*, notification: Notification, user: User, sender: str, base_url: str | None) -> EmailMessage:
    """The message for one notification, in the recipient's language: plain text first, then HTML (right to left
    in Persian, left to right in English)."""
    env = current_app.jinja_env
    language = recipient_language(user)
    context = {"notification": notification, "user": user, "language": language,
               "link": absolute_link(notification.link, base_url)}
    with force_locale(language):
        subject = env.get_template("notifications/mail_subject.txt").render(context).strip()
        text = env.get_template("notifications/mail.txt").render(context)
        html = env.get_template("notifications/mail.html").render(context)
    message = EmailMessage()
    message["Subject"] = " ".join(subject.split())
    message["From"] = sender
    message["To"] = notification.mail_to
    message["Date"] = format_datetime(notification.created_at)
    message["Message-ID"] = make_msgid(idstring=f"tandis-{notification.id}")
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    message["Content-Language"] = language  # after the parts: setting content drops Content-* headers
    return message


def outbox_name(notification: Notification) -> str:
    return f"{notification.created_at:%Y%m%dT%H%M%SZ}-{notification.id}.eml"


def deliver(message: EmailMessage, *, config: Mapping, name: str) -> None:
    """Send through SMTP, or write ``name`` into the outbox when no SMTP host is configured."""
    host = config.get("SMTP_HOST")
    if not host:
        folder = Path(config["MAIL_OUTBOX_FOLDER"])
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / (name + ".part")
        partial.write_bytes(bytes(message))
        os.replace(partial, folder / name)
        return
    with smtplib.SMTP(host, config.get("SMTP_PORT") or 587, timeout=config.get("SMTP_TIMEOUT_SECONDS") or 20) as smtp:
        smtp.ehlo()
        if config.get("SMTP_STARTTLS"):
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
        smtp.send_message(message)


def send_pending(session: Session, *, config: Mapping, limit: int = BATCH) -> int:
    """Send the mail of up to ``limit`` notifications that have an address and were not sent; return how many
    went out. Commits after each claim and each outcome."""
    ids = list(session.scalars(
        select(Notification.id)
        .where(Notification.emailed_at.is_(None), Notification.mail_to.is_not(None),
               Notification.mail_attempts < MAX_ATTEMPTS)
        .order_by(Notification.id).limit(limit)))
    session.commit()
    sent = 0
    for notification_id in ids:
        claimed = session.execute(update(Notification)
                                  .where(Notification.id == notification_id, Notification.emailed_at.is_(None))
                                  .values(emailed_at=utcnow()))
        session.commit()
        if claimed.rowcount != 1:
            continue  # another consumer took it
        notification = session.get(Notification, notification_id)
        user = session.get(User, notification.user_id)
        try:
            message = build_message(notification=notification, user=user, sender=config["MAIL_FROM"],
                                    base_url=config.get("PUBLIC_BASE_URL"))
            name = outbox_name(notification)
            session.commit()  # end the read (a writer's on SQLite: the write lock) before talking to the server
            deliver(message, config=config, name=name)
        except Exception as exc:  # the server refused or was unreachable: give the row back for a later sweep
            log.warning("notification %s: mail not sent", notification_id, exc_info=True)
            session.rollback()
            session.execute(update(Notification).where(Notification.id == notification_id).values(
                emailed_at=None, mail_attempts=Notification.mail_attempts + 1, mail_error=str(exc)[:500]))
            session.commit()
        else:
            sent += 1
        session.expunge_all()
    return sent


def outbox_files(folder: Path, *, limit: int = 200) -> list[dict]:
    """The newest ``.eml`` files in the outbox with their recipient and subject (headers only)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    names = sorted((p.name for p in folder.iterdir() if OUTBOX_NAME.match(p.name)), reverse=True)[:limit]
    parser = BytesHeaderParser(policy=policy.default)
    files = []
    for name in names:
        path = folder / name
        try:
            with path.open("rb") as handle:
                headers = parser.parse(handle)
            files.append({"name": name, "to": str(headers["To"] or ""), "subject": str(headers["Subject"] or ""),
                          "size": path.stat().st_size})
        except OSError:
            continue
    return files


def outbox_path(folder: Path, name: str) -> Path | None:
    """The outbox file called ``name``, or None for a name that is not an outbox file's."""
    if not OUTBOX_NAME.match(name):
        return None
    path = Path(folder) / name
    return path if path.is_file() else None


def read_outbox_file(path: Path) -> dict:
    """An outbox message's headers and its plain-text and HTML parts, for the developer's page."""
    with Path(path).open("rb") as handle:
        message = BytesParser(policy=policy.default).parse(handle)
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return {"to": str(message["To"] or ""), "from": str(message["From"] or ""),
            "subject": str(message["Subject"] or ""), "date": str(message["Date"] or ""),
            "language": "en" if str(message["Content-Language"] or "").startswith("en") else "fa",
            "text": text.get_content() if text is not None else "",
            "html": html.get_content() if html is not None else ""}
