"""A whole 1404 cycle at any size, for measuring the app at scale (``flask seed-scale``); never in production.

The issue-14 figures of a real year are 13,000 nominations, 143,000 score sheets, 715,000 criterion values and
209,000 audit events. :func:`seed_scale` builds that shape for any N: 17 categories with full rubrics, 31
provinces, six committees of 5 to 8 members, three assigned reviewers per nomination and scoring committee,
submitted (and some draft) sheets with seeded random scores, a few conflicts of interest, and the audit events
the app's services would have written for all of it, chained as :func:`awards.audit.services.record` chains
them (same :func:`awards.models.audit.event_hash`), so ``flask audit verify`` passes.

Rows go in with set-based inserts (``insert(table)`` with lists of rows, in chunks), not per-row ORM adds; the
ids are given explicitly (the database is empty) and PostgreSQL's sequences are moved past them afterwards.
Nominations are spread over every state the dossier goes through before results: draft (some returned by
screening), withdrawn, submitted, in evaluation (most passed by oversight, some not yet decided) and
ineligible. Stage ``evaluation`` leaves the clock in the evaluation phase with some sheets in draft or not
started; stage ``results`` submits every sheet, moves the clock into the results phase and, unless told not
to, proposes and confirms every category through the app's own services (:mod:`awards.results.services`).
"""

from __future__ import annotations

import hashlib
import random
import secrets
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.orm import Session

from awards import clock
from awards.auth.passwords import hash_password
from awards.db import gather_statistics
from awards.demo import (
    STAGE_MOMENTS,
    demo_pdf,
    jalali_moment,
    legal_id,
    national_code,
    seal_winners_minutes,
    set_demo_clock,
)
from awards.enums import (
    Aggregation,
    CommitteeCode,
    ComplianceOutcome,
    ConflictSource,
    NominationState,
    NomineeKind,
    ScreeningOutcome,
    SheetState,
)
from awards.models import (
    Assignment,
    AuditChainHead,
    AuditEvent,
    Category,
    CategoryCommittee,
    Committee,
    ComplianceDecision,
    Conflict,
    Criterion,
    Cycle,
    EvidenceDocument,
    Membership,
    Nomination,
    Province,
    Score,
    ScoreSheet,
    ScreeningDecision,
    Signatory,
    User,
)
from awards.models.audit import GENESIS, event_hash
from awards.persian import TEHRAN, normalize_search
from awards.results import services as results
from awards.results import signoff
from awards.results.queries import load_results

STAGES = ("evaluation", "results")
CHUNK = 5000
YEAR = 1404
#: Reviewers per nomination in every scoring committee.
K = 3

#: Committee sizes (5 to 8 members), and how each committee takes part in every category.
COMMITTEE_SIZES = {
    CommitteeCode.WINNERS: 8,
    CommitteeCode.PROVINCIAL_AFFAIRS: 7,
    CommitteeCode.MEDIA: 5,
    CommitteeCode.OVERSIGHT: 6,
    CommitteeCode.FINANCE: 6,
    CommitteeCode.CONTENT: 5,
}
SCORING = (CommitteeCode.WINNERS, CommitteeCode.PROVINCIAL_AFFAIRS, CommitteeCode.MEDIA, CommitteeCode.FINANCE,
           CommitteeCode.CONTENT)
