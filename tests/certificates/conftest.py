"""The demo carried to its frozen result, so awards exist to print, verify and revoke."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from awards.demo import MASKATI
from awards.models import Award, Nomination


@pytest.fixture
def final(demo_final):
    return demo_final


@pytest.fixture
def maskati_award(final, session) -> Award:
    return session.scalar(select(Award).join(Nomination).where(Nomination.nominee_name == MASKATI))
