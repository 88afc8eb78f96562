"""Importing a file: all or nothing, refusals leave the session clean, the batch is audited with its digest."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from awards.errors import PermissionDenied
from awards.imports import services
from awards.models import AuditEvent, Nomination
from tests.imports.conftest import good_row, make_csv, table


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_import_by_non_officer_raises_and_leaves_session_clean(demo, session):
    before = (_count(session, Nomination), _count(session, AuditEvent))

    with pytest.raises(PermissionDenied):
        services.import_nominations(session, actor=demo.users["admin"], category=demo.categories["industry"],
                                    filename="a.csv", data=make_csv(table([good_row(1)])))

    assert list(session.new) == []
    assert (_count(session, Nomination), _count(session, AuditEvent)) == before


def test_import_returns_created_drafts_and_batch_digest(demo, session):
    data = make_csv(table([good_row(1), good_row(2)]))

    result = services.import_nominations(session, actor=demo.users["fars"], category=demo.categories["industry"],
                                         filename="../../etc/نامزدها.csv", data=data)

    assert [n.nominee_name for n in result.created] == ["شرکت آزمون شماره 1", "شرکت آزمون شماره 2"]
    assert result.filename == "نامزدها.csv"
    assert len(result.sha256) == 64
    batch = session.scalar(select(AuditEvent).where(AuditEvent.action == "import.batch"))
    assert batch.changes["rows"] == [None, 2]
    assert batch.object_id == demo.categories["industry"].id
