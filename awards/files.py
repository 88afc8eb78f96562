"""Stored files that follow the database transaction.

Uploaded bytes live on disk, their rows in the database; the two must not drift apart.  A file that
is to be deleted goes only once the transaction that deleted its row commits (a failed commit must
not leave a row without its file), and a file written for a new row goes again if that transaction
rolls back (no orphans).  The paths wait in ``session.info`` until the session's outermost
transaction ends.
"""

from __future__ import annotations

import errno
import logging
import os
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session

from awards.errors import DomainError

log = logging.getLogger("awards.files")
DISK_FULL_MESSAGE = "فضای ذخیره‌سازی سرور پر است و پرونده ذخیره نشد؛ چیزی ثبت نشد. لطفاً به دبیرخانه خبر دهید."
WRITE_FAILED_MESSAGE = "پرونده روی سرور ذخیره نشد؛ چیزی ثبت نشد. دوباره امتحان کنید."


def write_new(path: Path, data: bytes, *, field: str) -> None:
    """Write ``data`` to a new file at ``path`` (never over an existing one), whole or not at all.

    A failed write (disk full, quota, I/O error) removes what was written and raises a ``DomainError`` for
    ``field`` with a message the user can act on, so the caller saves no row for a file that is not there.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    except OSError as error:
        os.close(fd)
        path.unlink(missing_ok=True)
        log.error("could not write %s: %s", path.name, error)
        full = error.errno in (errno.ENOSPC, errno.EDQUOT)
        # The constants stay Persian (the tests compare with them); the refusal speaks the reader's language.
        message = (_("فضای ذخیره‌سازی سرور پر است و پرونده ذخیره نشد؛ چیزی ثبت نشد. لطفاً به دبیرخانه خبر دهید.")
                   if full else _("پرونده روی سرور ذخیره نشد؛ چیزی ثبت نشد. دوباره امتحان کنید."))
        raise DomainError(message, field=field) from error
    os.close(fd)

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
