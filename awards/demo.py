"""The demo: the 1404 cycle of National Industry and Mining Day, built through the app's own services.

The 1404 dates lie in the past, so the demo stores a clock offset (see ``awards.clock``) that puts the app
inside the replayed phase: by default nominations are open on 20 Ordibehesht 1404.

The default stage (``nominations``) has the provincial round off, as the tests written before the round expect:
provincial affairs already accepts dossiers while nominations are open. The later stages (``provincial``,
``results``, ``final``) tell both rounds: each province's working group scores its dossiers and its chair
forwards them (Fars forwards Maskati Lari and keeps the Meymand rose-water cluster, which then gets Fars's
provincial award), and the national round runs on the forwarded dossiers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from awards import clock
from awards.auth.services import create_user
from awards.budget import services as budget
from awards.budget.queries import budget_sheet
from awards.enums import (
    Aggregation,
    BudgetAction,
    BudgetLineKind,
    CommitteeCode,
    DecisionKind,
    IndicatorRule,
    MeetingAction,
    NominationAction,
    NominationState,
    NomineeKind,
    PublicationAction,
    Tier,
)
from awards.evaluation import citations, figures
from awards.evaluation import services as evaluation
from awards.evaluation.indicators import Band
from awards.meetings import services as meetings
from awards.models import (
    Category,
    CategoryCommittee,
    Committee,
    ComplianceDecision,
    Criterion,
    Cycle,
    Indicator,
    Meeting,
    Membership,
    Nomination,
    Province,
    ProvincialGroup,
    ProvincialSignatory,
    Setting,
    Signatory,
    User,
)
from awards.nominations import documents, services
from awards.persian import jalali_to_gregorian, legal_id_check_digit, national_code_check_digit
from awards.provincial import awards as provincial_awards
from awards.provincial import forwarding
from awards.provincial import services as provincial
from awards.provincial import sheets as provincial_sheets
from awards.provincial.ranking import provincial_ranking
from awards.publication import services as publication
from awards.reference import missing_reference_data
from awards.results import services as results
from awards.results import signoff
from awards.results.queries import load_results

TEHRAN = ZoneInfo("Asia/Tehran")
#: Committee members of the demo: (code, [(suffix, full name, organisation)]).
MEMBERS = {
    CommitteeCode.WINNERS: [("chair", "دکتر مهدی صادقی", "وزارت صمت"), ("1", "مهندس زهرا کاظمی", "خانه صنعت"),
                            ("2", "دکتر علی نوروزی", "دانشگاه صنعتی شریف")],
    CommitteeCode.PROVINCIAL_AFFAIRS: [("chair", "مهندس رضا کریمی", "وزارت صمت"),
                                       ("1", "مریم احمدی", "سازمان صنایع کوچک"), ("2", "حمید رستمی", "اتاق بازرگانی")],
    CommitteeCode.MEDIA: [("chair", "سارا موسوی", "خبرگزاری صنعت"), ("1", "امیر حسینی", "روابط عمومی وزارت"),
                          ("2", "نگار جعفری", "صداوسیما")],
    CommitteeCode.OVERSIGHT: [("chair", "دکتر حسن طاهری", "سازمان بازرسی"), ("1", "فاطمه رحیمی", "سازمان امور مالیاتی"),
                              ("2", "محسن یزدانی", "سازمان تأمین اجتماعی")],
    CommitteeCode.FINANCE: [("chair", "دکتر پروین قاسمی", "وزارت اقتصاد"), ("1", "کامران شریفی", "بانک صنعت و معدن"),
                            ("2", "لیلا مرادی", "سازمان حسابرسی")],
    CommitteeCode.CONTENT: [("chair", "دکتر نرگس عباسی", "فرهنگستان زبان"), ("1", "بهروز نیک‌نام", "دبیرخانه"),
                            ("2", "الهام فرهادی", "دانشگاه تهران")],
}

#: The rubric every demo category uses: committee -> [(title, guidance, max points, weight)].
RUBRIC = {
    CommitteeCode.WINNERS: [
        ("تولید و بهره‌وری", "رشد تولید و بهره‌وری در سه سال اخیر", 20, 3),
        ("کیفیت و استاندارد", "گواهی‌ها، استانداردها و شکایت مشتریان", 20, 2),
        ("نوآوری و فناوری", "محصول یا فرایند نو، مرکز نوآوری، ثبت اختراع", 20, 2),
        ("صادرات و بازار", "بازارهای تازه، صادرات و حضور در نمایشگاه‌های خارجی", 20, 2),
    ],
    CommitteeCode.PROVINCIAL_AFFAIRS: [
        ("اثر منطقه‌ای و اشتغال", "اشتغال‌زایی و اثر بر اقتصاد استان", 10, 2),
        ("پیوند با زنجیرهٔ تأمین محلی", "خرید از تأمین‌کنندگان و واحدهای کوچک استان", 10, 1),
    ],
    CommitteeCode.MEDIA: [
        ("برند و شهرت", "شناخته‌بودن نام و نشان", 10, 1),
        ("حضور رسانه‌ای و عمومی", "گزارش‌ها، جشنواره‌ها و ارتباط با مردم", 10, 1),
    ],
    CommitteeCode.FINANCE: [
        ("رشد فروش", "رشد فروش واقعی در سه سال", 10, 2),
        ("سودآوری", "حاشیهٔ سود و پایداری مالی", 10, 1),
        ("ارزش صادرات", "ارزش ارزی صادرات", 10, 2),
        ("اشتغال", "تعداد و پایداری اشتغال", 10, 1),
    ],
    CommitteeCode.CONTENT: [
        ("کامل‌بودن مستندات", "مدارک پشتیبان ادعاها", 10, 1),
        ("کیفیت روایت دستاوردها", "روشنی و درستی شرح دستاوردها", 10, 1),
    ],
}
COMMITTEE_WEIGHTS = {
    CommitteeCode.WINNERS: ("3", Aggregation.TRIMMED_MEAN, True),
    CommitteeCode.PROVINCIAL_AFFAIRS: ("1", Aggregation.MEAN, False),
    CommitteeCode.MEDIA: ("1", Aggregation.MEAN, False),
    CommitteeCode.FINANCE: ("2", Aggregation.MEDIAN, False),
    CommitteeCode.CONTENT: ("1", Aggregation.MEAN, False),
    CommitteeCode.OVERSIGHT: ("0", Aggregation.MEAN, False),  # a compliance gate, not a score
}

CATEGORIES = [
    ("industry", "واحد نمونهٔ صنعتی", NomineeKind.LEGAL_ENTITY, 3, 1, 3, "60"),
    ("mining", "واحد نمونهٔ معدنی", NomineeKind.LEGAL_ENTITY, 2, 1, 2, "60"),
    ("cluster", "خوشهٔ صنعتی برتر", NomineeKind.CLUSTER, 2, 1, 2, "55"),
    ("project", "طرح برتر", NomineeKind.PROJECT, 2, 1, 2, None),
    ("veteran", "پیشکسوت صنعت و معدن", NomineeKind.PERSON, 1, 1, 2, None),
    ("woman", "بانوی کارآفرین نمونه", NomineeKind.PERSON, 1, 1, 2, None),
]

#: The categories' English titles, shown on English pages.
CATEGORY_TITLES_EN = {
    "industry": "Model industrial unit",
    "mining": "Model mining unit",
    "cluster": "Top industrial cluster",
    "project": "Top project",
    "veteran": "Industry and mining veteran",
    "woman": "Model woman entrepreneur",
}

#: Province officers of the demo: (username, ISO code, full name).
OFFICERS = [
    ("fars", "IR-07", "کارشناس استان فارس"),
    ("tehran", "IR-23", "کارشناس استان تهران"),
    ("isfahan", "IR-10", "کارشناس استان اصفهان"),
    ("yazd", "IR-21", "کارشناس استان یزد"),
    ("khorasan", "IR-09", "کارشناس استان خراسان رضوی"),
]

MASKATI = "خوشه مسقطی لاری"
#: Fars's second cluster (later stages only): ranked below Maskati Lari, kept in the province, given its award.
MEYMAND = "خوشه گلاب و عرقیات میمند"

#: The working groups of the later stages, by province officer: [(suffix, full name, organisation)]. Invented
#: people; no organisation shares its name with a nominee of the province (the same-organisation conflict rule).
PROVINCIAL_GROUPS = {
    "fars": [("chair", "دکتر کیوان شاکری", "دانشگاه شیراز"), ("1", "مهندس لادن صفایی", "اتاق بازرگانی شیراز"),
             ("2", "بهزاد کشاورز", "سازمان صمت استان فارس")],
    "tehran": [("chair", "دکتر شیرین ملکی", "دانشگاه صنعتی امیرکبیر"),
               ("1", "مهندس پرویز قربانی", "اتاق بازرگانی تهران"), ("2", "نسرین اکبری", "سازمان صمت استان تهران")],
    "isfahan": [("chair", "دکتر جواد هاشمی", "دانشگاه صنعتی اصفهان"),
                ("1", "مهندس آزاده سلطانی", "اتاق بازرگانی اصفهان"), ("2", "رامین خلیلی", "سازمان صمت استان اصفهان")],
    "yazd": [("chair", "دکتر منصوره زارع", "دانشگاه یزد"), ("1", "مهندس حمیدرضا میرجلیلی", "اتاق بازرگانی یزد"),
             ("2", "سمیه فلاح", "سازمان صمت استان یزد")],
    "khorasan": [("chair", "دکتر علی‌اکبر نظری", "دانشگاه فردوسی مشهد"),
                 ("1", "مهندس فرزانه صدری", "اتاق بازرگانی مشهد"),
                 ("2", "یوسف عطایی", "سازمان صمت استان خراسان رضوی")],
}
#: The provincial rubric the secretariat sets for every category: [(title, guidance, max points, weight)].
PROVINCIAL_RUBRIC = [
    ("جایگاه در اقتصاد استان", "سهم در تولید، اشتغال و صادرات استان", 10, 2),
    ("پیوند با واحدهای محلی", "خرید از تأمین‌کنندگان و واحدهای کوچک استان", 10, 1),
    ("کیفیت پرونده", "کامل‌بودن و درستی مدارک پرونده", 10, 1),
]
#: Who signs Fars's provincial certificates (invented names): [(name, title)].
FARS_SIGNATORIES = [
    ("محمدرضا آذرنیا", "استاندار فارس"),
    ("فرهاد کاویانی", "رئیس سازمان صنعت، معدن و تجارت استان فارس"),
]

#: The 1404 cycle's indicators: (code, Persian name, English name, Persian unit, English unit, decimals, min).
INDICATORS = [
    ("annual_sales", "فروش سالانه", "Annual sales", "میلیون ریال", "million rials", 0, "0"),
    ("sales_growth", "رشد فروش", "Sales growth", "درصد", "%", 2, "-100"),
    ("exports", "صادرات", "Exports", "هزار دلار", "thousand USD", 0, "0"),
    ("employees", "کارکنان", "Employees", "نفر", "people", 0, "0"),
    ("rnd_spending", "هزینهٔ پژوهش و توسعه", "R&D spending", "میلیون ریال", "million rials", 0, "0"),
    ("quality_certificates", "گواهی‌های کیفیت", "Quality certificates", "گواهی", "certificates", 0, "0"),
]
#: The year the demo's figures refer to.
FIGURES_YEAR = 1403
#: Sales growth as the organizers scored it: over 40% -> 8, 25 to 40 -> 6, 15 to 25 -> 4, 5 to 15 -> 2, else 1.
GROWTH_BANDS = [
    Band(Decimal(40), None, Decimal(8), lower_inclusive=False),
    Band(Decimal(25), Decimal(40), Decimal(6), lower_inclusive=True, upper_inclusive=True),
    Band(Decimal(15), Decimal(25), Decimal(4), lower_inclusive=True, upper_inclusive=False),
    Band(Decimal(5), Decimal(15), Decimal(2), lower_inclusive=False, upper_inclusive=False),
    Band(None, Decimal(5), Decimal(1), upper_inclusive=True),
]
#: Computed criteria of the demo: (category, finance criterion title, indicator, rule, max points, bands or scale).
COMPUTED = [
    ("cluster", "رشد فروش", "sales_growth", IndicatorRule.BANDS, 8, GROWTH_BANDS),
    # Exports: 2 points per million dollars (the figure is in thousand USD), capped at 10 from 5 M USD.
    ("industry", "ارزش صادرات", "exports", IndicatorRule.LINEAR, 10, (Decimal(0), Decimal("0.002"))),
]


def jalali_moment(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """Return the aware UTC moment of a Jalali date and Tehran wall-clock time."""
    local = datetime.combine(jalali_to_gregorian(year, month, day), time(hour, minute), tzinfo=TEHRAN)
    return local.astimezone(UTC)


#: The provincial round of the later stages: scoring closes on 5 Khordad, selection on 10 Khordad 1404 (between
#: nominations close, 31 Ordibehesht, and screening close, 15 Khordad), at the end of the day as the UI sets them.
PROVINCIAL_SCORING_CLOSE = jalali_moment(1404, 3, 5, 23, 59)
PROVINCIAL_SELECTION_CLOSE = jalali_moment(1404, 3, 10, 23, 59)

#: Where the demo's clock stands for each stage (and for the steps between them: provincial scoring, screening
#: and evaluation).
STAGE_MOMENTS = {
    "nominations": jalali_moment(1404, 2, 20, 10, 0),
    "provincial_scoring": jalali_moment(1404, 3, 2, 10, 0),
    "provincial": jalali_moment(1404, 3, 7, 10, 0),
    "screening": jalali_moment(1404, 3, 12, 10, 0),
    "evaluation": jalali_moment(1404, 3, 20, 10, 0),
    "results": jalali_moment(1404, 4, 2, 10, 0),
    "final": jalali_moment(1404, 6, 5, 10, 0),
}
#: The stages ``seed-demo --stage`` offers, in story order; every one but ``nominations`` has the provincial round.
STAGES = ("nominations", "provincial", "results", "final")


def legal_id(prefix10: str) -> str:
    return prefix10 + str(legal_id_check_digit(prefix10))


def national_code(prefix9: str) -> str:
    return prefix9 + str(national_code_check_digit(prefix9))


def demo_pdf(title: str) -> bytes:
    """Return a small, valid one-page PDF standing in for a scanned evidence document."""
    text = title.encode("ascii", "replace")
    stream = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


@dataclass
class DemoContext:
    cycle: Cycle
    users: dict[str, User]
    categories: dict[str, Category]
    upload_dir: Path
    max_bytes: int
    indicators: dict[str, Indicator] = field(default_factory=dict)


def set_demo_clock(session: Session, moment: datetime) -> None:
    """Move the app clock to ``moment`` and remember the offset in the database."""
    clock.set_offset(clock.offset_to(moment))
    setting = session.get(Setting, clock.SETTING_KEY) or Setting(key=clock.SETTING_KEY)
    setting.value = clock.offset().total_seconds()
    session.add(setting)
    session.flush()


def seed_demo(session: Session, *, password: str, upload_dir: Path, max_bytes: int,
              stage: str = "nominations") -> DemoContext:
    """Build the 1404 demo on an empty, migrated database (reference data loaded by migration 0002), up to
    ``stage``."""
    if missing := missing_reference_data(session):
        raise RuntimeError(f"the reference data is incomplete (run the migrations): missing {', '.join(missing)}")
    set_demo_clock(session, STAGE_MOMENTS["nominations"])
    provinces = {p.iso_code: p for p in session.scalars(select(Province))}
    committees = {c.code: c for c in session.scalars(select(Committee))}

    users: dict[str, User] = {}
    users["admin"] = create_user(session, username="admin", password=password, full_name="دبیرخانهٔ روز ملی صنعت و معدن",
                                 title="دبیر ستاد", organisation="وزارت صمت", is_organizer=True)
    admin = users["admin"]
    for username, iso, name in OFFICERS:
        users[username] = create_user(session, username=username, password=password, full_name=name,
                                      province=provinces[iso], organisation=f"سازمان صمت {provinces[iso].name_fa}",
                                      actor=admin)

    cycle = Cycle(
        year=1404,
        title="روز ملی صنعت و معدن ۱۴۰۴",
        nominations_open_at=jalali_moment(1403, 12, 1),
        nominations_close_at=jalali_moment(1404, 2, 31, 23, 59),
        screening_close_at=jalali_moment(1404, 3, 15, 23, 59),
        evaluation_close_at=jalali_moment(1404, 3, 31, 23, 59),
        results_final_at=jalali_moment(1404, 4, 5, 12, 0),
        ceremony_at=jalali_moment(1404, 6, 4, 10, 0),
        ceremony_postponed_from=jalali_moment(1404, 4, 10, 10, 0),
        ceremony_postponed_reason="به دلیل شرایط ناشی از جنگ، آیین از دهم تیر به چهارم شهریور ۱۴۰۴ موکول شد.",
        conflict_same_province=True,
    )
    cycle.signatories = [
        # Invented names: the demo does not speak for real office holders.
        Signatory(name="علیرضا پارسا", title="وزیر صنعت، معدن و تجارت", position=0),
        Signatory(name="مریم توکلی", title="دبیر ستاد برگزاری روز ملی صنعت و معدن", position=1),
    ]
    session.add(cycle)
    session.flush()

    for code, members in MEMBERS.items():
        for suffix, name, organisation in members:
            username = f"{code.value}-{suffix}"
            user = create_user(session, username=username, password=password, full_name=name,
                               organisation=organisation, title=f"عضو کمیتهٔ {committees[code].name_fa}",
                               actor=admin)
            session.add(Membership(cycle_id=cycle.id, committee_id=committees[code].id, user_id=user.id,
                                   is_chair=suffix == "chair"))
            users[username] = user
    session.flush()

    categories: dict[str, Category] = {}
    for position, (code, title, kind, quota, gold, certificate, min_score) in enumerate(CATEGORIES):
        category = Category(cycle_id=cycle.id, code=code, title=title, title_en=CATEGORY_TITLES_EN[code],
                            nominee_kind=kind, province_quota=quota,
                            gold_quota=gold, certificate_quota=certificate,
                            min_score=Decimal(min_score) if min_score else None, position=position)
        for committee_code, (weight, aggregation, normalise) in COMMITTEE_WEIGHTS.items():
            category.committee_settings.append(CategoryCommittee(
                committee_id=committees[committee_code].id, weight=Decimal(weight), aggregation=aggregation,
                normalise=normalise))
        criterion_position = 0
        for committee_code, lines in RUBRIC.items():
            for title_c, guidance, max_points, weight_c in lines:
                category.criteria.append(Criterion(committee_id=committees[committee_code].id, title=title_c,
                                                   guidance=guidance, max_points=Decimal(max_points),
                                                   weight=Decimal(weight_c), position=criterion_position))
                criterion_position += 1
        session.add(category)
        categories[code] = category
    session.flush()
    # Refresh the users' memberships (loaded before the seats existed).
    for user in users.values():
        session.refresh(user)

    indicators = _seed_indicators(session, cycle, admin, categories)
    context = DemoContext(cycle=cycle, users=users, categories=categories, upload_dir=upload_dir,
                          max_bytes=max_bytes, indicators=indicators)
    if stage != "nominations":
        _seed_provincial_round(session, context, password=password)
    _seed_nominations(session, context)
    _run_to_stage(session, context, stage)
    return context


def _run_to_stage(session: Session, ctx: DemoContext, stage: str) -> None:
    if stage == "final":
        run_to_final(session, ctx)
    elif stage == "results":
        run_to_results(session, ctx)
    elif stage == "provincial":
        run_to_provincial(session, ctx)


def _seed_indicators(session: Session, cycle: Cycle, admin: User,
                     categories: dict[str, Category]) -> dict[str, Indicator]:
    """The cycle's six indicators (dossiers declare figures for them from the start)."""
    indicators = {}
    for code, name_fa, name_en, unit_fa, unit_en, decimals, minimum in INDICATORS:
        indicators[code] = figures.define_indicator(session, actor=admin, cycle=cycle, spec=figures.IndicatorSpec(
            code=code, name_fa=name_fa, name_en=name_en, unit_fa=unit_fa, unit_en=unit_en, decimals=decimals,
            min_value=Decimal(minimum)))
    return indicators


