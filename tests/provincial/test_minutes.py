"""Minutes of a province's working group (the meetings machinery, body ``provincial_group``): recorded by the
group's chair with its seats present (quorum more than half), a free decision and the category's provincial
ranking with each dossier's forwarding, signed by the attendees and sealed; the PDF and the public page name the
province; another province sees none of it (404) and changes nothing."""

from __future__ import annotations

import io

import pytest
from alembic import command
from pypdf import PdfReader
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from awards import clock
from awards.db import make_engine
from awards.enums import CommitteeCode, DecisionKind, MeetingAction, MeetingBody, MeetingState
from awards.errors import DomainError, InvalidTransition, PermissionDenied
from awards.meetings import services
from awards.migrate import alembic_config, current_revision, upgrade
from awards.models import AuditEvent, Meeting, MeetingAttendee, MeetingDecision, Nomination, ProvincialGroup
from awards.persian import TEHRAN, format_jalali_date
from awards.provincial import forwarding
from tests.factories import PASSWORD
from tests.provincial.conftest import province_id, send
from tests.results.conftest import committee, user
from tests.test_migrations import _differences

PLACE = "شیراز، سازمان صنعت، معدن و تجارت فارس، تالار جلسات"
AGENDA = "رتبه‌بندی استانی رشتهٔ خوشهٔ صنعتی برتر و معرفی به دور ملی"
FARS_SEATS = ("fars-chair", "fars-member-1", "fars-member-2")


def _today():
    return clock.now().astimezone(TEHRAN).date()


def _group(session, ctx, which: str = "fars") -> ProvincialGroup:
    return session.get(ProvincialGroup, ctx.fars_group_id if which == "fars" else ctx.tehran_group_id)


def _record(session, ctx, present=FARS_SEATS) -> Meeting:
    group = _group(session, ctx)
    return services.record_meeting(session, cycle=ctx.demo.cycle, group=group, actor=ctx.users["fars-chair"],
                                   held_on=_today(), place=PLACE, agenda=AGENDA,
                                   attendee_ids=[ctx.users[name].id for name in present])


def _decided(session, ctx) -> None:
    """The chair forwards the first cluster (ranked first) and keeps the third in the province."""
    chair = ctx.users["fars-chair"]
    forwarding.forward(session, nomination=session.get(Nomination, ctx.clusters[0]), actor=chair)
    forwarding.not_forward(session, nomination=session.get(Nomination, ctx.clusters[2]), actor=chair)


@pytest.fixture
def minutes(session, scored) -> Meeting:
    """Fars's minutes with all three seats present, a free decision and the cluster ranking; committed."""
    _decided(session, scored)
    meeting = _record(session, scored)
    services.add_decision(session, meeting=meeting, actor=scored.users["fars-chair"], kind=DecisionKind.GENERAL,
                          text="گزارش دبیر کارگروه شنیده شد.")
    services.add_decision(session, meeting=meeting, actor=scored.users["fars-chair"],
                          kind=DecisionKind.PROVINCIAL_RANKING, category=scored.demo.categories["cluster"])
    session.commit()
    return meeting


