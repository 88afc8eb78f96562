"""The column layout of a nominee import file: one column per dossier field, documented for the upload page.

Headers are part of the file format, so they stay Persian in every UI language; the documentation around
them (meaning, format) is translatable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from awards.labels import LABELS
from awards.nominations.services import DOSSIER_FIELDS, FIELD_LABELS_FA, REQUIRED_FOR_SUBMIT
from awards.persian import normalize_search


class Kind(StrEnum):
    """How a column's cells are read and validated."""

    TEXT = "text"
    LEGAL_ID = "legal_id"
    NATIONAL_CODE = "national_code"
    YEAR = "year"
    COUNT = "count"
    AMOUNT = "amount"
    PERCENT = "percent"
    MOBILE = "mobile"
    FIGURE = "figure"  # an indicator's declared figure, checked against the indicator's own rules
    FIGURE_YEAR = "figure_year"


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # the Persian header written in the template (fixed: part of the file format)
    kind: Kind
    meaning: object  # lazy Persian text
    format: object  # lazy Persian text
    example: str  # shown in the documentation table
    example_cell: object  # what the template's example row holds ("" = left empty)
    required: bool = False
    max_length: int | None = None
    #: The cycle's indicator an indicator column carries (None for the dossier's own columns).
    indicator: object = None


#: The example row's name. A row carrying exactly this name is the template's example and is skipped.
EXAMPLE_NAME = "نمونه: شرکت صنایع نمونه پارس (این ردیف را پاک کنید)"
EXAMPLE_LEGAL_ID = "10860123456"  # a valid check digit (see awards.persian.legal_id_check_digit)

COLUMNS: tuple[Column, ...] = (
    Column("nominee_name", "نام نامزد", Kind.TEXT, _l("نام واحد، خوشه، طرح یا شخص نامزد"),
           _l("متن، حداکثر ۲۰۰ نویسه"), "شرکت صنایع الکترونیک پارس شیراز", EXAMPLE_NAME,
           required=True, max_length=200),
    Column("legal_id", "شناسه ملی", Kind.LEGAL_ID, _l("شناسهٔ ملی شخص حقوقی (شرکت، خوشه)"),
           _l("۱۱ رقم با رقم کنترل؛ ارقام فارسی یا لاتین"), "۱۰۸۶۰۱۲۳۴۵۶", EXAMPLE_LEGAL_ID),
    Column("national_code", "کد ملی", Kind.NATIONAL_CODE, _l("کد ملی نامزد حقیقی (پیشکسوت، بانوی کارآفرین)"),
           _l("۱۰ رقم با رقم کنترل؛ صفرهای آغاز را می‌توان نوشت یا ننوشت"), "۰۰۸۷۶۵۴۳۲۶", ""),
    Column("salutation", "عنوان خطاب", Kind.TEXT, _l("عنوان خطاب گیرندهٔ لوح"),
           _l("«جناب آقای» یا «سرکار خانم» یا خالی"), "جناب آقای", "جناب آقای", max_length=20),
    Column("representative_name", "نام نماینده", Kind.TEXT, _l("نام مدیرعامل یا نمایندهٔ نامزد"),
           _l("متن، حداکثر ۱۲۰ نویسه"), "نادر فرهمند", "نادر فرهمند", max_length=120),
    Column("representative_title", "سمت نماینده", Kind.TEXT, _l("سمت نماینده، مانند مدیرعامل"),
           _l("متن، حداکثر ۲۰۰ نویسه"), "مدیرعامل", "مدیرعامل", max_length=200),
    Column("city", "شهر", Kind.TEXT, _l("شهر محل فعالیت (در استان شما)"),
           _l("متن، حداکثر ۸۰ نویسه"), "شیراز", "شیراز", max_length=80),
    Column("sector", "بخش فعالیت", Kind.TEXT, _l("بخش یا رشتهٔ فعالیت صنعتی و معدنی"),
           _l("متن، حداکثر ۱۲۰ نویسه"), "الکترونیک", "الکترونیک", max_length=120),
    Column("founding_year", "سال تأسیس", Kind.YEAR, _l("سال تأسیس به تقویم شمسی"),
           _l("عدد صحیح بین ۱۲۰۰ و ۱۵۰۰"), "۱۳۷۲", 1372),
    Column("employees", "تعداد کارکنان", Kind.COUNT, _l("شمار کارکنان فعلی"),
           _l("عدد صحیح نامنفی؛ جداکنندهٔ هزارگان مجاز است"), "۲۴۰", 240),
    Column("annual_sales", "فروش سالانه (میلیون ریال)", Kind.AMOUNT, _l("فروش سال گذشته به میلیون ریال"),
           _l("عدد صحیح نامنفی؛ جداکنندهٔ هزارگان مجاز است"), "۱٬۸۵۰٬۰۰۰", 1850000),
    Column("exports_value", "ارزش صادرات (هزار دلار)", Kind.AMOUNT, _l("صادرات سال گذشته به هزار دلار آمریکا"),
           _l("عدد صحیح نامنفی؛ جداکنندهٔ هزارگان مجاز است"), "۴٬۲۰۰", 4200),
    Column("growth_percent", "درصد رشد", Kind.PERCENT, _l("رشد فروش نسبت به سال پیش از آن، به درصد"),
           _l("عدد با حداکثر دو رقم اعشار، می‌تواند منفی باشد؛ علامت ٪ اختیاری است"), "۱۸٫۵", 18.5),
    Column("narrative", "شرح دستاوردها", Kind.TEXT, _l("شرح کوتاه دستاوردهای نامزد"),
           _l("متن، حداکثر ۱۰٬۰۰۰ نویسه؛ چند خط مجاز است"),
           "طراحی و ساخت تجهیزات اندازه‌گیری صنعتی با فناوری بومی.",
           "طراحی و ساخت تجهیزات اندازه‌گیری صنعتی با فناوری بومی.", max_length=10_000),
    Column("mobile", "تلفن همراه", Kind.MOBILE, _l("تلفن همراه نماینده برای پیگیری"),
           _l("۱۱ رقم با ۰۹ آغاز می‌شود؛ ‎+98‎ هم پذیرفته است"), "۰۹۱۷۱۲۳۴۵۶۷", "09171234567"),
)
BY_FIELD = {column.field: column for column in COLUMNS}
assert tuple(BY_FIELD) == DOSSIER_FIELDS, "the import layout must cover exactly the dossier fields"