def _adopt_computed_criteria(session: Session, ctx: DemoContext) -> None:
    """Before evaluation starts, the secretariat scores two finance criteria from the verified figures.

    Only on the way to the final stage: the nominations-stage demo keeps every criterion judged, as the tests
    written before indicators expect."""
    admin, categories, indicators = ctx.users["admin"], ctx.categories, _indicators(session, ctx)
    for category_code, title, indicator_code, rule, max_points, shape in COMPUTED:
        criterion = next(c for c in categories[category_code].criteria if c.title == title)
        criterion.max_points = Decimal(max_points)
        criterion.guidance = "از رقم تأییدشدهٔ پرونده حساب می‌شود."
        if rule is IndicatorRule.BANDS:
            figures.set_criterion_rule(session, actor=admin, criterion=criterion,
                                       indicator=indicators[indicator_code], rule=rule, bands=shape)
        else:
            figures.set_criterion_rule(session, actor=admin, criterion=criterion,
                                       indicator=indicators[indicator_code], rule=rule, origin=shape[0],
                                       slope=shape[1])


def _figures(values: dict, rnd: int | None = None, certificates: int | None = None) -> dict[str, Decimal]:
    """A dossier's declared figures by indicator code, from its key figures plus R&D and certificates."""
    found = {"annual_sales": values.get("annual_sales"), "sales_growth": values.get("growth_percent"),
             "exports": values.get("exports_value"), "employees": values.get("employees"),
             "rnd_spending": rnd, "quality_certificates": certificates}
    return {code: Decimal(value) for code, value in found.items() if value is not None}


