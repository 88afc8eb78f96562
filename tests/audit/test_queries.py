"""Audit log reads: change descriptions, the page window, Tehran-day bounds."""

from __future__ import annotations

from datetime import UTC, date, datetime

from awards.audit.queries import describe_changes, tehran_day_start
from awards.pagination import Page


def test_describe_changes_types_dates_states_and_codes():
    rows = describe_changes({
        "nominations_close_at": ["2025-05-21T20:29:00+00:00", "2025-05-26T20:29:00+00:00"],
        "state": ["submitted", "draft"],
        "sha256": [None, "ab" * 32],
        "city": ["شیراز", "لار"],
    })
    assert [(row.field, row.kind) for row in rows] == [
        ("nominations_close_at", "datetime"), ("state", "label"), ("sha256", "code"), ("city", "text")]
    assert rows[0].after == datetime(2025, 5, 26, 20, 29, tzinfo=UTC)
    assert str(rows[1].label) == "وضعیت"


def test_describe_changes_accepts_a_plain_value():
    [row] = describe_changes({"note": "تنها مقدار"})
    assert (row.before, row.after, row.label) == (None, "تنها مقدار", "note")


def test_page_window_marks_gaps():
    page = Page(items=[], number=7, size=10, total=200)
    assert page.pages == 20
    assert page.window == [1, None, 5, 6, 7, 8, 9, None, 20]


def test_page_of_nothing_has_one_page():
    page = Page(items=[], number=1, size=50, total=0)
    assert (page.pages, page.window, page.first_index, page.last_index) == (1, [1], 0, 0)


def test_tehran_day_starts_at_half_past_eight_the_evening_before_utc():
    assert tehran_day_start(date(2025, 5, 1)) == datetime(2025, 4, 30, 20, 30, tzinfo=UTC)


def test_distinct_actions_hop_along_the_index_to_the_same_list(demo, session):
    from sqlalchemy import select  # here: the other tests of this module need no database

    from awards.audit.queries import distinct_actions
    from awards.models import AuditEvent

    plain = list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
    assert len(plain) > 5 and distinct_actions(session) == plain


def test_events_since_the_last_verification_count_the_tail_or_everything(demo, session):
    from sqlalchemy import func, select  # here: the other tests of this module need no database

    from awards.audit.queries import chain_status
    from awards.models import AuditChainHead, AuditEvent

    everything = session.scalar(select(func.count()).select_from(AuditEvent))
    head = session.get(AuditChainHead, 1)
    head.verified_event_id = None
    session.flush()
    assert chain_status(session).events_since == everything
    head.verified_event_id = head.last_event_id - 3
    session.flush()
    assert chain_status(session).events_since == 3