SETTINGS = {
    CommitteeCode.WINNERS: ("3", Aggregation.TRIMMED_MEAN, True),
    CommitteeCode.PROVINCIAL_AFFAIRS: ("1", Aggregation.MEAN, False),
    CommitteeCode.MEDIA: ("1", Aggregation.MEAN, False),
    CommitteeCode.FINANCE: ("2", Aggregation.MEDIAN, False),
    CommitteeCode.CONTENT: ("1", Aggregation.MEAN, False),
    CommitteeCode.OVERSIGHT: ("0", Aggregation.MEAN, False),
}
#: Five criteria per scoring committee: (title, max points, weight).
RUBRIC = {
    CommitteeCode.WINNERS: [("تولید و بهره‌وری", 20, 3), ("کیفیت و استاندارد", 20, 2), ("نوآوری و فناوری", 20, 2),
                            ("صادرات و بازار", 20, 2), ("مسئولیت اجتماعی", 10, 1)],
    CommitteeCode.PROVINCIAL_AFFAIRS: [("اثر منطقه‌ای", 10, 2), ("اشتغال‌زایی", 10, 2), ("زنجیرهٔ تأمین محلی", 10, 1),
                                       ("پیوند با دانشگاه", 10, 1), ("توسعهٔ متوازن", 10, 1)],
    CommitteeCode.MEDIA: [("برند و شهرت", 10, 1), ("حضور رسانه‌ای", 10, 1), ("ارتباط با مردم", 10, 1),
                          ("حضور در نمایشگاه‌ها", 10, 1), ("روایت دستاوردها", 10, 1)],
    CommitteeCode.FINANCE: [("رشد فروش", 10, 2), ("سودآوری", 10, 1), ("ارزش صادرات", 10, 2), ("اشتغال", 10, 1),
                            ("پایداری مالی", 10, 1)],
    CommitteeCode.CONTENT: [("کامل‌بودن مستندات", 10, 1), ("کیفیت روایت", 10, 1), ("درستی ادعاها", 10, 2),
                            ("پیوست‌های پشتیبان", 10, 1), ("خوانایی پرونده", 10, 1)],
}
#: The 17 categories: (code, title, kind, weight of its share of the nominations).
CATEGORIES = [
    ("industry", "واحد نمونهٔ صنعتی", NomineeKind.LEGAL_ENTITY, 16),
    ("mining", "واحد نمونهٔ معدنی", NomineeKind.LEGAL_ENTITY, 9),
    ("cluster", "خوشهٔ صنعتی برتر", NomineeKind.CLUSTER, 5),
    ("project", "طرح برتر", NomineeKind.PROJECT, 6),
    ("veteran", "پیشکسوت صنعت و معدن", NomineeKind.PERSON, 4),
    ("woman", "بانوی کارآفرین نمونه", NomineeKind.PERSON, 4),
    ("exporter", "صادرکنندهٔ نمونه", NomineeKind.LEGAL_ENTITY, 8),
    ("innovation", "واحد نوآور", NomineeKind.LEGAL_ENTITY, 7),
    ("sme", "واحد کوچک و متوسط نمونه", NomineeKind.LEGAL_ENTITY, 10),
    ("knowledge", "شرکت دانش‌بنیان نمونه", NomineeKind.LEGAL_ENTITY, 6),
    ("environment", "واحد سبز و دوستدار محیط زیست", NomineeKind.LEGAL_ENTITY, 4),
    ("safety", "واحد نمونهٔ ایمنی و بهداشت کار", NomineeKind.LEGAL_ENTITY, 4),
    ("standard", "واحد نمونهٔ کیفیت و استاندارد", NomineeKind.LEGAL_ENTITY, 4),
    ("manager", "مدیر نمونه", NomineeKind.PERSON, 5),
    ("worker", "کارگر نمونه", NomineeKind.PERSON, 4),
    ("startup", "طرح نوپای برتر", NomineeKind.PROJECT, 2),
    ("craft", "خوشهٔ صنایع دستی", NomineeKind.CLUSTER, 2),
]
_WORDS = ["پارس", "البرز", "زاگرس", "سپاهان", "کویر", "خلیج", "دماوند", "آریا", "نوین", "سپید", "کاوه", "مهر",
          "آفتاب", "توس", "هیرمند", "کارون", "سهند", "سبلان", "بینالود", "تفتان"]
_SECTORS = ["فولاد", "دارویی", "پتروشیمی", "غذایی", "نساجی", "کاشی و سرامیک", "الکترونیک", "خودرو", "سیمان",
            "مس", "سنگ آهن", "ماشین‌سازی", "بسته‌بندی", "فرش دستباف", "انرژی‌های تجدیدپذیر"]
_FIRST = ["محمد", "زهرا", "علی", "مریم", "حسین", "فاطمه", "رضا", "نرگس", "مهدی", "سارا", "امیر", "لیلا"]
_LAST = ["احمدی", "کریمی", "توکلی", "رضایی", "موسوی", "حسینی", "نوروزی", "شریفی", "جعفری", "صادقی", "قاسمی"]