_COMPANY = {"representative_title": "مدیرعامل", "founding_year": 1372, "employees": 240,
            "annual_sales": 1_850_000, "exports_value": 4_200, "growth_percent": Decimal("18.5")}


@dataclass
class _NominationSeeder:
    """Creates the demo's nominations as the province officers would, and moves them on."""

    session: Session
    ctx: DemoContext

    @property
    def users(self) -> dict[str, User]:
        return self.ctx.users

    def make(self, officer: str, category: str, values: dict, *, evidence: bool = True,
             declared: dict[str, Decimal] | None = None) -> Nomination:
        nomination = services.create_draft(self.session, actor=self.users[officer],
                                           category=self.ctx.categories[category], values=values)
        if declared:
            declare(self.session, self.ctx, officer, nomination, declared)
        if evidence:
            documents.add_document(self.session, actor=self.users[officer], nomination=nomination,
                                   filename="مدارک-پرونده.pdf", data=demo_pdf("Tandis demo evidence"),
                                   upload_dir=self.ctx.upload_dir, max_bytes=self.ctx.max_bytes)
        return nomination

    def submit(self, nomination: Nomination, officer: str) -> None:
        services.transition(self.session, nomination=nomination, action=NominationAction.SUBMIT,
                            actor=self.users[officer])

    @property
    def round_on(self) -> bool:
        return self.ctx.cycle.has_provincial_round

    def accept(self, nomination: Nomination) -> None:
        """Provincial affairs accepts the dossier while nominations are open; with the provincial round on,
        national screening waits for the working group's forward (see :func:`_screen_forwarded`)."""
        if not self.round_on:
            services.transition(self.session, nomination=nomination, action=NominationAction.ACCEPT,
                                actor=self.users["provincial_affairs-chair"])


