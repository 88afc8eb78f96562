"""Audited events create bell notifications for the people the table names, in the event's transaction."""

from __future__ import annotations

from sqlalchemy import func, select

from awards.accounts.services import issue_password_link
from awards.certificates.services import revoke
from awards.db import write_intent
from awards.demo import MASKATI, run_to_final
from awards.enums import NominationAction
from awards.models import Award, Nomination, Notification
from awards.nominations import services as nominations
from awards.notifications import kinds
from awards.notifications.services import set_opt_outs
from tests.conftest import csrf_token
from tests.notifications.conftest import notifications_of
from tests.screening.conftest import nomination_named

PHARMA = "شرکت داروسازی زاگرس‌فارمد"  # Tehran (IR-23), submitted in the demo


def _return(client, nomination_id: int, reason: str):
    return client.post(f"/screening/{nomination_id}/return",
                       data={"csrf_token": csrf_token(client, "/screening/"), "reason": reason})


def test_returning_a_dossier_tells_its_province_officer_and_no_other(client, demo, session, login_as):
    pharma = nomination_named(session, PHARMA)
    fars_before = len(notifications_of(session, "fars"))
    login_as("provincial_affairs-1")
    assert _return(client, pharma.id, "گواهی استاندارد پیوست نشده است.").status_code == 302

    [note] = notifications_of(session, "tehran", kind=kinds.DOSSIER_RETURNED)
    assert PHARMA in note.title and "بازگردانده" in note.title
    assert note.body == "گواهی استاندارد پیوست نشده است."
    assert note.link == f"/nominations/{pharma.id}"
    assert note.read_at is None and note.mail_to is None  # the demo officer has no address: bell only
    assert len(notifications_of(session, "fars")) == fars_before
    assert notifications_of(session, "provincial_affairs-1", kind=kinds.DOSSIER_RETURNED) == []  # not the actor


def test_accepting_a_dossier_tells_its_province_officer(client, demo, session, login_as):
    pharma = nomination_named(session, PHARMA)
    login_as("provincial_affairs-1")
    assert client.post(f"/screening/{pharma.id}/accept",
                       data={"csrf_token": csrf_token(client, "/screening/")}).status_code == 302
    [note] = [n for n in notifications_of(session, "tehran", kind=kinds.DOSSIER_ACCEPTED) if PHARMA in n.title]
    assert note.link == f"/nominations/{pharma.id}"


def test_a_rolled_back_event_leaves_no_notification(app, demo, session):
    pharma = session.scalar(select(Nomination).where(Nomination.nominee_name == PHARMA))
    before = session.scalar(select(func.count()).select_from(Notification))
    with app.app_context(), write_intent(True):
        nominations.transition(session, nomination=pharma, action=NominationAction.RETURN,
                               actor=demo.users["provincial_affairs-1"], reason="ناقص")
        session.flush()
        assert session.scalar(select(func.count()).select_from(Notification)) == before + 1
        session.rollback()
    assert session.scalar(select(func.count()).select_from(Notification)) == before
    session.commit()


def test_an_opted_out_officer_gets_no_row_for_that_kind(client, demo, session, login_as):
    with write_intent(True):
        set_opt_outs(session, user=demo.users["tehran"], receive=[kinds.DOSSIER_ACCEPTED])
        session.commit()
    pharma = nomination_named(session, PHARMA)
    login_as("provincial_affairs-1")
    assert _return(client, pharma.id, "ناقص").status_code == 302
    assert notifications_of(session, "tehran", kind=kinds.DOSSIER_RETURNED) == []
    assert nomination_named(session, PHARMA).return_reason == "ناقص"  # the event itself went through


def test_password_link_is_a_security_notice_opt_outs_do_not_stop(app, demo, session):
    fars = demo.users["fars"]
    with app.app_context(), write_intent(True):
        set_opt_outs(session, user=fars, receive=[])  # every optional kind off
        issue_password_link(session, user=fars, actor=demo.users["admin"], hours=24)
        session.commit()
    [note] = notifications_of(session, "fars", kind=kinds.PASSWORD_LINK)
    assert note.link is None and "گذرواژه" in note.title


def test_final_results_and_a_revoked_award_reach_organizers_chairs_and_the_province(app, demo, session):
    with app.app_context(), write_intent(True):
        run_to_final(session, demo)  # the demo's organizer confirms every category's result
        session.commit()
    confirmed = notifications_of(session, "winners-chair", kind=kinds.RESULTS_CONFIRMED)
    assert confirmed and all(note.link.startswith("/results/") for note in confirmed)
    assert notifications_of(session, "content-1", kind=kinds.RESULTS_CONFIRMED) == []  # a member, not a chair
    assert notifications_of(session, "admin", kind=kinds.RESULTS_CONFIRMED) == []  # the actor

    award = session.scalar(select(Award).join(Nomination).where(Nomination.nominee_name == MASKATI))
    with app.app_context(), write_intent(True):
        revoke(session, award=award, actor=demo.users["oversight-chair"], reason="مدرک جعلی")
        session.commit()
    [officer] = notifications_of(session, "fars", kind=kinds.AWARD_REVOKED)  # Maskati is a Fars cluster
    assert officer.body == "مدرک جعلی" and officer.link == f"/nominations/{award.nomination_id}"
    [organizer] = notifications_of(session, "admin", kind=kinds.AWARD_REVOKED)
    assert organizer.link == f"/certificates/awards/{award.id}"
    assert notifications_of(session, "tehran", kind=kinds.AWARD_REVOKED) == []


ELECTRONICS = "شرکت صنایع الکترونیک پارس شیراز"  # Fars, in evaluation in the demo


def test_an_assignment_tells_the_assigned_member(app, demo, session):
    from awards.enums import CommitteeCode
    from awards.evaluation.services import add_assignment
    from awards.models import Committee

    nomination = session.scalar(select(Nomination).where(Nomination.nominee_name == ELECTRONICS))
    committee = session.scalar(select(Committee).where(Committee.code == CommitteeCode.WINNERS))
    with app.app_context(), write_intent(True):
        add_assignment(session, nomination=nomination, committee=committee, member=demo.users["winners-2"],
                       actor=demo.users["admin"])
        session.commit()
    [note] = notifications_of(session, "winners-2", kind=kinds.ASSIGNED)
    assert ELECTRONICS in note.title and note.link == f"/evaluation/{nomination.id}/winners"
    assert notifications_of(session, "winners-1", kind=kinds.ASSIGNED) == []


def test_reopening_a_sheet_tells_its_member(app, demo, session):
    from awards import clock as app_clock
    from awards.enums import CommitteeCode, SheetState
    from awards.evaluation.services import reopen_sheet
    from awards.models import Committee, ScoreSheet

    nomination = session.scalar(select(Nomination).where(Nomination.nominee_name == ELECTRONICS))
    committee = session.scalar(select(Committee).where(Committee.code == CommitteeCode.WINNERS))
    sheet = ScoreSheet(nomination_id=nomination.id, committee_id=committee.id, member_id=demo.users["winners-1"].id,
                       state=SheetState.SUBMITTED, submitted_at=app_clock.now())
    session.add(sheet)
    session.commit()
    with app.app_context(), write_intent(True):
        reopen_sheet(session, sheet=sheet, actor=demo.users["winners-chair"],
                     reason="امتیاز معیار دوم را بازبینی کنید.")
        session.commit()
    [note] = notifications_of(session, "winners-1", kind=kinds.SHEET_REOPENED)
    assert ELECTRONICS in note.title and note.body == "امتیاز معیار دوم را بازبینی کنید."
    assert note.link == f"/evaluation/{nomination.id}/winners"
