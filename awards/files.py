"""Stored files that follow the database transaction.

Uploaded bytes live on disk, their rows in the database; the two must not drift apart.  A file that
is to be deleted goes only once the transaction that deleted its row commits (a failed commit must
not leave a row without its file), and a file written for a new row goes again if that transaction
rolls back (no orphans).  The paths wait in ``session.info`` until the session's outermost
transaction ends.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

_ON_COMMIT = "awards.unlink_on_commit"
_ON_ROLLBACK = "awards.unlink_on_rollback"


def unlink_on_commit(session: Session, path: Path) -> None:
    """Delete ``path`` when the session's transaction commits (forget it if it rolls back)."""
    session.info.setdefault(_ON_COMMIT, []).append(Path(path))


def unlink_on_rollback(session: Session, path: Path) -> None:
    """Delete ``path`` if the session's transaction rolls back (keep it if it commits)."""
    session.info.setdefault(_ON_ROLLBACK, []).append(Path(path))


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    for path in session.info.pop(_ON_COMMIT, ()):
        path.unlink(missing_ok=True)
    session.info.pop(_ON_ROLLBACK, None)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    for path in session.info.pop(_ON_ROLLBACK, ()):
        path.unlink(missing_ok=True)
    session.info.pop(_ON_COMMIT, None)