class ScaleRefused(Exception):
    """The database or configuration may not receive the generated cycle: ``reason`` is ``"production"`` or
    ``"not_empty"`` (the command line words it, in Persian and English)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class ScaleReport:
    nominations: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    states: dict[str, int] = field(default_factory=dict)
    finalised: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def check_target(session: Session, *, env_name: str) -> None:
    """Refuse the production config and a database that holds any account or cycle."""
    if env_name == "production":
        raise ScaleRefused("production")
    if (session.scalar(select(User.id).limit(1)) is not None
            or session.scalar(select(Cycle.id).limit(1)) is not None):
        raise ScaleRefused("not_empty")


def _insert(session: Session, table, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(table), rows[start:start + CHUNK])


def _half(value: float) -> Decimal:
    return Decimal(round(value * 2)) / 2


class _Log:
    """Audit events collected in time order, then chained exactly as ``record`` chains them."""

    def __init__(self, ip: str = "10.14.0.1") -> None:
        self.rows: list[tuple] = []
        self.ip = ip

    def add(self, at: datetime, actor_id: int | None, action: str, object_type: str, object_id: int | None, *,
            changes: dict | None = None, reason: str | None = None, cycle_id: int | None = None,
            nomination_id: int | None = None, province_id: int | None = None) -> None:
        self.rows.append((at, len(self.rows), actor_id, action, object_type, object_id, changes or {}, reason,
                          cycle_id, nomination_id, province_id))

    def write(self, session: Session) -> tuple[int, str]:
        self.rows.sort(key=lambda row: (row[0], row[1]))
        previous, batch, event_id = GENESIS, [], 0
        table = AuditEvent.__table__
        for event_id, (at, _seq, actor_id, action, object_type, object_id, changes, reason, cycle_id,
                       nomination_id, province_id) in enumerate(self.rows, start=1):
            row = {"id": event_id, "at": at, "actor_id": actor_id, "ip_address": self.ip, "action": action,
                   "object_type": object_type, "object_id": object_id, "cycle_id": cycle_id,
                   "nomination_id": nomination_id, "province_id": province_id, "changes": changes,
                   "reason": reason, "prev_hash": previous}
            row["hash"] = previous = event_hash(**row)
            batch.append(row)
            if len(batch) == CHUNK:
                session.execute(insert(table), batch)
                batch = []
        if batch:
            session.execute(insert(table), batch)
        head = AuditChainHead.__table__
        if session.execute(select(head.c.id).where(head.c.id == 1)).one_or_none() is None:
            session.execute(insert(head).values(id=1, last_event_id=None, last_hash=GENESIS))
        session.execute(update(head).where(head.c.id == 1).values(last_event_id=event_id or None,
                                                                  last_hash=previous))
        self.rows = []
        return event_id, previous


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    seconds = max(1, int((end - start).total_seconds()))
    return start + timedelta(seconds=rng.randrange(seconds))


@dataclass
class _Build:
    """What the steps of :func:`seed_scale` share: the session, the seeded generator, the audit log, and the ids
    and rows each step leaves for the next."""

    session: Session
    rng: random.Random
    log: _Log
    stage: str
    provinces: list[Province]
    committees: dict[CommitteeCode, Committee]
    cycle: Cycle | None = None
    categories: list[Category] = field(default_factory=list)
    #: (category id, committee id) -> [(criterion id, max points)] in rubric order.
    criteria: dict[tuple[int, int], list[tuple[int, Decimal]]] = field(default_factory=lambda: defaultdict(list))
    password_hash: str = ""
    users: list[dict] = field(default_factory=list)
    admin: int = 0
    officers: dict[int, int] = field(default_factory=dict)
    members: dict[CommitteeCode, list[int]] = field(default_factory=dict)
    severity: dict[int, float] = field(default_factory=dict)
    #: (nomination id, category id, province id, quality) of every nomination that reached evaluation.
    evaluated: list[tuple[int, int, int, float]] = field(default_factory=list)
    rows_doc: list[dict] = field(default_factory=list)
    rows_screen: list[dict] = field(default_factory=list)
    rows_comp: list[dict] = field(default_factory=list)
    rows_a: list[dict] = field(default_factory=list)
    rows_c: list[dict] = field(default_factory=list)
    rows_s: list[dict] = field(default_factory=list)
    rows_v: list[dict] = field(default_factory=list)


def seed_scale(session: Session, *, nominations: int, password: str, upload_dir: Path, seed: int = 1404,
               stage: str = "evaluation", finalise: bool = True, env_name: str = "development") -> ScaleReport:
    """Fill an empty, migrated database with one cycle of ``nominations`` dossiers up to ``stage``.

    Refuses (:class:`ScaleRefused`) the production config and a non-empty database. Flushes, never commits.
    """
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}")
    if nominations < 1:
        raise ValueError("nominations must be at least 1")
    check_target(session, env_name=env_name)
    report = ScaleReport(nominations=nominations)
    started = time.perf_counter()
    build = _Build(session=session, rng=random.Random(seed), log=_Log(), stage=stage,
                   provinces=list(session.scalars(select(Province).order_by(Province.id))),
                   committees={c.code: c for c in session.scalars(select(Committee))})
    _build_cycle(build)
    _build_accounts(build, password=password)
    _build_nominations(build, nominations=nominations, upload_dir=upload_dir)
    _build_evaluation(build)
    report.seconds["build"] = time.perf_counter() - started
    _insert_evaluation(build, report)
    report.seconds["insert"] = time.perf_counter() - started - report.seconds["build"]
    session.flush()
    _set_clock_and_results(build, report, finalise=finalise)
    report.seconds["total"] = time.perf_counter() - started
    return report


def _build_cycle(build: _Build) -> None:
    """The cycle, its categories and rubric (a few hundred rows: the ORM is fine here)."""
    session, committees = build.session, build.committees
    cycle = Cycle(
        year=YEAR, title="روز ملی صنعت و معدن ۱۴۰۴ (دادهٔ آزمون مقیاس)",
        nominations_open_at=jalali_moment(1403, 12, 1), nominations_close_at=jalali_moment(1404, 2, 31, 23, 59),
        screening_close_at=jalali_moment(1404, 3, 15, 23, 59), evaluation_close_at=jalali_moment(1404, 3, 31, 23, 59),
        results_final_at=jalali_moment(1404, 4, 5, 12, 0), ceremony_at=jalali_moment(1404, 6, 4, 10, 0),
        conflict_same_province=False,
    )
    cycle.signatories = [Signatory(name="علیرضا پارسا", title="وزیر صنعت، معدن و تجارت", position=0),
                         Signatory(name="مریم توکلی", title="دبیر ستاد برگزاری روز ملی صنعت و معدن", position=1)]
    session.add(cycle)
    session.flush()
    build.cycle = cycle
    for position, (code, title, kind, _weight) in enumerate(CATEGORIES):
        category = Category(cycle_id=cycle.id, code=code, title=title, nominee_kind=kind, province_quota=1,
                            gold_quota=1, certificate_quota=3, min_score=Decimal("50"), position=position)
        for committee_code, (weight, aggregation, normalise) in SETTINGS.items():
            category.committee_settings.append(CategoryCommittee(
                committee_id=committees[committee_code].id, weight=Decimal(weight), aggregation=aggregation,
                normalise=normalise, reviewers_per_nomination=K if committee_code in SCORING else None))
        criterion_position = 0
        for committee_code, lines in RUBRIC.items():
            for title_c, max_points, weight_c in lines:
                category.criteria.append(Criterion(
                    committee_id=committees[committee_code].id, title=title_c, guidance="",
                    max_points=Decimal(max_points), weight=Decimal(weight_c), position=criterion_position))
                criterion_position += 1
        session.add(category)
        build.categories.append(category)
    session.flush()
    for category in build.categories:
        for criterion in category.criteria:
            build.criteria[(category.id, criterion.committee_id)].append((criterion.id, criterion.max_points))


def _add_user(build: _Build, username: str, full_name: str, *, organizer: bool = False,
              province_id: int | None = None, organisation: str = "", title: str = "") -> int:
    t_setup = build.cycle.nominations_open_at - timedelta(days=10)
    user_id = len(build.users) + 1
    build.users.append({"id": user_id, "username": username, "full_name": full_name, "title": title,
                        "organisation": organisation, "password_hash": build.password_hash, "active": True,
                        "is_organizer": organizer, "province_id": province_id,
                        "session_token": secrets.token_urlsafe(16), "created_at": t_setup,
                        "must_change_password": False})
    build.log.add(t_setup + timedelta(seconds=user_id), 1 if user_id > 1 else None, "user.create", "user", user_id,
                  changes={"username": [None, username], "is_organizer": [None, organizer],
                           "province_id": [None, province_id]})
    return user_id


def _build_accounts(build: _Build, *, password: str) -> None:
    """Accounts: organizers, one officer per province, the six committees."""
    build.password_hash = hash_password(password)
    build.admin = _add_user(build, "admin", "دبیرخانهٔ روز ملی صنعت و معدن", organizer=True,
                            organisation="وزارت صمت")
    _add_user(build, "admin2", "معاون دبیرخانه", organizer=True, organisation="وزارت صمت")
    for province in build.provinces:
        build.officers[province.id] = _add_user(
            build, f"officer-{province.iso_code.lower()}", f"کارشناس استان {province.name_fa}",
            province_id=province.id, organisation=f"سازمان صمت {province.name_fa}")
    memberships = []
    for code, size in COMMITTEE_SIZES.items():
        build.members[code] = []
        for i in range(size):
            suffix = "chair" if i == 0 else str(i)
            user_id = _add_user(build, f"{code.value}-{suffix}", f"{_FIRST[(i + len(memberships)) % 12]} "
                                f"{_LAST[(i * 5 + len(memberships)) % 11]}", organisation=f"نهاد {_WORDS[i]}",
                                title=f"عضو کمیتهٔ {build.committees[code].name_fa}")
            build.members[code].append(user_id)
            memberships.append({"id": len(memberships) + 1, "cycle_id": build.cycle.id,
                                "committee_id": build.committees[code].id, "user_id": user_id, "is_chair": i == 0})
    _insert(build.session, User.__table__, build.users)
    _insert(build.session, Membership.__table__, memberships)
    build.severity = {m: build.rng.uniform(-0.08, 0.08) for ms in build.members.values() for m in ms}


def _nominee_values(build: _Build, nid: int, kind: NomineeKind, province: Province
                    ) -> tuple[datetime, dict[str, Any]]:
    """The nominee's details as the province typed them, and when the dossier was created."""
    rng = build.rng
    word, sector = rng.choice(_WORDS), rng.choice(_SECTORS)
    if kind is NomineeKind.PERSON:
        name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    elif kind is NomineeKind.CLUSTER:
        name = f"خوشه {sector} {word} {nid}"
    elif kind is NomineeKind.PROJECT:
        name = f"طرح {sector} {word} {nid}"
    else:
        name = f"شرکت {sector} {word} {nid}"
    created = _between(rng, build.cycle.nominations_open_at, build.cycle.nominations_close_at - timedelta(days=20))
    values = {"nominee_name": name, "city": province.capital_fa, "sector": sector,
              "representative_name": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
              "representative_title": "مدیرعامل", "founding_year": rng.randint(1340, 1400),
              "employees": rng.randint(10, 3000), "annual_sales": rng.randint(1_000, 5_000_000),
              "exports_value": rng.randint(0, 20_000), "growth_percent": Decimal(rng.randint(-200, 600)) / 10,
              "narrative": f"دستاوردهای {name} در {sector}: رشد تولید، صادرات و اشتغال در {province.name_fa}."}
    if kind is NomineeKind.LEGAL_ENTITY:
        values["legal_id"] = legal_id(f"10{nid:08d}")
    if kind is NomineeKind.PERSON:
        values["national_code"] = national_code(f"{nid:09d}")
        values["salutation"] = rng.choice(["جناب آقای", "سرکار خانم"])
    return created, values


