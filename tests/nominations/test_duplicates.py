"""Duplicate nominees: the same national company ID or national code twice in a cycle, from any province, is
flagged on both dossiers and in the screening queue (issue 13, item 8)."""

from __future__ import annotations

from sqlalchemy import event

from awards.enums import NominationState
from awards.extensions import db
from awards.nominations.queries import duplicate_nominees
from tests.nominations.conftest import PHARMA, by_name

IRON = "شرکت معدنی سنگ آهن بافق"  # Yazd, submitted like Tehran's pharma company


def _same_legal_id(session):
    """Yazd's iron-ore company now carries the Tehran pharma company's national company ID (both submitted)."""
    pharma, iron = by_name(session, PHARMA), by_name(session, IRON)
    iron.legal_id = pharma.legal_id
    session.commit()
    return by_name(session, PHARMA), by_name(session, IRON)


def test_duplicates_flag_both_dossiers_across_provinces(session, demo):
    pharma, iron = _same_legal_id(session)
    assert pharma.province_id != iron.province_id
    found = duplicate_nominees(session, nominations=[pharma, iron])
    assert [(d.nomination_id, d.field) for d in found[pharma.id]] == [(iron.id, "legal_id")]
    assert [(d.nomination_id, d.field) for d in found[iron.id]] == [(pharma.id, "legal_id")]


def test_duplicates_none_in_the_demo_as_it_stands(session, demo):
    nominations = [by_name(session, PHARMA), by_name(session, IRON)]
    assert duplicate_nominees(session, nominations=nominations) == {}


def test_duplicates_a_withdrawn_dossier_no_longer_counts(session, demo):
    pharma, iron = _same_legal_id(session)
    iron.state = NominationState.WITHDRAWN
    session.commit()
    assert duplicate_nominees(session, nominations=[pharma]) == {}


def test_duplicates_one_statement_whatever_the_number_asked(session, demo, app):
    pharma, iron = _same_legal_id(session)
    ids = (pharma.id, iron.id)  # loaded now, so the count below is the query's alone
    statements = []

    def _count(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):  # not the connection's BEGIN or PRAGMA
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", _count)
    try:
        with app.app_context():
            duplicate_nominees(db.session, nominations=[pharma, iron])
            db.session.rollback()
    finally:
        event.remove(db.engine, "before_cursor_execute", _count)
    assert len(statements) == 1
    assert ids


def test_duplicates_screening_queue_shows_both_with_links(session, demo, client, login_as):
    pharma, iron = _same_legal_id(session)
    login_as("provincial_affairs-chair")
    html = client.get("/screening/").get_data(as_text=True)
    assert html.count("نامزد تکراری") == 2
    assert f'href="/nominations/{iron.id}"' in html and f'href="/nominations/{pharma.id}"' in html


def test_duplicates_officer_sees_a_count_not_the_other_province_dossier(session, demo, client, login_as):
    _pharma, iron = _same_legal_id(session)
    login_as("yazd")
    html = client.get(f"/nominations/{iron.id}").get_data(as_text=True)
    assert "نامزد تکراری" in html
    assert "۱ پروندهٔ دیگر از استان‌های دیگر" in html
    assert PHARMA not in html  # nothing of Tehran's dossier reaches Fars


def test_duplicates_organizer_sees_the_other_dossier_by_name(session, demo, client, login_as):
    pharma, iron = _same_legal_id(session)
    login_as("admin")
    html = client.get(f"/nominations/{pharma.id}").get_data(as_text=True)
    assert IRON in html and f'href="/nominations/{iron.id}"' in html