def test_the_chair_records_numbered_per_group_and_the_ranking_keeps_what_the_group_decided(session, scored,
                                                                                          minutes):
    assert minutes.body is MeetingBody.PROVINCIAL_GROUP and minutes.committee_id is None
    assert minutes.number == "1404-FA-G01" and minutes.sequence == 1
    assert minutes.attendees[0].is_chair and len(minutes.attendees) == 3
    ranking = minutes.decisions[1]
    assert ranking.table["columns"] == ["rank", "nominee", "provincial_score", "forwarding", "justification"]
    assert [(row[0], row[1], row[3]) for row in ranking.table["rows"]] == [
        (1, "خوشهٔ گلاب میمند", "forwarded"), (2, "خوشهٔ فرش قشقایی", "awaiting"), (3, "خوشهٔ خرمای جهرم", "kept")]
    assert ranking.subject_ids == scored.clusters and ranking.result_digest is None
    # The snapshot stays as recorded when the group decides more later.
    forwarding.forward(session, nomination=session.get(Nomination, scored.clusters[1]),
                       actor=scored.users["fars-chair"])
    session.commit()
    session.refresh(ranking)
    assert ranking.table["rows"][1][3] == "awaiting"
    # Each group counts its own meetings: Fars's second is G02, Tehran's first G01 (one seat: quorum one).
    assert _record(session, scored).number == "1404-FA-G02"
    tehran = services.record_meeting(session, cycle=scored.demo.cycle, group=_group(session, scored, "tehran"),
                                     actor=scored.users["tehran-chair"], held_on=_today(), place=PLACE,
                                     agenda=AGENDA, attendee_ids=[scored.users["tehran-chair"].id])
    assert tehran.number == "1404-TE-G01"
    events = session.scalars(select(AuditEvent).where(AuditEvent.object_type == "meeting",
                                                      AuditEvent.object_id == minutes.id)).all()
    fars = province_id(session, "IR-07")
    assert {e.action for e in events} == {"meeting.record", "meeting.decide"}
    assert {e.province_id for e in events} == {fars}


def test_below_quorum_a_member_or_an_outsider_is_refused_and_nothing_changes(session, scored):
    before = (session.scalar(select(func.count(Meeting.id))), session.scalar(select(func.count(AuditEvent.id))))
    with pytest.raises(DomainError, match="حد نصاب") as refused:
        _record(session, scored, present=("fars-chair",))
    assert refused.value.field == "attendees"
    session.rollback()
    with pytest.raises(DomainError, match="اعضای همین کارگروه"):
        services.record_meeting(session, cycle=scored.demo.cycle, group=_group(session, scored),
                                actor=scored.users["fars-chair"], held_on=_today(), place=PLACE, agenda=AGENDA,
                                attendee_ids=[scored.users[n].id for n in (*FARS_SEATS, "tehran-chair")])
    session.rollback()
    with pytest.raises(PermissionDenied):
        services.record_meeting(session, cycle=scored.demo.cycle, group=_group(session, scored),
                                actor=scored.users["fars-member-1"], held_on=_today(), place=PLACE, agenda=AGENDA,
                                attendee_ids=[scored.users[n].id for n in FARS_SEATS])
    session.rollback()
    assert (session.scalar(select(func.count(Meeting.id))),
            session.scalar(select(func.count(AuditEvent.id)))) == before


def test_the_ranking_decision_waits_for_a_decision_and_a_committee_kind_is_refused(session, scored):
    meeting = _record(session, scored)
    chair = scored.users["fars-chair"]
    with pytest.raises(DomainError, match="هنوز دربارهٔ هیچ پرونده‌ای"):
        services.add_decision(session, meeting=meeting, actor=chair, kind=DecisionKind.PROVINCIAL_RANKING,
                              category=scored.demo.categories["cluster"])
    with pytest.raises(DomainError, match="کارگروه استانی جایی ندارد"):
        services.add_decision(session, meeting=meeting, actor=chair, kind=DecisionKind.CATEGORY_RANKING,
                              category=scored.demo.categories["cluster"])
    assert meeting.decisions == []


def test_attendees_sign_and_the_last_signature_seals(session, scored, minutes):
    services.transition(session, meeting=minutes, action=MeetingAction.SIGN, actor=scored.users["fars-member-1"])
    session.commit()
    assert minutes.state is MeetingState.SIGNING
    with pytest.raises(InvalidTransition, match="رئیس کارگروه"):
        services.add_decision(session, meeting=minutes, actor=scored.users["fars-chair"], kind=DecisionKind.GENERAL,
                              text="دیرهنگام")
    session.rollback()
    for name in ("fars-chair", "fars-member-2"):
        services.transition(session, meeting=minutes, action=MeetingAction.SIGN, actor=scored.users[name])
    session.commit()
    assert minutes.state is MeetingState.SEALED and minutes.content_digest
    assert services.content_digest(minutes) == minutes.content_digest
    assert services.canonical_content(minutes)["province"] == "IR-07"
    seal = session.scalars(select(AuditEvent).where(AuditEvent.action == "meeting.seal")).one()
    assert seal.province_id == province_id(session, "IR-07")