def _build_nominations(build: _Build, *, nominations: int, upload_dir: Path) -> None:
    """Nominations, evidence, screening and compliance; then the quotas, and every row of them inserted."""
    rng, cycle = build.rng, build.cycle
    weights = [w for *_, w in CATEGORIES]
    rows_n = []
    upload_dir.mkdir(parents=True, exist_ok=True)
    pdf = demo_pdf("Tandis scale evidence")
    for nid in range(1, nominations + 1):
        category = rng.choices(build.categories, weights)[0]
        provinces = build.provinces
        province = provinces[min(len(provinces) - 1, int(rng.betavariate(1.2, 2.0) * len(provinces)))]
        officer = build.officers[province.id]
        roll = rng.random()
        created, values = _nominee_values(build, nid, category.nominee_kind, province)
        row = {"id": nid, "cycle_id": cycle.id, "category_id": category.id, "province_id": province.id,
               "search_name": normalize_search(values["nominee_name"]), "created_by_id": officer,
               "created_at": created, "updated_at": created, "submitted_at": None, "return_reason": None,
               "ineligible_reason": None, "mobile": None, "legal_id": None, "national_code": None,
               "salutation": None, **values}
        audit = {"nomination_id": nid, "cycle_id": cycle.id, "province_id": province.id}
        build.log.add(created, officer, "nomination.create", "nomination", nid, **audit,
                      changes={k: [None, str(v) if isinstance(v, Decimal) else v] for k, v in values.items()})
        if roll < 0.035:  # a draft still being written
            state = NominationState.DRAFT
        else:
            state = _file_and_submit(build, row, audit, roll=roll, officer=officer, pdf=pdf, upload_dir=upload_dir)
            if state is NominationState.IN_EVALUATION:
                state = _check_compliance(build, row, audit, roll=roll)
                build.evaluated.append((nid, category.id, province.id, rng.uniform(0.35, 0.95)))
        row["state"] = state
        rows_n.append(row)
    _set_quotas(build, rows_n)
    build.session.flush()
    _insert(build.session, Nomination.__table__, rows_n)
    _insert(build.session, EvidenceDocument.__table__, build.rows_doc)
    _insert(build.session, ScreeningDecision.__table__, build.rows_screen)
    _insert(build.session, ComplianceDecision.__table__, build.rows_comp)
    build.rows_doc = []