def _indicators(session: Session, ctx: DemoContext) -> dict[str, Indicator]:
    """The cycle's indicators by code (read back when the context was rebuilt from a seeded database)."""
    if not ctx.indicators:
        ctx.indicators = {i.code: i for i in figures.cycle_indicators(session, cycle_id=ctx.cycle.id)}
    return ctx.indicators


def declare(session: Session, ctx: DemoContext, officer: str, nomination: Nomination,
            declared: dict[str, Decimal]) -> None:
    """The province declares the dossier's figures (all for the demo's figures year)."""
    indicators = _indicators(session, ctx)
    figures.declare_figures(session, actor=ctx.users[officer], nomination=nomination, figures={
        indicators[code].id: (value, FIGURES_YEAR) for code, value in declared.items()})


def _seed_nominations(session: Session, ctx: DemoContext) -> None:
    seed = _NominationSeeder(session, ctx)
    _seed_fars(seed)
    _seed_tehran(seed)
    steel = _seed_isfahan(seed)
    _seed_yazd(seed)
    _seed_razavi_khorasan(seed)
    if seed.round_on:
        _seed_meymand(seed)
    else:
        # One compliance decision already made: the Isfahan steel company passes.
        services.decide_compliance(session, nomination=steel, actor=ctx.users["oversight-chair"], passed=True,
                                   reason=STEEL_COMPLIANCE)
    session.flush()


STEEL = "شرکت فولاد سپاهان نوین"
STEEL_COMPLIANCE = "مجوزها، مفاصاحساب مالیاتی و بیمه‌ای بررسی شد."
TOOS = "شرکت کاشی طوس"
TOOS_RETURN = "گواهی استاندارد و صورت‌های مالی حسابرسی‌شده پیوست نشده است."


def _seed_meymand(seed: _NominationSeeder) -> None:
    """Fars's second cluster, submitted (made last, so the other dossiers keep the ids of the nominations stage)."""
    meymand = seed.make("fars", "cluster", {
        "nominee_name": MEYMAND, "representative_name": "پروانه دهقانی", "representative_title": "عامل توسعه خوشه",
        "city": "میمند", "sector": "فراوری گل محمدی و عرقیات گیاهی", "founding_year": 1396, "employees": 180,
        "narrative": "گردآوری گلاب‌گیران سنتی میمند در یک تعاونی، بسته‌بندی بهداشتی و فروش در بازار استان."},
        declared=_figures({"employees": 180, "annual_sales": 95_000, "growth_percent": Decimal("11.0"),
                           "exports_value": 120}, certificates=1))
    seed.submit(meymand, "fars")


def _seed_fars(seed: _NominationSeeder) -> None:
    # The Maskati Lari cluster is a draft the province still has to complete and submit.
    seed.make("fars", "cluster", {
        "nominee_name": MASKATI,
        "salutation": "جناب آقای",
        "representative_name": "محمدعلی جمشیدی",
        "representative_title": "عامل توسعه خوشه مسقطی لار",
        "city": "لار",
        "sector": "صنایع غذایی (حلوا و شیرینی سنتی)",
    }, evidence=False)
    electronics = seed.make("fars", "industry", dict(
        _COMPANY, nominee_name="شرکت صنایع الکترونیک پارس شیراز", legal_id=legal_id("1086012345"),
        representative_name="نادر فرهمند", city="شیراز", sector="الکترونیک",
        narrative="طراحی و ساخت تجهیزات اندازه‌گیری صنعتی با فناوری بومی."),
        declared=_figures(dict(_COMPANY, exports_value=1_250), rnd=12_000, certificates=3))
    seed.submit(electronics, "fars")
    seed.accept(electronics)


