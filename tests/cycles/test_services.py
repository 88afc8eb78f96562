"""Timeline edits, deadline extensions and ceremony postponement (services, no request)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from awards import clock
from awards.cycles.services import TimelineInvalid, postpone_ceremony, timeline_errors, update_timeline
from awards.demo import jalali_moment
from awards.enums import NominationAction, NominationState
from awards.errors import DomainError, PermissionDenied, PhaseClosed
from awards.models import AuditEvent, Cycle
from awards.models.cycle import TIMELINE_FIELDS
from awards.nominations.services import transition


def _events(session, action):
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_extension_moves_deadline_and_audits_before_after(demo, session):
    cycle, admin = demo.cycle, demo.users["admin"]
    old = cycle.nominations_close_at
    new = jalali_moment(1404, 3, 5, 23, 59)
    changes = update_timeline(session, cycle=cycle, actor=admin, values={"nominations_close_at": new},
                              reason="درخواست استان‌ها برای فرصت بیشتر")
    assert cycle.nominations_close_at == new
    assert changes == {"nominations_close_at": [old.isoformat(), new.isoformat()]}
    [event] = _events(session, "cycle.extend")
    assert event.changes == {"nominations_close_at": [old.isoformat(), new.isoformat()]}
    assert event.reason == "درخواست استان‌ها برای فرصت بیشتر"
    assert event.actor_id == admin.id
    assert event.cycle_id == cycle.id


def test_extension_without_reason_is_refused(demo, session):
    with pytest.raises(DomainError) as caught:
        update_timeline(session, cycle=demo.cycle, actor=demo.users["admin"],
                        values={"screening_close_at": jalali_moment(1404, 3, 20, 23, 59)}, reason="  ")
    assert caught.value.field == "reason"
    assert "دلیل" in caught.value.message
    assert demo.cycle.screening_close_at == jalali_moment(1404, 3, 15, 23, 59)


def test_moving_a_deadline_earlier_needs_no_reason(demo, session):
    new = jalali_moment(1404, 3, 25, 23, 59)
    update_timeline(session, cycle=demo.cycle, actor=demo.users["admin"], values={"evaluation_close_at": new},
                    reason=None)
    assert demo.cycle.evaluation_close_at == new
    [event] = _events(session, "cycle.timeline")
    assert list(event.changes) == ["evaluation_close_at"]


def test_unchanged_timeline_records_nothing(demo, session):
    cycle = demo.cycle
    values = {name: getattr(cycle, name) for name in TIMELINE_FIELDS}
    assert update_timeline(session, cycle=cycle, actor=demo.users["admin"], values=values, reason=None) == {}
    assert _events(session, "cycle.timeline") == [] and _events(session, "cycle.extend") == []


def test_dates_out_of_order_are_refused_per_field(demo, session):
    with pytest.raises(TimelineInvalid) as caught:
        update_timeline(session, cycle=demo.cycle, actor=demo.users["admin"], reason="x",
                        values={"nominations_close_at": jalali_moment(1404, 3, 20, 23, 59)})
    # The changed field is the one to blame: it now comes after the close of screening.
    assert list(caught.value.errors) == ["nominations_close_at"]
    assert "پایان غربالگری" in caught.value.errors["nominations_close_at"]


def test_open_must_come_strictly_before_close():
    close = jalali_moment(1404, 2, 31, 23, 59)
    values = {"nominations_open_at": close, "nominations_close_at": close,
              "screening_close_at": close, "evaluation_close_at": close, "results_final_at": close,
              "ceremony_at": close}
    assert list(timeline_errors(values)) == ["nominations_close_at"]


def test_results_after_ceremony_is_blamed_on_results(demo, session):
    with pytest.raises(TimelineInvalid) as caught:
        update_timeline(session, cycle=demo.cycle, actor=demo.users["admin"], reason="x",
                        values={"results_final_at": jalali_moment(1404, 6, 10, 12, 0)})
    assert list(caught.value.errors) == ["results_final_at"]
    assert "تعویق" in caught.value.errors["results_final_at"]


def test_ceremony_cannot_move_through_timeline_edit(demo, session):
    with pytest.raises(DomainError) as caught:
        update_timeline(session, cycle=demo.cycle, actor=demo.users["admin"], reason="x",
                        values={"ceremony_at": jalali_moment(1404, 6, 20, 10, 0)})
    assert caught.value.field == "ceremony_at"


@pytest.mark.parametrize("username", ["fars", "oversight-chair", "winners-chair"])
def test_timeline_edit_by_non_organizer_is_refused(demo, session, username):
    with pytest.raises(PermissionDenied):
        update_timeline(session, cycle=demo.cycle, actor=demo.users[username], reason="x",
                        values={"nominations_close_at": jalali_moment(1404, 3, 1, 23, 59)})


def test_submit_allowed_again_after_nominations_deadline_extended(demo, session):
    from awards.demo import demo_pdf
    from awards.nominations import documents
    from awards.nominations.services import create_draft

    officer = demo.users["tehran"]
    draft = create_draft(session, actor=officer, category=demo.categories["project"], values={
        "nominee_name": "طرح آزمایشی تهران", "representative_name": "نماینده", "representative_title": "مدیر طرح",
        "city": "تهران", "sector": "انرژی", "narrative": "شرح دستاوردها"})
    documents.add_document(session, actor=officer, nomination=draft, filename="x.pdf", data=demo_pdf("x"),
                           upload_dir=demo.upload_dir, max_bytes=demo.max_bytes)
    clock.freeze(jalali_moment(1404, 3, 5, 10, 0))
    with pytest.raises(PhaseClosed):
        transition(session, nomination=draft, action=NominationAction.SUBMIT, actor=officer)
    update_timeline(session, cycle=demo.cycle, actor=demo.users["admin"], reason="فرصت بیشتر برای استان‌ها",
                    values={"nominations_close_at": jalali_moment(1404, 3, 10, 23, 59)})
    assert transition(session, nomination=draft, action=NominationAction.SUBMIT,
                      actor=officer) == NominationState.SUBMITTED


def test_postponement_keeps_first_planned_date_and_records_reason(demo, session):
    cycle = demo.cycle
    first_planned = cycle.ceremony_postponed_from
    old = cycle.ceremony_at
    new = jalali_moment(1404, 6, 25, 10, 0)
    postpone_ceremony(session, cycle=cycle, actor=demo.users["admin"], new_date=new, reason="هم‌زمانی با سفر رئیس‌جمهور")
    assert cycle.ceremony_at == new
    assert cycle.ceremony_postponed_from == first_planned == jalali_moment(1404, 4, 10, 10, 0)
    assert cycle.ceremony_postponed_reason == "هم‌زمانی با سفر رئیس‌جمهور"
    [event] = _events(session, "cycle.postpone_ceremony")
    assert event.reason == "هم‌زمانی با سفر رئیس‌جمهور"
    assert event.changes["ceremony_at"] == [old.isoformat(), new.isoformat()]
    assert "ceremony_postponed_from" not in event.changes


def test_first_postponement_remembers_the_original_date(demo, session):
    cycle = Cycle(year=1405, title="روز ملی صنعت و معدن ۱۴۰۵",
                  nominations_open_at=jalali_moment(1404, 12, 1),
                  nominations_close_at=jalali_moment(1405, 2, 31, 23, 59),
                  screening_close_at=jalali_moment(1405, 3, 15, 23, 59),
                  evaluation_close_at=jalali_moment(1405, 3, 31, 23, 59),
                  results_final_at=jalali_moment(1405, 4, 5, 12, 0), ceremony_at=jalali_moment(1405, 4, 10, 10, 0))
    session.add(cycle)
    session.flush()
    postpone_ceremony(session, cycle=cycle, actor=demo.users["admin"], new_date=jalali_moment(1405, 5, 1, 10, 0),
                      reason="آماده‌نبودن تالار")
    assert cycle.ceremony_postponed_from == jalali_moment(1405, 4, 10, 10, 0)
    [event] = _events(session, "cycle.postpone_ceremony")
    assert event.changes["ceremony_postponed_from"] == [None, jalali_moment(1405, 4, 10, 10, 0).isoformat()]


def test_postponement_without_reason_is_refused(demo, session):
    with pytest.raises(DomainError) as caught:
        postpone_ceremony(session, cycle=demo.cycle, actor=demo.users["admin"],
                          new_date=jalali_moment(1404, 6, 25, 10, 0), reason="")
    assert caught.value.field == "reason"


def test_postponement_to_an_earlier_date_is_refused(demo, session):
    with pytest.raises(DomainError) as caught:
        postpone_ceremony(session, cycle=demo.cycle, actor=demo.users["admin"],
                          new_date=jalali_moment(1404, 6, 1, 10, 0), reason="اشتباه")
    assert caught.value.field == "new_date"
    assert demo.cycle.ceremony_at == jalali_moment(1404, 6, 4, 10, 0)


def test_postponement_after_the_ceremony_is_refused(demo, session):
    clock.freeze(jalali_moment(1404, 6, 5, 10, 0))
    with pytest.raises(PhaseClosed):
        postpone_ceremony(session, cycle=demo.cycle, actor=demo.users["admin"],
                          new_date=jalali_moment(1404, 7, 1, 10, 0), reason="دیر")


def test_postponement_by_non_organizer_is_refused(demo, session):
    with pytest.raises(PermissionDenied):
        postpone_ceremony(session, cycle=demo.cycle, actor=demo.users["oversight-chair"],
                          new_date=jalali_moment(1404, 7, 1, 10, 0), reason="x")
