"""Who is told about what: the event table, creating rows (set-based), reading, marking and opt-outs.

Recipients are resolved with one query per event and inserted with one statement, whatever their number.
Opted-out users get no row at all (neither bell nor mail) unless the kind is a security one. Users without an
e-mail address get the bell only. Nobody is notified of their own action.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import Select, delete, event, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session

from awards import i18n
from awards.db import utcnow
from awards.models import (
    Award,
    Category,
    Committee,
    Membership,
    Nomination,
    Notification,
    NotificationOptOut,
    ScoreSheet,
    User,
)
from awards.notifications import kinds
from awards.pagination import Page

#: ``session.info`` key: this transaction created notifications that have mail to send after it commits.
MAIL_PENDING = "notifications_mail_pending"
#: The languages a user may choose (``users.language``); the first is the default.
LANGUAGES = ("fa", "en")
#: The language notifications are written in when the user has not chosen one.
DEFAULT_LANGUAGE = LANGUAGES[0]

#: A notification's title or body: plain text, the same for every recipient (a name, a reason someone typed),
#: or a message to make in each recipient's language: a lazy string or a function of no arguments.
Text = str | Callable[[], object] | LazyString


def language_of(code: str | None) -> str:
    """A stored language choice as a language to write in: the choice when it is known, else the default."""
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def recipient_language(user: User | None) -> str:
    """The language the user reads their notifications in: the one they chose, else Persian."""
    return language_of(getattr(user, "language", None))


def set_language(session: Session, *, user: User, language: str) -> None:
    """Remember ``user``'s language: their pages and their notifications (bell and mail) speak it from now on."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    user.language = language
    session.flush()


def in_language(text: Text, language: str) -> str:
    """``text`` as a recipient reading ``language`` sees it (messages made under that locale, numbers with its
    digits through the app's message domain)."""
    if isinstance(text, str):
        return text
    with force_locale(language):
        return str(text() if callable(text) and not isinstance(text, LazyString) else text)


# ---------------------------------------------------------------------------------------------------------------
# Creating
# ---------------------------------------------------------------------------------------------------------------

def notify(session: Session, *, user_ids: Select | Iterable[int], kind: str, title: Text, body: Text = "",
           link: str | None = None, dedupe_key: str | None = None, exclude_user_id: int | None = None) -> int:
    """Create one notification per active recipient in ``user_ids`` (a query of user ids, or ids); return how many.

    ``title`` and ``body`` are made once per language among the recipients, each in that language (see
    :data:`Text`). Skips users who opted out of ``kind`` (unless it is a security kind), ``exclude_user_id``
    (the actor) and, with ``dedupe_key``, users who already have a notification with that key. One read and one
    insert.
    """
    if kind not in kinds.KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    ids = user_ids if isinstance(user_ids, Select) else list(user_ids)
    query = select(User.id, User.email, User.language).where(User.id.in_(ids), User.active.is_(True))
    if exclude_user_id is not None:
        query = query.where(User.id != exclude_user_id)
    if not kinds.is_security(kind):
        query = query.where(~exists().where(NotificationOptOut.user_id == User.id, NotificationOptOut.kind == kind))
    if dedupe_key is not None:
        query = query.where(~exists().where(Notification.user_id == User.id, Notification.dedupe_key == dedupe_key))
    recipients = session.execute(query.order_by(User.id)).all()
    if not recipients:
        return 0
    texts = {language: (in_language(title, language)[:300], in_language(body, language) or "")
             for language in {language_of(recipient.language) for recipient in recipients}}
    now = utcnow()
    rows = [{"user_id": user_id, "kind": kind, "title": texts[language_of(code)][0],
             "body": texts[language_of(code)][1], "link": link, "created_at": now,
             "mail_to": (email or "").strip() or None, "mail_attempts": 0, "dedupe_key": dedupe_key}
            for user_id, email, code in recipients]
    session.execute(insert(Notification), rows)
    if any(row["mail_to"] for row in rows):
        session.info[MAIL_PENDING] = True
    return len(rows)


def _officers_of(province_id: int | None) -> Select:
    return select(User.id).where(User.province_id == province_id)


def _organizers() -> Select:
    return select(User.id).where(User.is_organizer.is_(True))


def _nominee(session: Session, nomination_id: int | None) -> str:
    return session.scalar(select(Nomination.nominee_name).where(Nomination.id == nomination_id)) or ""


def _local_title(persian: str, english: str | None) -> str:
    """A category's title in the locale being written: its English title in English when it has one."""
    return persian if i18n.persian_ui() or not english else english


def _dossier(kind: str, title) -> Callable[[Session, Any], None]:
    """A dossier's screening or compliance outcome, to its province's officers; ``title`` is lazy, ``%(name)s``."""
    def handle(session: Session, audit_event) -> None:
        name = _nominee(session, audit_event.object_id)
        notify(session, user_ids=_officers_of(audit_event.province_id), kind=kind,
               title=lambda: str(title) % {"name": name}, body=audit_event.reason or "",
               link=f"/nominations/{audit_event.object_id}", exclude_user_id=audit_event.actor_id)
    return handle