def test_pages_pdf_and_public_page_name_the_province(session, scored, minutes, client, login_as):
    fars = province_id(session, "IR-07")
    login_as("fars-member-1", PASSWORD)
    group_page = client.get(f"/provincial/{fars}").get_data(as_text=True)
    assert f'href="/meetings/province/{fars}"' in group_page
    listing = client.get(f"/meetings/province/{fars}").get_data(as_text=True)
    assert "1404-FA-G01" in listing and "ثبت صورتجلسه" not in listing  # a member does not record
    page = client.get(f"/meetings/{minutes.id}").get_data(as_text=True)
    assert "صورتجلسهٔ کارگروه استانی فارس" in page and "معرفی به دور ملی" in page and "ماندن در استان" in page
    assert "عضو کارگروه" in page and "امضا و تأیید صورتجلسه" in page
    signed = send(client, f"/meetings/{minutes.id}/sign", {"digest": services.content_digest(minutes)},
                  page=f"/meetings/{minutes.id}")
    assert signed.status_code == 302
    session.commit()
    session.refresh(minutes)
    assert minutes.state is MeetingState.SIGNING
    for name in ("fars-chair", "fars-member-2"):
        services.transition(session, meeting=minutes, action=MeetingAction.SIGN, actor=scored.users[name])
    session.commit()
    pdf = client.get(f"/meetings/{minutes.id}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "1404-FA-G01" in text and minutes.content_digest in text
    public = client.get(f"/minutes/{minutes.token}").get_data(as_text=True).split("<main", 1)[1]
    assert "1404-FA-G01" in public and "کارگروه استانی فارس" in public and minutes.content_digest in public
    assert format_jalali_date(minutes.held_on, long=True) in public
    for secret in (PLACE, AGENDA, "خوشهٔ گلاب میمند", *[a.name for a in minutes.attendees]):
        assert secret not in public, secret


def test_the_chair_records_through_the_pages_and_below_quorum_keeps_what_was_typed(session, scored, client,
                                                                                   login_as):
    fars = province_id(session, "IR-07")
    login_as("fars-chair", PASSWORD)
    new = f"/meetings/province/{fars}/new"
    form = {"held_on": format_jalali_date(_today()), "place": PLACE, "agenda": AGENDA}
    refused = send(client, new, {**form, "attendees": [str(scored.users["fars-chair"].id)]}, page=new)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "جلسه به حد نصاب نرسیده است" in html and PLACE in html
    assert session.scalar(select(func.count(Meeting.id))) == 0
    made = send(client, new, {**form, "attendees": [str(scored.users[n].id) for n in FARS_SEATS]}, page=new)
    assert made.status_code == 302
    session.commit()
    meeting = session.scalars(select(Meeting)).one()
    assert meeting.number == "1404-FA-G01" and meeting.provincial_group_id == scored.fars_group_id
    _decided(session, scored)
    session.commit()
    here = f"/meetings/{meeting.id}"
    cluster = scored.demo.categories["cluster"].id
    added = send(client, f"{here}/decisions", {"kind": "provincial_ranking", "category_id": str(cluster)}, page=here)
    assert added.status_code == 302
    session.commit()
    assert [d.kind for d in session.scalars(select(MeetingDecision))] == [DecisionKind.PROVINCIAL_RANKING]


#: Every route of a working group's minutes; {p} Fars, {m} Fars's minutes, {d} one of its decisions.
ROUTES = [
    ("GET", "/meetings/province/{p}"),
    ("GET", "/meetings/province/{p}/new"),
    ("POST", "/meetings/province/{p}/new"),
    ("GET", "/meetings/{m}"),
    ("GET", "/meetings/{m}/edit"),
    ("POST", "/meetings/{m}/edit"),
    ("POST", "/meetings/{m}/decisions"),
    ("POST", "/meetings/{m}/decisions/{d}/remove"),
    ("POST", "/meetings/{m}/sign"),
    ("POST", "/meetings/{m}/reopen"),
    ("GET", "/meetings/{m}/minutes.pdf"),
]
OUTSIDERS = [("tehran", "demo-pass-1404"), ("tehran-chair", PASSWORD)]


def _snapshot(session) -> tuple:
    session.commit()
    session.expire_all()
    return (session.execute(select(Meeting.id, Meeting.state, Meeting.place).order_by(Meeting.id)).all(),
            session.execute(select(MeetingAttendee.id, MeetingAttendee.signed_at)).all(),
            session.execute(select(MeetingDecision.id, MeetingDecision.text)).all(),
            session.scalar(select(func.count(AuditEvent.id))))


@pytest.mark.parametrize(("user", "password"), OUTSIDERS, ids=[u for u, _p in OUTSIDERS])
def test_another_province_gets_404_everywhere_and_changes_nothing(session, scored, minutes, client, login_as, user,
                                                                  password):
    values = {"p": province_id(session, "IR-07"), "m": minutes.id, "d": minutes.decisions[0].id}
    hostile = {"held_on": format_jalali_date(_today()), "place": "ربوده", "agenda": "ربوده", "kind": "general",
               "text": "ربوده", "reason": "ربوده", "attendees": [str(scored.users["tehran-chair"].id)]}
    login_as(user, password)
    before = _snapshot(session)
    statuses = {}
    for method, path in ROUTES:
        url = path.format(**values)
        if method == "GET":
            statuses[(method, path)] = client.get(url).status_code
        else:
            statuses[(method, path)] = send(client, url, hostile, page="/").status_code
    assert statuses == {route: 404 for route in ROUTES}
    assert _snapshot(session) == before


def test_the_organizer_sees_every_province_s_minutes(session, scored, minutes, client, login_as):
    login_as("admin")
    fars = province_id(session, "IR-07")
    assert "1404-FA-G01" in client.get(f"/meetings/province/{fars}").get_data(as_text=True)
    assert client.get(f"/meetings/{minutes.id}").status_code == 200
    assert client.get(f"/meetings/{minutes.id}/minutes.pdf").status_code == 200
    assert client.get(f"/meetings/province/{fars}/new").status_code == 404  # only the group's chair records


def test_migration_0026_down_keeps_committee_minutes_and_drops_the_groups_then_up_again(session, scored, minutes,
                                                                                       database_url):
    """Down to 0025 and back on this database (SQLite, or PostgreSQL with AWARDS_TEST_DATABASE_URL)."""
    winners = services.record_meeting(
        session, cycle=scored.demo.cycle, committee=committee(session, CommitteeCode.WINNERS),
        actor=user(session, "winners-chair"), held_on=_today(), place=PLACE, agenda=AGENDA,
        attendee_ids=[user(session, f"winners-{s}").id for s in ("chair", "1", "2")])
    services.add_decision(session, meeting=winners, actor=user(session, "winners-chair"), kind=DecisionKind.GENERAL,
                          text="تصویب شد.")
    session.commit()
    kept = (winners.id, winners.number)
    session.close()
    engine = make_engine(database_url)
    try:
        cfg = alembic_config(engine.url.render_as_string(hide_password=False))
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, "0025")
        with engine.connect() as connection:
            assert current_revision(engine) == "0025"
            assert connection.execute(text("SELECT id, number FROM meetings")).all() == [kept]
            assert connection.execute(text("SELECT meeting_id FROM meeting_attendees")).scalars().all() == [kept[0]] * 3
            assert connection.execute(text("SELECT meeting_id FROM meeting_decisions")).scalars().all() == [kept[0]]
            assert "provincial_group_id" not in {c["name"] for c in inspect(connection).get_columns("meetings")}
        upgrade(engine)
        assert current_revision(engine) == "0026"
        # The new arm holds again: a group's row needs its group and no committee.
        with engine.connect() as connection, pytest.raises(IntegrityError):
            connection.execute(text("UPDATE meetings SET body = 'provincial_group'"))
    finally:
        engine.dispose()
    assert _differences(database_url) == []
