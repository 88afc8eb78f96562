"""The provincial round on the 1404 demo: the round switched on, Fars and Tehran working groups seated, and Fars
cluster dossiers submitted (three of them, over the category's quota of two: the quota limits forwarding only)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from awards import clock
from awards.db import write_intent
from awards.demo import jalali_moment, set_demo_clock
from awards.enums import NominationAction
from awards.models import AuditEvent, Nomination, Province, ProvincialGroup, User
from awards.nominations import documents, services
from awards.provincial import services as provincial
from tests.factories import make_user
from tests.nominations.conftest import demo_pdf, token_from

SCORING_CLOSE = jalali_moment(1404, 3, 5, 23, 59)
SELECTION_CLOSE = jalali_moment(1404, 3, 10, 23, 59)
DURING_SCORING = jalali_moment(1404, 3, 2, 10, 0)
DURING_SELECTION = jalali_moment(1404, 3, 7, 10, 0)
DURING_SCREENING = jalali_moment(1404, 3, 12, 10, 0)
CLUSTERS = ("خوشهٔ گلاب میمند", "خوشهٔ فرش قشقایی", "خوشهٔ خرمای جهرم")


@pytest.fixture(autouse=True)
def _test_session_reads_without_write_lock():
    with write_intent(False):
        yield


@dataclass
class RoundContext:
    demo: object
    clusters: list[int]
    users: dict[str, User]
    fars_group_id: int
    tehran_group_id: int


def complete_cluster(session, demo, name: str, officer: str = "fars") -> Nomination:
    nomination = services.create_draft(session, actor=demo.users[officer], category=demo.categories["cluster"],
                                       values={"nominee_name": name, "representative_name": "نماینده",
                                               "representative_title": "عامل توسعه خوشه", "city": "شیراز",
                                               "sector": "صنایع غذایی", "founding_year": 1390, "employees": 100,
                                               "narrative": "شرح"})
    documents.add_document(session, actor=demo.users[officer], nomination=nomination, filename="a.pdf",
                           data=demo_pdf("provincial"), upload_dir=demo.upload_dir, max_bytes=demo.max_bytes)
    return nomination


def province_id(session, iso: str) -> int:
    return session.scalar(select(Province.id).where(Province.iso_code == iso))


def move_clock(session, moment) -> None:
    set_demo_clock(session, moment)
    session.commit()


def event_count(session) -> int:
    return session.scalar(select(func.count(AuditEvent.id)))


@pytest.fixture
def round_on(session, demo) -> RoundContext:
    """The round on, three Fars clusters and one Tehran industry dossier submitted, the groups seated; the clock
    still in the nomination phase."""
    provincial.set_round(session, cycle=demo.cycle, actor=demo.users["admin"], enabled=True,
                         scoring_close_at=SCORING_CLOSE, selection_close_at=SELECTION_CLOSE)
    clusters = []
    for name in CLUSTERS:
        nomination = complete_cluster(session, demo, name)
        services.transition(session, nomination=nomination, action=NominationAction.SUBMIT,
                            actor=demo.users["fars"])
        clusters.append(nomination.id)
    users = {name: make_user(session, username=name) for name in
             ("fars-chair", "fars-member-1", "fars-member-2", "tehran-chair")}
    fars = session.get(Province, province_id(session, "IR-07"))
    tehran = session.get(Province, province_id(session, "IR-23"))
    for name, chair in (("fars-chair", True), ("fars-member-1", False), ("fars-member-2", False)):
        provincial.add_seat(session, cycle=demo.cycle, province=fars, actor=demo.users["fars"], username=name,
                            organisation="سازمان صمت فارس", is_chair=chair)
    provincial.add_seat(session, cycle=demo.cycle, province=tehran, actor=demo.users["tehran"],
                        username="tehran-chair", organisation="سازمان صمت تهران", is_chair=True)
    session.commit()
    groups = {g.province_id: g.id for g in session.scalars(select(ProvincialGroup))}
    for user in users.values():
        session.refresh(user)
    return RoundContext(demo=demo, clusters=clusters, users=users, fars_group_id=groups[fars.id],
                        tehran_group_id=groups[tehran.id])


@pytest.fixture
def selecting(session, round_on) -> RoundContext:
    """The round with the clock in the provincial selection phase."""
    move_clock(session, DURING_SELECTION)
    assert clock.now() > SCORING_CLOSE
    return round_on


def send(client, url: str, data: dict | None = None, *, page: str = "/provincial/"):
    """POST with the CSRF token of the signed-in session, read from ``page`` (any page with a form)."""
    payload = dict(data or {})
    payload.setdefault("csrf_token", token_from(client, page))
    return client.post(url, data=payload)


def add_rubric(session, demo) -> list[int]:
    """Two provincial criteria for the cluster category: «اثر منطقه‌ای» (max 10) and «اشتغال» (max 20)."""
    from decimal import Decimal

    from awards.provincial import sheets

    made = [sheets.add_criterion(session, category=demo.categories["cluster"], actor=demo.users["admin"],
                                 title=title, max_points=Decimal(top), weight=Decimal(1))
            for title, top in (("اثر منطقه‌ای", "10"), ("اشتغال", "20"))]
    return [c.id for c in made]


#: Each member's values per cluster (by position): sheet scores 90, 60 and 30 for every member.
VALUES = (("9", "18"), ("6", "12"), ("3", "6"))


@pytest.fixture
def scored(session, round_on) -> RoundContext:
    """The provincial rubric set, every Fars member's sheets submitted during scoring; the clock then in selection."""
    from decimal import Decimal

    from awards.provincial import sheets

    criteria = add_rubric(session, round_on.demo)
    move_clock(session, DURING_SCORING)
    for name in ("fars-chair", "fars-member-1", "fars-member-2"):
        for nomination_id, (first, second) in zip(round_on.clusters, VALUES, strict=True):
            sheets.save_sheet(session, nomination=session.get(Nomination, nomination_id), actor=round_on.users[name],
                              values={criteria[0]: Decimal(first), criteria[1]: Decimal(second)}, comment="",
                              submit=True)
    session.commit()
    move_clock(session, DURING_SELECTION)
    return round_on