def _sheet_reopened(session: Session, audit_event) -> None:
    row = session.execute(
        select(ScoreSheet.member_id, ScoreSheet.nomination_id, Nomination.nominee_name, Committee.code)
        .join(Nomination, Nomination.id == ScoreSheet.nomination_id)
        .join(Committee, Committee.id == ScoreSheet.committee_id)
        .where(ScoreSheet.id == audit_event.object_id)
    ).one_or_none()
    if row is None:
        return
    notify(session, user_ids=[row.member_id], kind=kinds.SHEET_REOPENED,
           title=_l("برگهٔ امتیاز شما برای «%(name)s» بازگشایی شد", name=row.nominee_name),
           body=audit_event.reason or "", link=f"/evaluation/{row.nomination_id}/{row.code.value}",
           exclude_user_id=audit_event.actor_id)


def _assignment_added(session: Session, audit_event) -> None:
    changes = audit_event.changes or {}
    member_id = (changes.get("member_id") or [None, None])[1]
    code = (changes.get("committee") or [None, None])[1]
    if member_id is None:
        return
    name = _nominee(session, audit_event.nomination_id)
    link = f"/evaluation/{audit_event.nomination_id}/{code}" if code else "/evaluation/"
    notify(session, user_ids=[member_id], kind=kinds.ASSIGNED,
           title=_l("ارزیابی «%(name)s» به شما سپرده شد", name=name), link=link,
           exclude_user_id=audit_event.actor_id)


def _category_titles(session: Session, category_id: int | None) -> tuple[str, str]:
    row = session.execute(select(Category.title, Category.title_en).where(Category.id == category_id)).one_or_none()
    return (row.title, row.title_en) if row is not None else ("", "")


def _assignments_balanced(session: Session, audit_event) -> None:
    created = ((audit_event.changes or {}).get("created") or [None, None])[1] or []
    members = sorted({pair[1] for pair in created if isinstance(pair, list | tuple) and len(pair) == 2})
    if not members:
        return
    persian, english = _category_titles(session, audit_event.object_id)
    notify(session, user_ids=members, kind=kinds.ASSIGNED,
           title=lambda: _("پرونده‌های تازه‌ای از رشتهٔ «%(category)s» برای ارزیابی به شما سپرده شد",
                           category=_local_title(persian, english)),
           link="/evaluation/", exclude_user_id=audit_event.actor_id)


def _results_confirmed(session: Session, audit_event) -> None:
    persian, english = _category_titles(session, audit_event.object_id)
    chairs = select(Membership.user_id).where(Membership.cycle_id == audit_event.cycle_id,
                                              Membership.is_chair.is_(True))
    recipients = select(User.id).where(or_(User.is_organizer.is_(True), User.id.in_(chairs)))
    notify(session, user_ids=recipients, kind=kinds.RESULTS_CONFIRMED,
           title=lambda: _("نتایج رشتهٔ «%(category)s» تأیید و نهایی شد", category=_local_title(persian, english)),
           link=f"/results/{audit_event.object_id}", exclude_user_id=audit_event.actor_id)


def _award_revoked(session: Session, audit_event) -> None:
    row = session.execute(
        select(Nomination.id, Nomination.nominee_name, Nomination.province_id)
        .join(Award, Award.nomination_id == Nomination.id).where(Award.id == audit_event.object_id)
    ).one_or_none()
    if row is None:
        return
    title = _l("جایزهٔ «%(name)s» لغو شد", name=row.nominee_name)
    body = audit_event.reason or ""
    notify(session, user_ids=_officers_of(row.province_id).where(User.is_organizer.is_(False)),
           kind=kinds.AWARD_REVOKED, title=title, body=body, link=f"/nominations/{row.id}",
           exclude_user_id=audit_event.actor_id)
    notify(session, user_ids=_organizers(), kind=kinds.AWARD_REVOKED, title=title, body=body,
           link=f"/certificates/awards/{audit_event.object_id}", exclude_user_id=audit_event.actor_id)


def _password_link(session: Session, audit_event) -> None:
    notify(session, user_ids=[audit_event.object_id], kind=kinds.PASSWORD_LINK,
           title=_l("برای حساب شما پیوند یک‌بارمصرف تعیین گذرواژه صادر شد"),
           body=_l("دبیرخانه این پیوند را به شما می‌دهد. اگر چنین درخواستی نداده‌اید، همین حالا به دبیرخانه خبر دهید."),
           exclude_user_id=audit_event.actor_id)