def _file_and_submit(build: _Build, row: dict[str, Any], audit: dict[str, int], *, roll: float, officer: int,
                     pdf: bytes, upload_dir: Path) -> NominationState:
    """The evidence goes on disk; the dossier is withdrawn, or submitted and screened (returned, still waiting, or
    accepted: ``in_evaluation``, for :func:`_check_compliance` to decide on)."""
    rng, log, nid = build.rng, build.log, row["id"]
    pdf_sha = hashlib.sha256(pdf).hexdigest()
    doc_at = row["created_at"] + timedelta(hours=rng.randint(1, 72))
    stored = secrets.token_hex(16) + ".pdf"
    (upload_dir / stored).write_bytes(pdf)
    build.rows_doc.append({"id": len(build.rows_doc) + 1, "nomination_id": nid,
                           "original_name": "مدارک-پرونده.pdf", "stored_name": stored,
                           "content_type": "application/pdf", "size_bytes": len(pdf), "sha256": pdf_sha,
                           "uploaded_by_id": officer, "uploaded_at": doc_at})
    log.add(doc_at, officer, "document.add", "document", len(build.rows_doc), **audit,
            changes={"original_name": [None, "مدارک-پرونده.pdf"], "sha256": [None, pdf_sha]})
    submitted = doc_at + timedelta(hours=rng.randint(1, 240))
    if roll < 0.065:  # withdrawn before submitting
        log.add(submitted, officer, "nomination.withdraw", "nomination", nid, **audit,
                changes={"state": ["draft", "withdrawn"]})
        return NominationState.WITHDRAWN
    row["submitted_at"] = submitted
    log.add(submitted, officer, "nomination.submit", "nomination", nid, **audit,
            changes={"state": ["draft", "submitted"]})
    decided = _between(rng, submitted + timedelta(hours=2), build.cycle.screening_close_at - timedelta(days=1))
    screener = rng.choice(build.members[CommitteeCode.PROVINCIAL_AFFAIRS])
    if roll < 0.10:  # returned by screening, back to the province as a draft
        reason = "گواهی استاندارد و صورت‌های مالی حسابرسی‌شده پیوست نشده است."
        row["return_reason"] = reason
        build.rows_screen.append({"id": len(build.rows_screen) + 1, "nomination_id": nid,
                                  "outcome": ScreeningOutcome.RETURNED, "reason": reason,
                                  "decided_by_id": screener, "decided_at": decided})
        log.add(decided, screener, "nomination.return", "nomination", nid, **audit, reason=reason,
                changes={"state": ["submitted", "draft"]})
        return NominationState.DRAFT
    if roll < 0.15:  # still waiting for screening
        return NominationState.SUBMITTED
    build.rows_screen.append({"id": len(build.rows_screen) + 1, "nomination_id": nid,
                              "outcome": ScreeningOutcome.ACCEPTED, "reason": "",
                              "decided_by_id": screener, "decided_at": decided})
    log.add(decided, screener, "nomination.accept", "nomination", nid, **audit,
            changes={"state": ["submitted", "in_evaluation"]})
    return NominationState.IN_EVALUATION


