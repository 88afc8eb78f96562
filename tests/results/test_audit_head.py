"""A final result's digest seals the audit chain head: shown with the digest, exported, and verified."""

from __future__ import annotations

from sqlalchemy import select, text

from awards.audit.services import verify_chain
from awards.models import AuditEvent
from awards.models.audit import AUDIT_GUARD_DROPS
from awards.results import exports, services
from awards.results.queries import load_results
from tests.conftest import login
from tests.factories import seal_winners_minutes, sign_off_all
from tests.results.conftest import cluster, user


def _finalise(session):
    sign_off_all(session, cluster(session))
    seal_winners_minutes(session, cluster(session))
    services.propose(session, category=cluster(session), actor=user(session, "winners-chair"))
    session.commit()
    services.confirm(session, category=cluster(session), actor=user(session, "admin"))
    session.commit()
    return cluster(session)


def test_confirm_seals_the_chain_head_after_its_transitions(scored, session):
    category = _finalise(session)
    head = session.get(AuditEvent, category.audit_head_event_id)
    assert head.hash == category.audit_head_hash
    assert head.action.startswith("nomination.")  # the last transition of this confirmation
    later = session.scalars(select(AuditEvent.action).where(AuditEvent.id > head.id).order_by(AuditEvent.id)).all()
    assert later[-1] == services.CONFIRM_ACTION and set(later[:-1]) == {"award.issue"}
    confirm_event = session.scalar(select(AuditEvent).where(AuditEvent.action == services.CONFIRM_ACTION))
    assert confirm_event.changes["audit_head_hash"] == [None, category.audit_head_hash]


def test_digest_without_the_head_differs(scored, session):
    category = _finalise(session)
    data = load_results(session, category=category)
    serials = {a.nomination_id: a.serial for a in data.awards.values()}
    bare = services.result_payload(cycle_year=1404, category_code="cluster", result=data.result, serials=serials)
    assert services.digest(bare) != category.result_digest
    assert services.verify_category(session, category=category) == []


def test_verify_reports_an_edited_head_event(scored, session, app):
    category = _finalise(session)
    for statement in AUDIT_GUARD_DROPS[session.get_bind().dialect.name]:
        session.execute(text(statement))
    session.execute(text("UPDATE audit_events SET reason = 'جعلی' WHERE id = :id"),
                    {"id": category.audit_head_event_id})
    session.execute(text("UPDATE audit_events SET hash = :h WHERE id = :id"),
                    {"h": "e" * 64, "id": category.audit_head_event_id})
    session.commit()
    differences = services.verify_category(session, category=cluster(session))
    assert [(d.what, d.stored, d.recomputed) for d in differences] == [
        ("audit_head", category.audit_head_hash, "e" * 64)]
    result = app.test_cli_runner().invoke(args=["results", "verify", "--cycle", "1404"])
    assert result.exit_code == 1 and "audit" in result.output
    assert not verify_chain(session).ok


def test_result_sealed_before_the_chain_still_verifies(scored, session):
    category = _finalise(session)
    data = load_results(session, category=category)
    serials = {a.nomination_id: a.serial for a in data.awards.values()}
    category.audit_head_event_id = category.audit_head_hash = None
    category.result_digest = services.digest(services.result_payload(
        cycle_year=1404, category_code="cluster", result=data.result, serials=serials))
    session.commit()
    assert services.verify_category(session, category=cluster(session)) == []


def test_export_and_page_show_the_head(scored, session, client):
    category = _finalise(session)
    rows = dict(exports.info_table(load_results(session, category=category)).rows)
    assert rows["چکیدهٔ سر زنجیرهٔ دفتر ممیزی"] == category.audit_head_hash
    assert rows["سر زنجیرهٔ دفتر ممیزی در چکیده (شمارهٔ رویداد)"] == category.audit_head_event_id
    login(client, "admin")
    for path in (f"/results/{category.id}", "/results/"):
        assert category.audit_head_hash in client.get(path).get_data(as_text=True)
