"""Sheet, conflict and reopen services: the rules themselves, audit entries, and racing submits."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from awards import clock
from awards.db import db
from awards.enums import SheetState
from awards.errors import DomainError, InvalidTransition, PermissionDenied
from awards.evaluation import conflicts, services
from awards.models import AuditEvent, Conflict, Nomination, ScoreSheet, User
from awards.results.queries import load_results
from tests.evaluation.factories import (
    STEEL,
    committee,
    decimal_values,
    make_nominations,
    nomination_named,
    user,
)


def _save(session, nomination, username, value="10", *, submit=True, code="winners", comment=""):
    return services.save_sheet(session, nomination=nomination, committee=committee(session, code),
                               actor=user(session, username), values=decimal_values(session, nomination, value, code),
                               comment=comment, submit=submit)


def test_save_sheet_audits_each_changed_value(session, demo):
    steel = nomination_named(session, STEEL)
    sheet = _save(session, steel, "winners-1", "10", submit=False)
    _save(session, steel, "winners-1", "12.5", submit=True, comment="خوب")
    events = list(session.scalars(select(AuditEvent).where(AuditEvent.object_type == "score_sheet",
                                                           AuditEvent.object_id == sheet.id).order_by(AuditEvent.id)))
    assert [e.action for e in events] == ["sheet.save", "sheet.submit"]
    first_criterion = f"criterion:{sheet.scores[0].criterion_id}"
    assert events[1].changes[first_criterion] == ["10", "12.5"]
    assert events[1].changes["state"] == ["draft", "submitted"]
    assert events[1].changes["comment"] == ["", "خوب"]


def test_save_sheet_refuses_value_outside_range_with_field_errors(session, demo):
    steel = nomination_named(session, STEEL)
    rows = decimal_values(session, steel, "10")
    first, second, *_ = rows
    rows[first], rows[second] = Decimal("-0.5"), Decimal("7.3")
    with pytest.raises(services.FormErrors) as refused:
        services.save_sheet(session, nomination=steel, committee=committee(session, "winners"),
                            actor=user(session, "winners-1"), values=rows, comment="", submit=False)
    assert refused.value.errors == {first: "نمره نمی‌تواند منفی باشد.",
                                    second: "نمره باید عدد درست یا با گام نیم باشد (مثلاً ۱۲ یا ۱۲٫۵)."}


def test_submitted_sheet_cannot_be_saved_again(session, demo):
    steel = nomination_named(session, STEEL)
    _save(session, steel, "winners-1")
    with pytest.raises(InvalidTransition, match="قفل"):
        _save(session, steel, "winners-1", "5", submit=False)


def test_member_of_other_committee_cannot_save(session, demo):
    steel = nomination_named(session, STEEL)
    with pytest.raises(PermissionDenied):
        services.save_sheet(session, nomination=steel, committee=committee(session, "winners"),
                            actor=user(session, "media-1"), values={}, comment="", submit=False)


def test_reopen_needs_chair_reason_and_submitted_sheet(session, demo):
    steel = nomination_named(session, STEEL)
    sheet = _save(session, steel, "winners-1")
    with pytest.raises(PermissionDenied):
        services.reopen_sheet(session, sheet=sheet, actor=user(session, "winners-2"), reason="x")
    with pytest.raises(DomainError, match="دلیل"):
        services.reopen_sheet(session, sheet=sheet, actor=user(session, "winners-chair"), reason="  ")
    services.reopen_sheet(session, sheet=sheet, actor=user(session, "winners-chair"), reason="خطای ورود")
    assert (sheet.state, sheet.submitted_at, sheet.reopened_reason) == (SheetState.DRAFT, None, "خطای ورود")
    with pytest.raises(InvalidTransition):
        services.reopen_sheet(session, sheet=sheet, actor=user(session, "winners-chair"), reason="دوباره")
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "sheet.reopen"))
    assert (event.reason, event.changes) == ("خطای ورود", {"state": ["submitted", "draft"]})


# --------------------------------------------------------------------------------------------- conflicts


def test_override_rule_flag_needs_organizer_and_reason(session, demo):
    member = user(session, "winners-1")
    member.organisation = "فولاد سپاهان نوین"
    conflicts.flag_conflicts(session, cycle=demo.cycle)
    flag = session.scalar(select(Conflict).where(Conflict.user_id == member.id))
    with pytest.raises(PermissionDenied):
        services.override_conflict(session, conflict=flag, actor=user(session, "winners-chair"), reason="x")
    with pytest.raises(DomainError, match="دلیل"):
        services.override_conflict(session, conflict=flag, actor=demo.users["admin"], reason="")
    services.override_conflict(session, conflict=flag, actor=demo.users["admin"], reason="همنامی")
    assert (flag.is_active, flag.override_reason) == (False, "همنامی")
    assert conflicts.active_conflict(session, nomination_id=flag.nomination_id, user_id=member.id) is None
    assert conflicts.flag_conflicts(session, cycle=demo.cycle) == 0  # an overridden flag is not raised again


def test_declared_conflict_twice_is_refused(session, demo):
    steel = nomination_named(session, STEEL)
    services.declare_conflict(session, nomination=steel, actor=user(session, "winners-1"), reason="سهام‌دارم")
    with pytest.raises(InvalidTransition):
        services.declare_conflict(session, nomination=steel, actor=user(session, "winners-1"), reason="باز")


def test_sheet_written_before_conflict_no_longer_counts(session, demo):
    steel = nomination_named(session, STEEL)
    sheet = _save(session, steel, "winners-1", "16")

    def counted() -> int:
        return load_results(session, category=steel.category).result.nominee(steel.id).committees["winners"].sheets

    assert counted() == 1
    services.declare_conflict(session, nomination=steel, actor=user(session, "winners-1"),
                              reason="پس از ارسال دریافتم که مشاور این شرکت بوده‌ام.")
    assert counted() == 0
    assert session.get(ScoreSheet, sheet.id).state == SheetState.SUBMITTED  # kept, for the record
    with pytest.raises(PermissionDenied):
        services.check_scoring_allowed(session, nomination=steel, committee=committee(session, "winners"),
                                       actor=user(session, "winners-1"),
                                       criteria=services.criteria_of(session, category_id=steel.category_id,
                                                                     committee_id=committee(session, "winners").id))


def test_conflict_refused_once_category_is_final(session, demo):
    steel = nomination_named(session, STEEL)
    steel.category.finalised_at = clock.now()
    session.flush()
    with pytest.raises(DomainError, match="نهایی"):
        services.declare_conflict(session, nomination=steel, actor=user(session, "winners-1"), reason="x")


# --------------------------------------------------------------------------------------------- racing submits


@pytest.mark.postgres_only
def test_double_submit_under_racing_requests_saves_one_sheet(app, session, demo):
    nomination = make_nominations(session, demo, "industry", 1)[0]
    session.commit()
    ids = {"nomination": nomination.id, "committee": committee(session, "winners").id,
           "member": user(session, "winners-1").id}
    values = decimal_values(session, nomination, "11.5")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit_once() -> None:
        own = db.session_factory()
        try:
            target = own.get(Nomination, ids["nomination"])
            board = committee(own, "winners")
            member = own.get(User, ids["member"])
            barrier.wait()
            services.save_sheet(own, nomination=target, committee=board, actor=member, values=values,
                                comment="", submit=True)
            own.commit()
            outcomes.append("saved")
        except DomainError as error:
            own.rollback()
            outcomes.append(type(error).__name__)
        finally:
            own.close()

    threads = [threading.Thread(target=submit_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    session.expire_all()
    sheets = list(session.scalars(select(ScoreSheet).where(ScoreSheet.nomination_id == ids["nomination"])))
    assert sorted(outcomes) == ["InvalidTransition", "saved"]
    assert len(sheets) == 1
    assert sheets[0].state == SheetState.SUBMITTED
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "sheet.submit", AuditEvent.nomination_id == ids["nomination"])) == 1