def _seed_tehran(seed: _NominationSeeder) -> None:
    pharma = seed.make("tehran", "industry", dict(
        _COMPANY, nominee_name="شرکت داروسازی زاگرس‌فارمد", legal_id=legal_id("1010345678"),
        representative_name="شهرام نیکو", city="تهران", sector="دارویی", employees=610,
        narrative="تولید داروهای زیستی و صادرات به کشورهای همسایه."),
        declared=_figures(dict(_COMPANY, employees=610, exports_value=3_100), rnd=85_000, certificates=6))
    seed.submit(pharma, "tehran")
    seed.make("tehran", "project", {"nominee_name": "طرح نیروگاه خورشیدی شهریار", "representative_name": "کاوه امینی",
                                    "representative_title": "مدیر طرح", "city": "شهریار",
                                    "sector": "انرژی‌های تجدیدپذیر"},
              evidence=False)
    veteran = seed.make("tehran", "veteran", {
        "nominee_name": "مهندس حسن رضایی", "national_code": national_code("008765432"), "city": "تهران",
        "sector": "ماشین‌سازی", "narrative": "چهل سال فعالیت در صنعت ماشین‌سازی و آموزش نیروی ماهر."})
    seed.submit(veteran, "tehran")
    seed.accept(veteran)


def _seed_isfahan(seed: _NominationSeeder) -> Nomination:
    """Returns the steel company, whose compliance is decided once every province has its nominations."""
    steel = seed.make("isfahan", "industry", dict(
        _COMPANY, nominee_name=STEEL, legal_id=legal_id("1026045678"),
        representative_name="مجید کاظمی", city="اصفهان", sector="فولاد", employees=1_450,
        narrative="افزایش بهره‌وری انرژی و صادرات ورق فولادی."),
        declared=_figures(dict(_COMPANY, employees=1_450, exports_value=5_600), rnd=40_000, certificates=5))
    seed.submit(steel, "isfahan")
    seed.accept(steel)
    carpet = seed.make("isfahan", "cluster", {
        "nominee_name": "خوشه فرش دستباف کاشان", "representative_name": "زهره میرزایی",
        "representative_title": "عامل توسعه خوشه", "city": "کاشان", "sector": "فرش دستباف", "founding_year": 1394,
        "employees": 900, "narrative": "شبکه‌سازی بافندگان و صادرات مستقیم به اروپا."},
        declared=_figures({"employees": 900, "annual_sales": 410_000, "growth_percent": Decimal("22.0"),
                           "exports_value": 2_300}, certificates=2))
    seed.submit(carpet, "isfahan")
    seed.accept(carpet)
    return steel


def _seed_yazd(seed: _NominationSeeder) -> None:
    tiles = seed.make("yazd", "cluster", {
        "nominee_name": "خوشه کاشی و سرامیک میبد", "representative_name": "علیرضا دهقان",
        "representative_title": "عامل توسعه خوشه", "city": "میبد", "sector": "کاشی و سرامیک",
        "founding_year": 1392, "employees": 2_100,
        "narrative": "برند مشترک و مرکز طراحی کاشی برای بازارهای صادراتی."},
        declared=_figures({"employees": 2_100, "annual_sales": 980_000, "growth_percent": Decimal("16.0"),
                           "exports_value": 3_400}, rnd=9_500, certificates=4))
    seed.submit(tiles, "yazd")
    seed.accept(tiles)
    iron = seed.make("yazd", "mining", dict(
        _COMPANY, nominee_name="شرکت معدنی سنگ آهن بافق", legal_id=legal_id("1086034567"),
        representative_name="رسول شفیعی", city="بافق", sector="سنگ آهن",
        narrative="استخراج ایمن و فرآوری کنسانتره با بازیافت آب."),
        declared=_figures(_COMPANY, rnd=6_000, certificates=2))
    seed.submit(iron, "yazd")


def _seed_razavi_khorasan(seed: _NominationSeeder) -> None:
    saffron = seed.make("khorasan", "cluster", {
        "nominee_name": "خوشه زعفران تربت حیدریه", "representative_name": "محمود رحمانی",
        "representative_title": "عامل توسعه خوشه", "city": "تربت حیدریه", "sector": "فراوری زعفران",
        "founding_year": 1390, "employees": 1_300,
        "narrative": "استانداردسازی فراوری و بسته‌بندی زعفران برای صادرات."},
        declared=_figures({"employees": 1_300, "annual_sales": 520_000, "growth_percent": Decimal("41.5"),
                           "exports_value": 1_900}, certificates=3))
    seed.submit(saffron, "khorasan")
    seed.accept(saffron)
    tiles_mashhad = seed.make("khorasan", "industry", dict(
        _COMPANY, nominee_name=TOOS, legal_id=legal_id("1038028479"), representative_name="سعید توکلی",
        city="مشهد", sector="کاشی", narrative="تولید کاشی."))
    seed.submit(tiles_mashhad, "khorasan")
    if not seed.round_on:  # with the round on, screening returns it once Khorasan has forwarded it
        services.transition(seed.session, nomination=tiles_mashhad, action=NominationAction.RETURN,
                            actor=seed.users["provincial_affairs-chair"], reason=TOOS_RETURN)


#: How good each in-evaluation nominee of the final stage is: the share of each criterion's maximum its
#: sheets hover around. Fixed, so the demo's result is the same on every run: Maskati Lari tops the clusters.
QUALITY = {
    MASKATI: 0.92,
    "خوشه فرش دستباف کاشان": 0.81,
    "خوشه کاشی و سرامیک میبد": 0.74,
    "خوشه زعفران تربت حیدریه": 0.68,
    STEEL: 0.86,
    "شرکت داروسازی زاگرس‌فارمد": 0.79,
    "شرکت صنایع الکترونیک پارس شیراز": 0.72,
    "مهندس حسن رضایی": 0.88,
}
SCORING_COMMITTEES = (CommitteeCode.WINNERS, CommitteeCode.PROVINCIAL_AFFAIRS, CommitteeCode.MEDIA,
                      CommitteeCode.FINANCE, CommitteeCode.CONTENT)
CITATIONS = {
    MASKATI: ("خوشه مسقطی لاری با ساماندهی بیش از یکصد واحد تولیدی، تدوین پیش‌نویس استاندارد ملی مسقطی، "
              "راه‌اندازی مرکز نوآوری حلوا مسقطی لار و گشودن بازارهای صادراتی تازه، این شیرینی سنتی را "
              "به نشانی ماندگار از توان صنعت و کارآفرینی استان فارس بدل کرده است."),
}


def run_to_final(session: Session, ctx: DemoContext) -> None:
    """Carry the 1404 story to its frozen result through the same services the UI calls.

    Fars completes and submits the Maskati Lari dossier; provincial affairs accepts the waiting dossiers;
    oversight passes them (and fails the iron-ore company); every member scores every nomination with fixed
    pseudo-random values; the winners chair proposes, the content committee writes and approves citations,
    and the secretariat confirms; the secretariat lists the award budget, the finance committee approves its total
    in sealed minutes and its chair approves it (so certificates print); the media chair writes the press
    release's intro and approves the press list. The clock ends on 5 Shahrivar 1404, the day after the
    (postponed) ceremony, with the public winners page opened by the media chair.
    """
    _run_to_scored(session, ctx)
    _finalise_categories(session, ctx, list(ctx.categories.values()))
    _approve_budget(session, ctx)
    _approve_press_list(session, ctx)
    set_demo_clock(session, STAGE_MOMENTS["final"])
    publication.transition(session, cycle=ctx.cycle, action=PublicationAction.OPEN, actor=ctx.users["media-chair"])
    session.flush()


