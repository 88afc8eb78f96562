"""Helpers for the notification tests: reading a user's notifications, giving demo users addresses."""

from __future__ import annotations

from sqlalchemy import select

from awards.models import Notification, User


def user_named(session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username).execution_options(populate_existing=True))
    session.commit()
    return user


def notifications_of(session, username: str, *, kind: str | None = None) -> list[Notification]:
    """The user's notifications, oldest first, fresh (the test's session ends its transaction at once; objects
    the caller holds are not expired, so touching them later does not open a transaction before a request)."""
    query = (select(Notification).join(User, User.id == Notification.user_id).where(User.username == username)
             .order_by(Notification.id))
    if kind is not None:
        query = query.where(Notification.kind == kind)
    rows = list(session.scalars(query.execution_options(populate_existing=True)))
    session.commit()
    return rows


def give_email(session, **addresses: str) -> None:
    """Set ``username=address`` on demo users, committed."""
    for username, address in addresses.items():
        session.scalar(select(User).where(User.username == username)).email = address
    session.commit()


def give_language(session, **languages: str) -> None:
    """Set ``username=language`` (the account's chosen language) on demo users, committed."""
    for username, language in languages.items():
        session.scalar(select(User).where(User.username == username)).language = language
    session.commit()
