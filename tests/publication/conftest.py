"""The demo at its final stage (page opened), and the same demo before the media chair did anything."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from awards import clock
from awards.demo import MASKATI, STAGE_MOMENTS, jalali_moment
from awards.models import AuditEvent, Award, Nomination, Publication

#: The demo's ceremony: 4 Shahrivar 1404, 10:00 Tehran.
BEFORE_CEREMONY_DAY = jalali_moment(1404, 6, 3, 23, 0)
CEREMONY_MORNING = jalali_moment(1404, 6, 4, 8, 0)


@pytest.fixture
def final(demo_final):
    return demo_final


@pytest.fixture
def unpublished(demo_final, session):
    """The final demo as the media chair found it: results confirmed, nothing written or approved, 2 Tir."""
    session.execute(delete(Publication))
    session.commit()
    clock.freeze(STAGE_MOMENTS["results"])
    return demo_final


def publication(session) -> Publication | None:
    """The cycle's publication as the database now holds it (a new transaction, so what a request wrote shows)."""
    session.commit()
    return session.scalar(select(Publication))


def maskati_award(session) -> Award:
    return session.scalar(select(Award).join(Nomination).where(Nomination.nominee_name == MASKATI))


def event_count(session) -> int:
    session.commit()
    return len(session.scalars(select(AuditEvent.id)).all())