#: The notification table: audited action → who is told, and what.
HANDLERS: dict[str, Callable[[Session, Any], None]] = {
    "nomination.return": _dossier(kinds.DOSSIER_RETURNED, _l("پروندهٔ «%(name)s» برای اصلاح به استان بازگردانده شد")),
    "nomination.accept": _dossier(kinds.DOSSIER_ACCEPTED, _l("پروندهٔ «%(name)s» برای ارزیابی پذیرفته شد")),
    "nomination.fail_compliance": _dossier(kinds.COMPLIANCE_FAILED,
                                           _l("پروندهٔ «%(name)s» در بررسی انطباق رد شد")),
    "sheet.reopen": _sheet_reopened,
    "assignment.add": _assignment_added,
    "assignment.balance": _assignments_balanced,
    "results.confirm": _results_confirmed,
    "award.revoke": _award_revoked,
    "user.password_link": _password_link,
}


def on_event(session: Session, audit_event) -> None:
    """Create the notifications an audited event calls for (called by ``record`` for every event), each in its
    recipient's language."""
    handler = HANDLERS.get(audit_event.action)
    if handler is not None:
        handler(session, audit_event)


def notify_reminder(session: Session, *, users: Iterable[User], cycle, deadline_name: str, actor: User | None) -> int:
    """A chair's "remind" button: tell ``users`` that ``cycle``'s ``deadline_name`` deadline is near.

    ``deadline_name`` is a timeline field (``nominations_close_at``, ``evaluation_close_at``, ...). Opt-outs of
    reminders apply; there is no dedupe (the chair asked for it). Each user reads it in their language. Returns
    how many were created.
    """
    from awards.notifications.reminders import reminder_text  # here: reminders imports this module (cycle)

    title, body, link = reminder_text(cycle, deadline_name)
    return notify(session, user_ids=[user.id for user in users], kind=kinds.REMINDER, title=title, body=body,
                  link=link, exclude_user_id=actor.id if actor is not None else None)


# ---------------------------------------------------------------------------------------------------------------
# Reading and marking
# ---------------------------------------------------------------------------------------------------------------

def unread_count(session: Session, *, user_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Notification)
                          .where(Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def list_for(session: Session, *, user_id: int, page: int, page_size: int) -> Page:
    """The user's notifications, newest first, one page (two statements)."""
    total = session.scalar(select(func.count()).select_from(Notification).where(Notification.user_id == user_id))
    pages = max(1, -(-total // page_size))
    page = min(max(1, page), pages)
    items = list(session.scalars(select(Notification).where(Notification.user_id == user_id)
                                 .order_by(Notification.created_at.desc(), Notification.id.desc())
                                 .limit(page_size).offset((page - 1) * page_size)))
    return Page(items=items, total=total, number=page, size=page_size)


def mark_read(session: Session, *, user: User, notification_id: int) -> Notification | None:
    """Mark one of the user's own notifications read; None when it is not theirs (or does not exist)."""
    notification = session.scalar(select(Notification).where(Notification.id == notification_id,
                                                             Notification.user_id == user.id))
    if notification is not None and notification.read_at is None:
        notification.read_at = utcnow()
        session.flush()
    return notification


def mark_all_read(session: Session, *, user: User) -> int:
    result = session.execute(update(Notification)
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None))
                             .values(read_at=utcnow()))
    return result.rowcount


# ---------------------------------------------------------------------------------------------------------------
# Opt-outs
# ---------------------------------------------------------------------------------------------------------------

def opted_out(session: Session, *, user_id: int) -> set[str]:
    return set(session.scalars(select(NotificationOptOut.kind).where(NotificationOptOut.user_id == user_id)))


def set_opt_outs(session: Session, *, user: User, receive: Iterable[str]) -> set[str]:
    """Keep the kinds in ``receive``, opt out of every other optional kind; security kinds are always kept.

    Unknown kinds in ``receive`` are ignored. Returns the opted-out kinds.
    """
    wanted = set(receive)
    out = {code for code, kind in kinds.KINDS.items() if not kind.security and code not in wanted}
    session.execute(delete(NotificationOptOut).where(NotificationOptOut.user_id == user.id))
    if out:
        session.execute(insert(NotificationOptOut), [{"user_id": user.id, "kind": code} for code in sorted(out)])
    session.flush()
    return out


def save_choices(session: Session, *, user: User, language: str, receive: Iterable[str]) -> str:
    """The notification settings page: the user's language and the kinds they receive. Returns the language."""
    set_language(session, user=user, language=language)
    set_opt_outs(session, user=user, receive=receive)
    return language


# ---------------------------------------------------------------------------------------------------------------
# Mail after commit
# ---------------------------------------------------------------------------------------------------------------

@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    if not session.info.pop(MAIL_PENDING, False) or not has_app_context():
        return  # without an app (a script's own session) the periodic sweep sends it
    from awards.notifications.tasks import enqueue_pending_mail  # here: tasks -> reminders -> this module

    enqueue_pending_mail()


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(MAIL_PENDING, None)