def _check_compliance(build: _Build, row: dict[str, Any], audit: dict[str, int], *, roll: float
                      ) -> NominationState:
    """Oversight on an accepted dossier: failed (ineligible), passed, or not yet decided."""
    rng, nid = build.rng, row["id"]
    checked = _between(rng, build.cycle.screening_close_at, STAGE_MOMENTS["evaluation"] - timedelta(days=1))
    inspector = rng.choice(build.members[CommitteeCode.OVERSIGHT])
    if roll < 0.19:  # oversight failed it: ineligible (its sheets still count in the pools)
        reason = "مفاصاحساب بیمه‌ای ارائه نشده است."
        row["ineligible_reason"] = reason
        build.rows_comp.append({"id": len(build.rows_comp) + 1, "nomination_id": nid,
                                "outcome": ComplianceOutcome.FAILED, "reason": reason,
                                "decided_by_id": inspector, "decided_at": checked})
        build.log.add(checked, inspector, "nomination.fail_compliance", "nomination", nid, **audit,
                      reason=reason, changes={"state": ["in_evaluation", "ineligible"]})
        return NominationState.INELIGIBLE
    if roll < 0.93:
        reason = "مجوزها و مفاصاحساب‌ها بررسی شد."
        build.rows_comp.append({"id": len(build.rows_comp) + 1, "nomination_id": nid,
                                "outcome": ComplianceOutcome.PASSED, "reason": reason,
                                "decided_by_id": inspector, "decided_at": checked})
        build.log.add(checked, inspector, "nomination.pass_compliance", "nomination", nid, **audit,
                      reason=reason)
    return NominationState.IN_EVALUATION


def _set_quotas(build: _Build, rows_n: list[dict[str, Any]]) -> None:
    """Quotas large enough for what each province put in each category (the app enforced them on submit)."""
    used: dict[tuple[int, int], int] = defaultdict(int)
    for row in rows_n:
        if row["state"] not in (NominationState.DRAFT, NominationState.WITHDRAWN):
            used[(row["category_id"], row["province_id"])] += 1
    for category in build.categories:
        category.province_quota = max([1] + [c for (cat, _p), c in used.items() if cat == category.id])


def _build_evaluation(build: _Build) -> None:
    """Assignments, conflicts, sheets and scores: three reviewers per nomination in every scoring committee,
    balanced by load, and the ``assignment.balance`` events that created them."""
    cycle, committees = build.cycle, build.committees
    t_assign = cycle.screening_close_at + timedelta(hours=2)
    sheet_end = (STAGE_MOMENTS["evaluation"] if build.stage == "evaluation"
                 else cycle.evaluation_close_at - timedelta(hours=1))
    load = {code: dict.fromkeys(build.members[code], 0) for code in SCORING}
    created_pairs: dict[tuple[int, CommitteeCode], list[list[int]]] = defaultdict(list)
    for nid, category_id, province_id, quality in build.evaluated:
        audit = {"nomination_id": nid, "cycle_id": cycle.id, "province_id": province_id}
        for code in SCORING:
            committee_id = committees[code].id
            chosen = sorted(load[code], key=lambda m: (load[code][m], m))[:K]
            for member in chosen:
                load[code][member] += 1
                build.rows_a.append({"id": len(build.rows_a) + 1, "nomination_id": nid, "committee_id": committee_id,
                                     "member_id": member, "created_at": t_assign})
                created_pairs[(category_id, code)].append([nid, member])
            for member in chosen:
                if _conflicts(build, nid, member, audit, t_assign=t_assign, sheet_end=sheet_end):
                    continue
                _write_sheet(build, nid, member, code, audit, lines=build.criteria[(category_id, committee_id)],
                             quality=quality, t_assign=t_assign, sheet_end=sheet_end)
    for (category_id, code), pairs in created_pairs.items():
        build.log.add(t_assign, build.admin, "assignment.balance", "category", category_id, cycle_id=cycle.id,
                      changes={"committee": [None, code.value], "reviewers_per_nomination": [None, K],
                               "created": [None, pairs], "removed": [None, 0], "short": [None, []]})