def run_to_results(session: Session, ctx: DemoContext) -> None:
    """Carry the 1404 story into its results phase, leaving the headline category for the people to finish.

    As :func:`run_to_final` up to the results: every sheet is in and the clock stands on 2 Tir 1404; every category
    but the cluster one (Maskati Lari's) is signed off, ranked in the winners committee's sealed minutes, proposed
    and confirmed. The cluster category is left as the scoring left it: its chairs' sign-offs, the winners
    committee's final meeting, the proposal and the confirmation are still to come, then the budget (sent only
    once every category is final) and the press list.
    """
    _run_to_scored(session, ctx)
    _finalise_categories(session, ctx, [c for c in ctx.categories.values() if c.code != "cluster"])
    session.flush()


def run_to_provincial(session: Session, ctx: DemoContext) -> None:
    """Carry the 1404 story into provincial selection (the cycle has the provincial round on), leaving Fars's
    clusters for its working group's chair.

    Fars submits Maskati Lari; on 2 Khordad 1404 every working group scores its province's dossiers; on 7 Khordad,
    selection open, every chair but Fars's has forwarded its dossiers, and Fars's has forwarded the Shiraz
    electronics company. Fars's cluster ranking is ready (Maskati Lari first, the Meymand rose-water cluster
    second) and neither is forwarded or kept yet.
    """
    nominations = {n.nominee_name: n for n in session.scalars(select(Nomination))}
    _adopt_computed_criteria(session, ctx)
    _complete_maskati(session, ctx, nominations[MASKATI])
    _run_provincial_round(session, ctx, hold_fars_clusters=True)
    session.flush()


def _run_to_scored(session: Session, ctx: DemoContext) -> None:
    """Fars submits Maskati Lari, the waiting dossiers are screened, the figures verified and every sheet is in;
    the clock ends in the results phase.

    With the provincial round on, the working groups score and forward first (Fars keeps the Meymand cluster, and
    its officer gives it the province's award once selection has closed); national screening then takes the
    forwarded dossiers, so the national round runs on the same dossiers as without the round."""
    nominations = {n.nominee_name: n for n in session.scalars(select(Nomination))}
    _adopt_computed_criteria(session, ctx)
    _complete_maskati(session, ctx, nominations[MASKATI])
    if ctx.cycle.has_provincial_round:
        _run_provincial_round(session, ctx)
        set_demo_clock(session, STAGE_MOMENTS["screening"])
        provincial_awards.issue(session, nomination=nominations[MEYMAND], actor=ctx.users["fars"])
        _screen_forwarded(session, ctx, nominations)
    _screen_waiting(session, ctx, nominations)
    set_demo_clock(session, STAGE_MOMENTS["evaluation"])
    _verify_figures(session, ctx, nominations)
    _score_everything(session, ctx, nominations)
    set_demo_clock(session, STAGE_MOMENTS["results"])


def _complete_maskati(session: Session, ctx: DemoContext, maskati: Nomination) -> None:
    """Fars fills in the rest of the Maskati Lari dossier, attaches its evidence and submits it."""
    users = ctx.users
    services.update_draft(session, actor=users["fars"], nomination=maskati, values={
        "founding_year": 1399, "employees": 420, "annual_sales": 640_000, "exports_value": 1_150,
        "growth_percent": Decimal("34.0"),
        "narrative": ("تدوین پیش‌نویس استاندارد ملی مسقطی لاری، برگزاری جشنواره تخصصی مسقطی، حضور در "
                      "نمایشگاه‌های دبی و استانبول، ایجاد مرکز نوآوری حلوا مسقطی لار و ثبت تعاونی "
                      "مسقطی‌سازان لار با کد گمرکی اختصاصی برای صادرات."),
    })
    declare(session, ctx, "fars", maskati, _figures({"employees": 420, "annual_sales": 640_000, "exports_value": 1_150,
                                                    "growth_percent": Decimal("34.0")}, rnd=3_200, certificates=4))
    documents.add_document(session, actor=users["fars"], nomination=maskati, filename="استاندارد-مسقطی.pdf",
                           data=demo_pdf("Maskati Lari dossier"), upload_dir=ctx.upload_dir,
                           max_bytes=ctx.max_bytes)
    services.transition(session, nomination=maskati, action=NominationAction.SUBMIT, actor=users["fars"])


def _screen_waiting(session: Session, ctx: DemoContext, nominations: dict[str, Nomination]) -> None:
    """Provincial affairs accepts the submitted dossiers (without the provincial round); oversight decides the
    undecided ones."""
    users = ctx.users
    for nomination in nominations.values():
        if nomination.state.value == "submitted" and not ctx.cycle.has_provincial_round:
            services.transition(session, nomination=nomination, action=NominationAction.ACCEPT,
                                actor=users["provincial_affairs-chair"])
    for name, nomination in nominations.items():
        if nomination.state.value != "in_evaluation":
            continue
        decided = session.scalar(select(ComplianceDecision.id).where(ComplianceDecision.nomination_id == nomination.id))
        if decided is None:
            passed = name != "شرکت معدنی سنگ آهن بافق"
            services.decide_compliance(
                session, nomination=nomination, actor=users["oversight-chair"], passed=passed,
                reason="مجوزها و مفاصاحساب‌ها بررسی شد." if passed else "مفاصاحساب بیمه‌ای ارائه نشده است.")


def _seed_provincial_round(session: Session, ctx: DemoContext, *, password: str) -> None:
    """The secretariat switches the provincial round on and sets every category's provincial rubric; each province
    with dossiers seats its working group (three members, one the chair), as its officer would; Fars names who
    signs its certificates."""
    admin, cycle = ctx.users["admin"], ctx.cycle
    provincial.set_round(session, cycle=cycle, actor=admin, enabled=True, scoring_close_at=PROVINCIAL_SCORING_CLOSE,
                         selection_close_at=PROVINCIAL_SELECTION_CLOSE)
    for category in ctx.categories.values():
        for title, guidance, max_points, weight in PROVINCIAL_RUBRIC:
            provincial_sheets.add_criterion(session, category=category, actor=admin, title=title, guidance=guidance,
                                            max_points=Decimal(max_points), weight=Decimal(weight))
    for officer, members in PROVINCIAL_GROUPS.items():
        province = ctx.users[officer].province
        for suffix, name, organisation in members:
            username = f"{officer}-group-{suffix}"
            user = create_user(session, username=username, password=password, full_name=name,
                               organisation=organisation, title=f"عضو کارگروه استانی {province.name_fa}",
                               actor=admin)
            ctx.users[username] = user
            provincial.add_seat(session, cycle=cycle, province=province, actor=ctx.users[officer], username=username,
                                organisation=organisation, is_chair=suffix == "chair")
            session.refresh(user)
    fars = ctx.users["fars"].province
    for position, (name, title) in enumerate(FARS_SIGNATORIES):
        session.add(ProvincialSignatory(cycle_id=cycle.id, province_id=fars.id, name=name, title=title,
                                        position=position))
    session.flush()