_PARENTHESES = re.compile(r"\([^)]*\)")


def header_key(text: str) -> str:
    """Reduce a header cell to a comparison key: units in parentheses, stars and ZWNJ/ی/ک variants ignored."""
    text = _PARENTHESES.sub(" ", str(text)).replace("*", " ").replace("_", " ")
    return normalize_search(text)


#: Every accepted spelling of each header: the template's, the dossier form's label, the English field name.
HEADER_ALIASES: dict[str, str] = {}
for _column in COLUMNS:
    for _alias in (_column.header, FIELD_LABELS_FA[_column.field], _column.field):
        HEADER_ALIASES[header_key(_alias)] = _column.field


def indicator_columns(indicators) -> tuple[Column, ...]:
    """Two columns per indicator of the cycle: its figure and the Jalali year the figure refers to.

    Headers say «شاخص» so they never read as the dossier's own key-figure columns (whose units are in
    parentheses, which header matching ignores).
    """
    columns = []
    for indicator in indicators:
        unit = f" ({indicator.unit_fa})" if indicator.unit_fa else ""
        signed = indicator.min_value is None or indicator.min_value < 0
        columns.append(Column(
            f"ind_{indicator.code}", f"شاخص {indicator.name_fa}{unit}", Kind.FIGURE,
            _l("رقم اظهارشدهٔ شاخص «%(name)s»", name=indicator.name_fa),
            _l("عدد با حداکثر %(n)s رقم اعشار%(signed)s؛ ارقام فارسی یا لاتین", n=indicator.decimals,
               signed=_l("، می‌تواند منفی باشد") if signed else ""),
            "", "", indicator=indicator))
        columns.append(Column(
            f"ind_{indicator.code}_year", f"سال شاخص {indicator.name_fa}", Kind.FIGURE_YEAR,
            _l("سال شمسی رقم «%(name)s»", name=indicator.name_fa), _l("سال شمسی چهاررقمی، مانند ۱۴۰۳"),
            "۱۴۰۳", "", indicator=indicator))
    return tuple(columns)


def aliases(extra: tuple[Column, ...] = ()) -> dict[str, str]:
    """Header spellings of the dossier's columns plus ``extra`` ones (their header and field name)."""
    found = dict(HEADER_ALIASES)
    for column in extra:
        for alias in (column.header, column.field):
            found[header_key(alias)] = column.field
    return found


@dataclass(frozen=True)
class GuideLine:
    """One column documented for the officer (strings already translated)."""

    header: str
    field: str
    meaning: str
    required: bool
    needed_to_submit: str  # the kinds of nominee whose submission needs this field, or ""
    format: str
    example: str


def guide(extra: tuple[Column, ...] = ()) -> list[GuideLine]:
    """Document every column: header, meaning, whether the import needs it, format and an example."""
    lines = []
    for column in (*COLUMNS, *extra):
        kinds = [str(LABELS[kind]) for kind, fields in REQUIRED_FOR_SUBMIT.items() if column.field in fields]
        lines.append(GuideLine(column.header, column.field, str(column.meaning), column.required,
                               "، ".join(kinds), str(column.format), column.example))
    return lines