def _conflicts(build: _Build, nid: int, member: int, audit: dict[str, int], *, t_assign: datetime,
               sheet_end: datetime) -> bool:
    """A few conflicts of interest: True when the member declared one (and does not score); a rule flag the
    secretariat overrode leaves the member scoring."""
    rng, log, admin = build.rng, build.log, build.admin
    if rng.random() < 0.004:  # the member declares a conflict and does not score
        at = _between(rng, t_assign, sheet_end)
        build.rows_c.append({"id": len(build.rows_c) + 1, "nomination_id": nid, "user_id": member,
                             "source": ConflictSource.DECLARED, "reason": "همکاری پیشین با این واحد",
                             "created_at": at, "overridden_by_id": None, "overridden_at": None,
                             "override_reason": None})
        log.add(at, member, "conflict.declare", "conflict", len(build.rows_c), **audit,
                reason="همکاری پیشین با این واحد")
        return True
    if rng.random() < 0.002:  # a rule flag the secretariat looked at and overrode
        at = t_assign + timedelta(minutes=1)
        build.rows_c.append({"id": len(build.rows_c) + 1, "nomination_id": nid, "user_id": member,
                             "source": ConflictSource.SAME_ORGANISATION, "reason": "نام سازمان مشابه",
                             "created_at": at, "overridden_by_id": admin,
                             "overridden_at": at + timedelta(hours=3),
                             "override_reason": "سازمان‌ها یکی نیستند؛ تنها نامشان شبیه است."})
        log.add(at, None, "conflict.flag", "conflict", len(build.rows_c), **audit)
        log.add(at + timedelta(hours=3), admin, "conflict.override", "conflict", len(build.rows_c), **audit,
                reason="سازمان‌ها یکی نیستند؛ تنها نامشان شبیه است.")
    return False


def _write_sheet(build: _Build, nid: int, member: int, code: CommitteeCode, audit: dict[str, int], *,
                 lines: list[tuple[int, Decimal]], quality: float, t_assign: datetime, sheet_end: datetime) -> None:
    """The member's sheet: submitted, a draft with two values, or (stage ``evaluation`` only) not started."""
    rng = build.rng
    fate = rng.random() if build.stage == "evaluation" else 0.0
    if fate >= 0.95:  # not started yet
        return
    submit = fate < 0.90
    at = _between(rng, t_assign + timedelta(hours=6), sheet_end)
    sheet_id = len(build.rows_s) + 1
    changes: dict[str, Any] = {"committee": [None, code.value]}
    for index, (criterion_id, max_points) in enumerate(lines):
        if not submit and index >= 2:
            break
        share = min(1.0, max(0.0, quality + build.severity[member] + rng.uniform(-0.07, 0.07)))
        value = _half(float(max_points) * share)
        build.rows_v.append({"sheet_id": sheet_id, "criterion_id": criterion_id, "value": value,
                             "max_points": max_points})
        changes[f"criterion:{criterion_id}"] = [None, str(value)]
    if submit:
        changes["state"] = ["draft", "submitted"]
    build.rows_s.append({"id": sheet_id, "nomination_id": nid, "committee_id": build.committees[code].id,
                         "member_id": member, "state": SheetState.SUBMITTED if submit else SheetState.DRAFT,
                         "comment": "", "created_at": at, "updated_at": at,
                         "submitted_at": at if submit else None, "reopened_reason": None})
    build.log.add(at, member, "sheet.submit" if submit else "sheet.save", "score_sheet", sheet_id,
                  **audit, changes=changes)


def _insert_evaluation(build: _Build, report: ScaleReport) -> None:
    """Assignments, conflicts, sheets and scores inserted, the audit events chained, the sequences moved on."""
    session = build.session
    _insert(session, Assignment.__table__, build.rows_a)
    _insert(session, Conflict.__table__, build.rows_c)
    _insert(session, ScoreSheet.__table__, build.rows_s)
    rows_v = build.rows_v
    for start in range(0, len(rows_v), CHUNK):  # ids in order, given here to keep the dicts small until now
        chunk = rows_v[start:start + CHUNK]
        for offset, row in enumerate(chunk, start=start + 1):
            row["id"] = offset
        session.execute(insert(Score.__table__), chunk)
    report.counts = {"assignments": len(build.rows_a), "conflicts": len(build.rows_c),
                     "score_sheets": len(build.rows_s), "scores": len(rows_v), "audit_events": len(build.log.rows),
                     "users": len(build.users)}
    del rows_v
    build.rows_a, build.rows_s, build.rows_v = [], [], []
    build.log.write(session)
    _advance_sequences(session)