#: How each submitted dossier fares in its working group's eyes (the share of each provincial criterion's maximum
#: the sheets hover around): the national :data:`QUALITY`, and the dossiers the national round does not score.
PROVINCIAL_QUALITY = {MEYMAND: 0.70, "شرکت معدنی سنگ آهن بافق": 0.64, TOOS: 0.45}


def _groups(session: Session, ctx: DemoContext) -> list[ProvincialGroup]:
    return list(session.scalars(select(ProvincialGroup).where(ProvincialGroup.cycle_id == ctx.cycle.id)
                                .order_by(ProvincialGroup.id)))


def _run_provincial_round(session: Session, ctx: DemoContext, *, hold_fars_clusters: bool = False) -> None:
    """On 2 Khordad 1404 every member of every working group submits a sheet on each submitted dossier of the
    province (fixed pseudo-random values around the dossier's quality, from one generator seeded with 1404); on
    7 Khordad, selection open, each chair forwards the province's dossiers in ranking order, all but the Meymand
    cluster, which Fars keeps. ``hold_fars_clusters`` leaves Fars's two clusters undecided."""
    set_demo_clock(session, STAGE_MOMENTS["provincial_scoring"])
    rng = random.Random(1404)
    groups = _groups(session, ctx)
    for group in groups:
        dossiers = session.scalars(select(Nomination).where(
            Nomination.cycle_id == ctx.cycle.id, Nomination.province_id == group.province_id,
            Nomination.state == NominationState.SUBMITTED).order_by(Nomination.id)).all()
        for nomination in dossiers:
            quality = PROVINCIAL_QUALITY.get(nomination.nominee_name) or QUALITY[nomination.nominee_name]
            criteria = provincial_sheets.criteria_of(session, category_id=nomination.category_id)
            for seat in group.seats:
                values = {}
                for criterion in criteria:
                    share = min(1.0, max(0.0, quality + rng.uniform(-0.06, 0.06)))
                    values[criterion.id] = Decimal(round(float(criterion.max_points) * share * 2)) / 2
                provincial_sheets.save_sheet(session, nomination=nomination, actor=seat.user, values=values,
                                             comment="", submit=True)
    set_demo_clock(session, STAGE_MOMENTS["provincial"])
    fars = ctx.users["fars"].province_id
    for group in groups:
        chair = group.chair.user
        for category in ctx.categories.values():
            if hold_fars_clusters and group.province_id == fars and category.code == "cluster":
                continue
            ranking = provincial_ranking(session, group=group, category=category)
            for nomination, _result in ranking.rows():
                if nomination.state is not NominationState.SUBMITTED:
                    continue
                if nomination.nominee_name == MEYMAND:
                    forwarding.not_forward(session, nomination=nomination, actor=chair)
                else:
                    forwarding.forward(session, nomination=nomination, actor=chair)


def _screen_forwarded(session: Session, ctx: DemoContext, nominations: dict[str, Nomination]) -> None:
    """National screening of the forwarded dossiers (the provincial round on), as it went during nominations
    without the round: provincial affairs returns the Toos tile company's dossier and accepts the others;
    oversight passes the Isfahan steel company."""
    users = ctx.users
    services.transition(session, nomination=nominations[TOOS], action=NominationAction.RETURN,
                        actor=users["provincial_affairs-chair"], reason=TOOS_RETURN)
    for nomination in sorted(nominations.values(), key=lambda n: n.id):
        if nomination.state is NominationState.FORWARDED:
            services.transition(session, nomination=nomination, action=NominationAction.ACCEPT,
                                actor=users["provincial_affairs-chair"])
    services.decide_compliance(session, nomination=nominations[STEEL], actor=users["oversight-chair"], passed=True,
                               reason=STEEL_COMPLIANCE)


#: The one figure the finance committee corrects: (nominee, indicator, verified value, reason).
CORRECTION = ("خوشه کاشی و سرامیک میبد", "sales_growth", Decimal("12.4"),
              "صورت‌های مالی حسابرسی‌شدهٔ ۱۴۰۳ رشد فروش ۱۲٫۴ درصد را نشان می‌دهد، نه ۱۶ درصد.")


def _verify_figures(session: Session, ctx: DemoContext, nominations: dict[str, Nomination]) -> None:
    """The finance chair checks every figure a computed criterion uses against the evidence (one is corrected)."""
    finance = session.scalar(select(Committee).where(Committee.code == CommitteeCode.FINANCE))
    for name, nomination in sorted(nominations.items(), key=lambda item: item[1].id):
        if nomination.state.value != "in_evaluation":
            continue
        for criterion in nomination.category.criteria:
            if not criterion.is_computed:
                continue
            value, reason = None, ""
            if (name, criterion.indicator.code) == CORRECTION[:2]:
                value, reason = CORRECTION[2], CORRECTION[3]
            figures.verify_figure(session, actor=ctx.users["finance-chair"], nomination=nomination,
                                  committee=finance, indicator=criterion.indicator, value=value, reason=reason)


def _score_everything(session: Session, ctx: DemoContext, nominations: dict[str, Nomination]) -> None:
    """Every member of each scoring committee submits a sheet on every nomination in evaluation.

    The values hover around the nominee's :data:`QUALITY`, drawn from one generator seeded with 1404 in a
    fixed order (nomination id, committee, member), so the result is the same on every run.
    """
    rng = random.Random(1404)
    committees = {c.code: c for c in session.scalars(select(Committee))}
    for name, nomination in sorted(nominations.items(), key=lambda item: item[1].id):
        if nomination.state.value != "in_evaluation":
            continue
        quality = QUALITY[name]
        for code in SCORING_COMMITTEES:
            committee = committees[code]
            criteria = [c for c in nomination.category.criteria if c.committee_id == committee.id]
            for suffix in ("chair", "1", "2"):
                values = {}
                for criterion in criteria:
                    share = min(1.0, max(0.0, quality + rng.uniform(-0.06, 0.06)))
                    values[criterion.id] = Decimal(round(float(criterion.max_points) * share * 2)) / 2
                evaluation.save_sheet(session, nomination=nomination, committee=committee,
                                      actor=ctx.users[f"{code.value}-{suffix}"], values=values, comment="",
                                      submit=True)


