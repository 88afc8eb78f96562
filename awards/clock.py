"""The app's notion of "now".

Real time, except in a demo database: ``seed-demo`` replays the 1404 cycle, whose dates lie in the past,
so it stores an offset that moves the app's clock into the replayed phase. The UI shows a banner whenever
an offset is in force, and the production config refuses one.

Sessions run on :func:`wall_now` instead: cookies live in the browser's real time, and a session must not end
because a test (or a demo replay) moved the app's calendar.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_offset = timedelta(0)
_frozen: datetime | None = None
_wall_frozen: datetime | None = None

SETTING_KEY = "clock_offset_seconds"


def now() -> datetime:
    """Return the current moment, aware UTC, as the app sees it."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC) + _offset


def offset() -> timedelta:
    return _offset


def set_offset(value: timedelta) -> None:
    """Shift the app's clock by ``value`` (demo replays only)."""
    global _offset
    _offset = value


def offset_to(moment: datetime) -> timedelta:
    """Return the offset that makes the clock read ``moment`` right now."""
    return moment - datetime.now(UTC)


def freeze(moment: datetime | None) -> None:
    """Stop the clock at ``moment`` (tests); ``None`` lets it run again."""
    global _frozen
    _frozen = moment


def wall_now() -> datetime:
    """Return real time, aware UTC: never shifted by a replay offset nor stopped by :func:`freeze`."""
    if _wall_frozen is not None:
        return _wall_frozen
    return datetime.now(UTC)


def freeze_wall(moment: datetime | None) -> None:
    """Stop the wall clock of sessions at ``moment`` (tests); ``None`` lets it run again."""
    global _wall_frozen
    _wall_frozen = moment