def _set_clock_and_results(build: _Build, report: ScaleReport, *, finalise: bool) -> None:
    """The clock, and for results the app's own proposal and confirmation; then the report's states and counts."""
    session = build.session
    if build.stage == "evaluation":
        set_demo_clock(session, STAGE_MOMENTS["evaluation"])
    else:
        set_demo_clock(session, STAGE_MOMENTS["results"])
        if finalise:
            t0 = time.perf_counter()
            report.finalised = finalise_all(session, cycle_id=build.cycle.id)
            report.seconds["finalise"] = time.perf_counter() - t0
    report.states = {str(state): count for state, count in session.execute(
        select(Nomination.state, func.count()).group_by(Nomination.state))}
    report.counts["audit_events"] = session.scalar(select(func.count()).select_from(AuditEvent))


def refresh_statistics(session: Session) -> bool:
    """PostgreSQL: gather statistics on the freshly loaded tables (``db.gather_statistics``), as autovacuum would
    within a minute or so of a bulk load; call it after the load is committed. SQLite is left alone: a served SQLite
    database never gathers statistics either, and its planner's defaults are what the app is measured with.
    Returns whether anything was done."""
    engine = session.get_bind()
    if engine.dialect.name != "postgresql":
        return False
    gather_statistics(engine)
    return True


def finalise_all(session: Session, *, cycle_id: int) -> int:
    """Sign off and seal (:func:`sign_off_all`), then propose and confirm every category
    (:func:`propose_and_confirm_all`). Returns how many categories were confirmed."""
    sign_off_all(session, cycle_id=cycle_id)
    return propose_and_confirm_all(session, cycle_id=cycle_id)


def _cycle_categories(session: Session, cycle_id: int) -> list[Category]:
    return list(session.scalars(select(Category).where(Category.cycle_id == cycle_id).order_by(Category.position)))


def sign_off_all(session: Session, *, cycle_id: int) -> None:
    """What the committees do before a proposal, through the app's services: each weighted committee's chair signs
    off, ties are settled (by id order through ``resolve_tie``), and the winners committee's one meeting ranking
    every category is recorded in sealed minutes."""
    chair = session.scalar(select(User).where(User.username == "winners-chair"))
    chairs = {committee.code: (committee, user) for committee, user in session.execute(  # every chair, one query
        select(Committee, User).join(Membership, Membership.committee_id == Committee.id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.cycle_id == cycle_id, Membership.is_chair.is_(True))).all()}
    categories = _cycle_categories(session, cycle_id)
    for category in categories:
        # The chairs of the weighted committees sign off first: the result is computed once (and cached), and
        # each sign-off reuses it and its digests.
        for code in load_results(session, category=category).result.weights:
            committee, signer = chairs[code]
            signoff.sign_off(session, category=category, committee=committee, actor=signer)
        for _attempt in range(5):
            blocking = load_results(session, category=category).result.blocking_ties
            if not blocking:
                break
            for tie in blocking:
                results.resolve_tie(session, category=category, actor=chair,
                                    ordered_nomination_ids=sorted(tie.nomination_ids),
                                    justification="ترتیب بر پایهٔ زمان ثبت پرونده (دادهٔ آزمون مقیاس)")
    # One meeting for all categories: each ranking reads its result from the cache the tie check just filled.
    seal_winners_minutes(session, cycle=categories[0].cycle, categories=categories,
                         held_on=clock.now().astimezone(TEHRAN).date())
    session.flush()


def propose_and_confirm_all(session: Session, *, cycle_id: int) -> int:
    """The winners chair proposes, and an organizer confirms, every category of the cycle (after
    :func:`sign_off_all`). Returns how many categories were confirmed."""
    chair = session.scalar(select(User).where(User.username == "winners-chair"))
    organizer = session.scalar(select(User).where(User.username == "admin"))
    confirmed = 0
    for category in _cycle_categories(session, cycle_id):
        results.propose(session, category=category, actor=chair)
        results.confirm(session, category=category, actor=organizer)
        confirmed += 1
    session.flush()
    return confirmed


_TABLES_WITH_IDS = ("users", "memberships", "categories", "category_committees", "criteria", "cycles",
                    "signatories", "nominations", "evidence_documents", "screening_decisions",
                    "compliance_decisions", "assignments", "conflicts", "score_sheets", "scores", "audit_events")


def _advance_sequences(session: Session) -> None:
    """PostgreSQL: move each serial past the ids given explicitly (SQLite needs nothing)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in _TABLES_WITH_IDS:
        session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # fixed table names only
            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false) "
            f"WHERE pg_get_serial_sequence('{table}', 'id') IS NOT NULL"))


def summary(report: ScaleReport) -> str:
    """One paragraph for the command line."""
    states = ", ".join(f"{k} {v}" for k, v in sorted(report.states.items()))
    counts = ", ".join(f"{k} {v}" for k, v in report.counts.items())
    times = ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items())
    final = f"; {report.finalised} categories proposed and confirmed" if report.finalised else ""
    return f"{report.nominations} nominations ({states}); {counts}{final}; {times}"