def seal_winners_minutes(session: Session, *, cycle: Cycle, categories: list[Category], held_on: date,
                         place: str = "تهران، وزارت صنعت، معدن و تجارت، تالار شهید رجایی",
                         agenda: str | None = None) -> Meeting:
    """The winners committee meets with every member present: its chair records the minutes with the ranking of
    each of ``categories``, and every attendee signs them, which seals them (what a proposal needs)."""
    committee = session.scalar(select(Committee).where(Committee.code == CommitteeCode.WINNERS))
    seated = meetings.seats(session, cycle=cycle, committee=committee)
    chair = next(seat.user for seat in seated if seat.is_chair)
    titles = "، ".join(f"«{category.title}»" for category in categories)
    meeting = meetings.record_meeting(
        session, cycle=cycle, committee=committee, actor=chair, held_on=held_on, place=place,
        agenda=agenda or f"بررسی و تصویب رتبه‌بندی نهایی رشته‌های {titles} برای پیشنهاد به دبیرخانه",
        attendee_ids=[seat.user_id for seat in seated])
    for category in categories:
        meetings.add_decision(session, meeting=meeting, actor=chair, kind=DecisionKind.CATEGORY_RANKING,
                              category=category, text="رتبه‌بندی و سطح‌های پیشنهادی این رشته به شرح جدول تصویب شد "
                                                      "و برای تأیید نهایی به دبیرخانه پیشنهاد می‌شود.")
    for seat in seated:
        meetings.transition(session, meeting=meeting, action=MeetingAction.SIGN, actor=seat.user)
    return meeting


def _finalise_categories(session: Session, ctx: DemoContext, categories: list[Category]) -> None:
    """The chair of every weighted committee signs off its scoring of each of ``categories``; the winners
    committee's two final meetings (1 and 2 Tir 1404) rank them in their minutes, which every member signs; then
    per category: the winners chair proposes, content writes and approves citations, the secretariat confirms."""
    users = ctx.users
    committees = {c.code: c for c in session.scalars(select(Committee))}
    for category in categories:
        for code in load_results(session, category=category).result.weights:
            signoff.sign_off(session, category=category, committee=committees[CommitteeCode(code)],
                             actor=users[f"{code}-chair"])
    half = (len(categories) + 1) // 2
    seal_winners_minutes(session, cycle=ctx.cycle, categories=categories[:half],
                         held_on=jalali_to_gregorian(1404, 4, 1))
    seal_winners_minutes(session, cycle=ctx.cycle, categories=categories[half:],
                         held_on=jalali_to_gregorian(1404, 4, 2),
                         place="تهران، وزارت صنعت، معدن و تجارت، اتاق جلسات ستاد روز ملی صنعت و معدن")
    for category in categories:
        results.propose(session, category=category, actor=users["winners-chair"])
        for nomination in session.scalars(select(Nomination).where(Nomination.category_id == category.id)):
            if nomination.state.value == "shortlisted":
                text = CITATIONS.get(nomination.nominee_name) or (
                    f"به پاس کوشش‌های ارزنده و دستاوردهای برجستهٔ «{nomination.nominee_name}» در "
                    f"{nomination.sector or 'صنعت و معدن'} و سهم آن در رونق تولید کشور.")
                citation = citations.save_citation(session, nomination=nomination, actor=users["content-1"],
                                                   text=text)
                citations.approve_citation(session, citation=citation, actor=users["content-chair"])
        results.confirm(session, category=category, actor=users["admin"])


PRESS_INTRO = ("ستاد برگزاری روز ملی صنعت و معدن، برگزیدگان دورهٔ ۱۴۰۴ را که در آیین چهارم شهریور ۱۴۰۴ "
               "تجلیل شدند، به شرح زیر معرفی می‌کند. خوشه مسقطی لاری استان فارس، خوشهٔ صنعتی برتر کشور شد.")


def _approve_press_list(session: Session, ctx: DemoContext) -> None:
    """The media chair writes the press release's intro and approves the press list of the final categories."""
    chair = ctx.users["media-chair"]
    publication.transition(session, cycle=ctx.cycle, action=PublicationAction.SAVE_INTRO, actor=chair,
                           intro=PRESS_INTRO)
    publication.transition(session, cycle=ctx.cycle, action=PublicationAction.APPROVE, actor=chair)


#: The demo's award budget, in rials: (tier or None for a fixed line, item, unit cost).
BUDGET_LINES = [
    (Tier.GOLD, "تندیس زرین", 350_000_000),
    (Tier.GOLD, "لوح تقدیر", 4_500_000),
    (Tier.GOLD, "قاب", 2_500_000),
    (Tier.CERTIFICATE, "لوح تقدیر", 4_500_000),
    (Tier.CERTIFICATE, "قاب", 2_500_000),
    (None, "محل برگزاری آیین", 1_200_000_000),
    (None, "چاپ و نشر", 150_000_000),
    (None, "جابه‌جایی و اقامت برگزیدگان", 600_000_000),
]


def seal_budget_minutes(session: Session, *, cycle: Cycle, amount: int, held_on: date,
                        place: str = "تهران، وزارت صنعت، معدن و تجارت، اتاق جلسات معاونت برنامه‌ریزی",
                        agenda: str = "بررسی و تصویب بودجهٔ جایزه‌ها و آیین پایانی") -> Meeting:
    """The finance committee meets with every member present: its chair records the minutes with a budget
    decision of ``amount`` rials, and every attendee signs them, which seals them (what the approval needs)."""
    committee = session.scalar(select(Committee).where(Committee.code == CommitteeCode.FINANCE))
    seated = meetings.seats(session, cycle=cycle, committee=committee)
    chair = next(seat.user for seat in seated if seat.is_chair)
    meeting = meetings.record_meeting(session, cycle=cycle, committee=committee, actor=chair, held_on=held_on,
                                      place=place, agenda=agenda, attendee_ids=[seat.user_id for seat in seated])
    meetings.add_decision(session, meeting=meeting, actor=chair, kind=DecisionKind.BUDGET, amount=amount,
                          text="بودجهٔ جایزه‌ها به شرح ردیف‌های فرستاده‌شدهٔ دبیرخانه و با مبلغ زیر تصویب شد.")
    for seat in seated:
        meetings.transition(session, meeting=meeting, action=MeetingAction.SIGN, actor=seat.user)
    return meeting


def _approve_budget(session: Session, ctx: DemoContext) -> None:
    """The secretariat lists the award budget and sends it; the finance committee approves its total in a meeting
    whose minutes every member signs; then the finance chair approves it."""
    admin, cycle = ctx.users["admin"], ctx.cycle
    for tier, label, cost in BUDGET_LINES:
        kind = BudgetLineKind.PER_AWARD if tier else BudgetLineKind.FIXED
        budget.transition(session, cycle=cycle, action=BudgetAction.EDIT, actor=admin,
                          edit=budget.LineEdit(kind=kind, tier=tier, label=label, unit_cost=cost))
    budget.transition(session, cycle=cycle, action=BudgetAction.SUBMIT, actor=admin)
    seal_budget_minutes(session, cycle=cycle, amount=budget_sheet(session, cycle=cycle).total,
                        held_on=jalali_to_gregorian(1404, 4, 2))
    budget.transition(session, cycle=cycle, action=BudgetAction.APPROVE, actor=ctx.users["finance-chair"])
