"""Persian (fa-IR) text, number, Jalali date and identifier helpers.

Everything here is a pure function with no Flask dependency, so it can be used
from models, forms, templates, background jobs and tests alike.

Digit policy (deliberate): only the Latin (0-9), Persian (U+06F0-U+06F9) and
Arabic-Indic (U+0660-U+0669) digit sets are recognised.  Other Unicode decimal
digits (Devanagari, fullwidth, mathematical bold such as U+1D7D8, ...) are left
untouched by the converters and are therefore *rejected* by every validator,
which only ever matches the literal class ``[0-9]``.  Python's ``\\d``,
``str.isdigit`` and ``int()`` all accept those other scripts, so none of them is
used for validation here.

Jalali dates go through jdatetime.  Its default locale is a process-wide dict
keyed by thread (or greenlet) identity and, when unset, jdatetime falls back to
the deprecated ``locale.getdefaultlocale()``.  This module therefore never calls
``jdatetime.set_locale`` and always passes ``locale=`` explicitly; month names
come from :data:`JALALI_MONTHS`, not from jdatetime.

The Persian error messages are module-level constants (``MSG_*``) so that a
caller can map them to translated strings.
"""

import re
import warnings
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

with warnings.catch_warnings():
    # Under a C/POSIX process locale, jdatetime's import-time ``date.min``
    # construction calls the deprecated ``locale.getdefaultlocale()``; keep that
    # from failing the import when warnings are errors (pytest -W error).
    warnings.filterwarnings("ignore", message=r".*getdefaultlocale", category=DeprecationWarning)
    import jdatetime

__all__ = [
    "AMOUNT_WORDS_LIMIT",
    "JALALI_LOCALE",
    "JALALI_MONTHS",
    "MSG_AMOUNT_TOO_LARGE",
    "MSG_INVALID_DATE",
    "MSG_INVALID_LEGAL_ID",
    "MSG_INVALID_MOBILE",
    "MSG_INVALID_NATIONAL_CODE",
    "MSG_INVALID_NUMBER",
    "MSG_LEGAL_ID_FORMAT",
    "MSG_NATIONAL_CODE_FORMAT",
    "MSG_NEGATIVE_AMOUNT",
    "TEHRAN",
    "amount_in_words",
    "format_jalali_date",
    "format_jalali_datetime",
    "gregorian_to_jalali",
    "is_valid_legal_id",
    "is_valid_national_code",
    "jalali_to_gregorian",
    "legal_id_check_digit",
    "national_code_check_digit",
    "normalize_search",
    "normalize_text",
    "parse_jalali_date",
    "parse_number",
    "persian_number",
    "to_latin_digits",
    "to_persian_digits",
    "validate_legal_id",
    "validate_mobile",
    "validate_national_code",
]

# --------------------------------------------------------------------------
# Messages (plain strings; callers may translate them)
# --------------------------------------------------------------------------

MSG_INVALID_DATE = "تاریخ معتبر نیست؛ نمونه: ۱۴۰۴/۰۶/۰۴"
MSG_NATIONAL_CODE_FORMAT = "کد ملی باید ۱۰ رقم باشد."
MSG_INVALID_NATIONAL_CODE = "کد ملی معتبر نیست."
MSG_LEGAL_ID_FORMAT = "شناسه ملی باید ۱۱ رقم باشد."
MSG_INVALID_LEGAL_ID = "شناسه ملی معتبر نیست."
MSG_INVALID_MOBILE = "شماره همراه معتبر نیست؛ نمونه: ۰۹۱۲۱۲۳۴۵۶۷"
MSG_INVALID_NUMBER = "عدد معتبر نیست"
MSG_NEGATIVE_AMOUNT = "مبلغ نمی‌تواند منفی باشد"
MSG_AMOUNT_TOO_LARGE = "مبلغ بزرگ‌تر از آن است که به حروف نوشته شود"

# --------------------------------------------------------------------------
# Digits
# --------------------------------------------------------------------------

LATIN_DIGITS = "0123456789"
PERSIAN_DIGITS = "".join(chr(0x06F0 + i) for i in range(10))
ARABIC_INDIC_DIGITS = "".join(chr(0x0660 + i) for i in range(10))

PERSIAN_THOUSANDS_SEPARATOR = "\u066c"  # ARABIC THOUSANDS SEPARATOR
PERSIAN_DECIMAL_SEPARATOR = "\u066b"  # ARABIC DECIMAL SEPARATOR
ZWNJ = "\u200c"  # ZERO WIDTH NON-JOINER (نیم‌فاصله)

_TO_PERSIAN = str.maketrans(LATIN_DIGITS + ARABIC_INDIC_DIGITS, PERSIAN_DIGITS * 2)
_TO_LATIN = str.maketrans(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS, LATIN_DIGITS * 2)


def to_persian_digits(text: str) -> str:
    """Replace Latin and Arabic-Indic digits with Persian digits, leaving everything else as is."""
    return text.translate(_TO_PERSIAN)


def to_latin_digits(text: str) -> str:
    """Replace Persian and Arabic-Indic digits with Latin 0-9, leaving everything else as is."""
    return text.translate(_TO_LATIN)


def persian_number(value: float | Decimal | None, *, grouping: bool = True) -> str:
    """Format a number with Persian digits and Persian thousands/decimal separators ('' for None)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError("persian_number() expects a number, not bool")
    if isinstance(value, int):
        text = format(value, "," if grouping else "d")
    elif isinstance(value, float | Decimal):
        # str(float) is the shortest round-tripping repr; Decimal keeps it exact.
        number = Decimal(str(value)) if isinstance(value, float) else value
        if not number.is_finite():
            raise ValueError(MSG_INVALID_NUMBER)
        text = format(number, ",f" if grouping else "f")
    else:
        raise TypeError(f"persian_number() expects int, float or Decimal, not {type(value).__name__}")
    text = text.replace(",", PERSIAN_THOUSANDS_SEPARATOR).replace(".", PERSIAN_DECIMAL_SEPARATOR)
    return to_persian_digits(text)


# --------------------------------------------------------------------------
# Text normalisation
# --------------------------------------------------------------------------

_ARABIC_TO_PERSIAN_LETTERS = str.maketrans(
    {
        "\u064a": "\u06cc",  # ARABIC LETTER YEH -> FARSI YEH
        "\u0649": "\u06cc",  # ARABIC LETTER ALEF MAKSURA -> FARSI YEH
        "\u0643": "\u06a9",  # ARABIC LETTER KAF -> KEHEH
    }
)
# Whitespace other than line breaks.  ZWNJ is not whitespace (str.isspace() is False).
_HORIZONTAL_SPACE_RUN = re.compile(r"[^\S\n]+")
_ANY_SPACE_RUN = re.compile(r"\s+")
_LINE_BREAK = re.compile(r"\r\n?")


def normalize_text(text: str) -> str:
    """Map Arabic yeh/kaf to Persian, trim, and collapse spaces per line, keeping ZWNJ and line breaks."""
    text = _LINE_BREAK.sub("\n", text.translate(_ARABIC_TO_PERSIAN_LETTERS))
    lines = (_HORIZONTAL_SPACE_RUN.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(lines).strip()


_SEARCH_TRANSLATION = str.maketrans(
    {
        **_ARABIC_TO_PERSIAN_LETTERS,
        **_TO_LATIN,
        ord(ZWNJ): None,
    }
)


# ZWNJ is deleted (not turned into a space) so that «می‌رود», «میرود» and «مي‌رود» all
# produce the same key; a space would split the word in two.  Line breaks are collapsed
# too, since a search key is a single line.
def normalize_search(text: str) -> str:
    """Build a search key: Persian yeh/kaf, Latin digits, casefolded, ZWNJ removed, single spaces."""
    text = text.casefold().translate(_SEARCH_TRANSLATION)
    return _ANY_SPACE_RUN.sub(" ", text).strip()


# --------------------------------------------------------------------------
# Jalali dates
# --------------------------------------------------------------------------

JALALI_LOCALE: str = jdatetime.FA_LOCALE
TEHRAN = ZoneInfo("Asia/Tehran")
JALALI_MONTHS: tuple[str, ...] = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)

_JALALI_DATE_RE = re.compile(r"([0-9]{4})([/-])([0-9]{1,2})\2([0-9]{1,2})")


def _tehran_date(value: date) -> date:
    """Return the Tehran calendar date of a datetime (naive = UTC), or a plain date unchanged."""
    if isinstance(value, datetime):
        return _tehran_datetime(value).date()
    return value


def _tehran_datetime(value: datetime) -> datetime:
    """Convert a datetime to Tehran local time, treating a naive value as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(TEHRAN)
    except OverflowError as exc:
        raise ValueError(MSG_INVALID_DATE) from exc


def jalali_to_gregorian(year: int, month: int, day: int) -> date:
    """Convert a Jalali year/month/day to a Gregorian date, raising ValueError if it does not exist."""
    try:
        return jdatetime.date(year, month, day, locale=JALALI_LOCALE).togregorian()
    except (ValueError, TypeError, OverflowError) as exc:
        raise ValueError(MSG_INVALID_DATE) from exc


def gregorian_to_jalali(d: date) -> tuple[int, int, int]:
    """Convert a Gregorian date (or datetime, via Tehran time) to a Jalali (year, month, day) tuple."""
    d = _tehran_date(d)
    try:
        jalali = jdatetime.date.fromgregorian(date=d, locale=JALALI_LOCALE)
    except (ValueError, OverflowError) as exc:
        raise ValueError(MSG_INVALID_DATE) from exc
    return jalali.year, jalali.month, jalali.day


def parse_jalali_date(text: str) -> date:
    """Parse a Jalali date such as ۱۴۰۴/۰۶/۰۴ or 1404-6-4 and return the Gregorian date."""
    match = _JALALI_DATE_RE.fullmatch(to_latin_digits(text).strip())
    if match is None:
        raise ValueError(MSG_INVALID_DATE)
    return jalali_to_gregorian(int(match[1]), int(match[3]), int(match[4]))


def format_jalali_date(
    value: date | datetime | None, *, persian_digits: bool = True, long: bool = False
) -> str:
    """Format a date as Jalali ۱۴۰۴/۰۶/۰۴ (or ۴ شهریور ۱۴۰۴ when long), using Tehran time for datetimes."""
    if value is None:
        return ""
    year, month, day = gregorian_to_jalali(value)
    text = f"{day} {JALALI_MONTHS[month - 1]} {year}" if long else f"{year:04d}/{month:02d}/{day:02d}"
    return to_persian_digits(text) if persian_digits else text


def format_jalali_datetime(value: datetime | None, *, persian_digits: bool = True) -> str:
    """Format a datetime as Jalali date plus HH:MM in Tehran time (naive = UTC)."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        raise TypeError(f"format_jalali_datetime() expects a datetime, not {type(value).__name__}")
    local = _tehran_datetime(value)
    text = f"{format_jalali_date(local, persian_digits=False)} {local.hour:02d}:{local.minute:02d}"
    return to_persian_digits(text) if persian_digits else text


def format_time(value: datetime, *, persian_digits: bool = True) -> str:
    """Format the time of day of a datetime as HH:MM in Tehran time (naive = UTC)."""
    local = _tehran_datetime(value)
    text = f"{local.hour:02d}:{local.minute:02d}"
    return to_persian_digits(text) if persian_digits else text


# --------------------------------------------------------------------------
# Identifier validators
# --------------------------------------------------------------------------

# Separators users type inside codes: whitespace, ASCII hyphen, Unicode dashes, minus sign.
_CODE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")
_LEGAL_ID_COEFFICIENTS = (29, 27, 23, 19, 17)


def _digits_only(text: str) -> str:
    """Convert Persian/Arabic-Indic digits to Latin and drop spaces and dashes."""
    return _CODE_SEPARATORS.sub("", to_latin_digits(text))


def national_code_check_digit(first9: str) -> int:
    """Compute the check digit (10th digit) of an Iranian national code from its first nine digits."""
    digits = to_latin_digits(first9)
    if not re.fullmatch(r"[0-9]{9}", digits):
        raise ValueError(MSG_NATIONAL_CODE_FORMAT)
    remainder = sum(int(digits[i]) * (10 - i) for i in range(9)) % 11
    return remainder if remainder < 2 else 11 - remainder


def validate_national_code(text: str) -> str:
    """Validate an Iranian national code (کد ملی) and return it as 10 Latin digits."""
    digits = _digits_only(text)
    if not re.fullmatch(r"[0-9]{1,10}", digits):
        raise ValueError(MSG_NATIONAL_CODE_FORMAT)
    digits = digits.zfill(10)
    if len(set(digits)) == 1 or national_code_check_digit(digits[:9]) != int(digits[9]):
        raise ValueError(MSG_INVALID_NATIONAL_CODE)
    return digits


def is_valid_national_code(text: str) -> bool:
    """Return whether text is a valid Iranian national code."""
    try:
        validate_national_code(text)
    except ValueError:
        return False
    return True


def legal_id_check_digit(first10: str) -> int:
    """Compute the check digit (11th digit) of an Iranian legal entity ID from its first ten digits."""
    digits = to_latin_digits(first10)
    if not re.fullmatch(r"[0-9]{10}", digits):
        raise ValueError(MSG_LEGAL_ID_FORMAT)
    offset = int(digits[9]) + 2
    total = sum((offset + int(digits[i])) * _LEGAL_ID_COEFFICIENTS[i % 5] for i in range(10))
    remainder = total % 11
    return 0 if remainder == 10 else remainder


def validate_legal_id(text: str) -> str:
    """Validate an Iranian legal entity national ID (شناسه ملی) and return it as 11 Latin digits."""
    digits = _digits_only(text)
    if not re.fullmatch(r"[0-9]{11}", digits):
        raise ValueError(MSG_LEGAL_ID_FORMAT)
    if legal_id_check_digit(digits[:10]) != int(digits[10]):
        raise ValueError(MSG_INVALID_LEGAL_ID)
    return digits


def is_valid_legal_id(text: str) -> bool:
    """Return whether text is a valid Iranian legal entity national ID."""
    try:
        validate_legal_id(text)
    except ValueError:
        return False
    return True


def validate_mobile(text: str) -> str:
    """Validate an Iranian mobile number in any common form and return it as 09xxxxxxxxx."""
    digits = _digits_only(text)
    if digits.startswith("+98"):
        digits = "0" + digits[3:]
    elif digits.startswith("0098"):
        digits = "0" + digits[4:]
    elif digits.startswith("98") and len(digits) == 12:
        digits = "0" + digits[2:]
    elif digits.startswith("9") and len(digits) == 10:
        digits = "0" + digits
    if not re.fullmatch(r"09[0-9]{9}", digits):
        raise ValueError(MSG_INVALID_MOBILE)
    return digits


# --------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------

# Thousands separators, if used, must group by three; "1,5" is rejected rather than read as 15.
_NUMBER_RE = re.compile(r"-?(?:[0-9]{1,3}(?:[,\u066c][0-9]{3})+|[0-9]+)(?:[.\u066b][0-9]+)?")


def parse_number(text: str, *, allow_decimal: bool = False) -> int | Decimal:
    """Parse a user-typed number with Persian or Latin digits and separators into int (or Decimal)."""
    candidate = to_latin_digits(text).strip().replace("\u2212", "-")
    match = _NUMBER_RE.fullmatch(candidate)
    if match is None:
        raise ValueError(MSG_INVALID_NUMBER)
    plain = re.sub(r"[,\u066c]", "", candidate).replace(PERSIAN_DECIMAL_SEPARATOR, ".")
    if not allow_decimal:
        if "." in plain:
            raise ValueError(MSG_INVALID_NUMBER)
        return int(plain)
    try:
        return Decimal(plain)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guarantees a valid literal
        raise ValueError(MSG_INVALID_NUMBER) from exc


# --------------------------------------------------------------------------
# Amounts in words («به حروف»)
# --------------------------------------------------------------------------

_ONES = ("", "یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نه")
_TEENS = ("ده", "یازده", "دوازده", "سیزده", "چهارده", "پانزده", "شانزده", "هفده", "هجده", "نوزده")
_TENS = ("", "", "بیست", "سی", "چهل", "پنجاه", "شصت", "هفتاد", "هشتاد", "نود")
_HUNDREDS = ("", "صد", "دویست", "سیصد", "چهارصد", "پانصد", "ششصد", "هفتصد", "هشتصد", "نهصد")
#: Names of the powers of a thousand, from 1000**1 up.
_SCALES = ("هزار", "میلیون", "میلیارد", "تریلیون", "کوادریلیون")
#: The first amount :func:`amount_in_words` refuses: a thousand کوادریلیون.
AMOUNT_WORDS_LIMIT = 1000 ** (len(_SCALES) + 1)
_AND = " و "


def _below_thousand(n: int) -> list[str]:
    """The parts of 1..999 that «و» joins: hundreds, then tens (or a teen), then ones."""
    hundreds, rest = divmod(n, 100)
    parts = [_HUNDREDS[hundreds]] if hundreds else []
    if 10 <= rest < 20:
        parts.append(_TEENS[rest - 10])
    else:
        tens, ones = divmod(rest, 10)
        parts += [word for word in (_TENS[tens], _ONES[ones]) if word]
    return parts


# Every scale keeps its count («یک هزار», not «هزار»): the written-amount convention of cheques and financial
# documents, where a leading word cannot be added to a line that already starts with a count.
def amount_in_words(n: int) -> str:
    """Write a non-negative whole amount in Persian words, «و» between parts: 1,234,567,890 → «یک میلیارد و
    دویست و سی و چهار میلیون و پانصد و شصت و هفت هزار و هشتصد و نود»; 0 → «صفر»."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"amount_in_words() expects an int, not {type(n).__name__}")
    if n < 0:
        raise ValueError(MSG_NEGATIVE_AMOUNT)
    if n >= AMOUNT_WORDS_LIMIT:
        raise ValueError(MSG_AMOUNT_TOO_LARGE)
    if n == 0:
        return "صفر"
    groups: list[str] = []
    power = 0
    while n:
        n, chunk = divmod(n, 1000)
        if chunk:
            words = _AND.join(_below_thousand(chunk))
            groups.append(f"{words} {_SCALES[power - 1]}" if power else words)
        power += 1
    return _AND.join(reversed(groups))


def ltr(text: str) -> str:
    """``text`` isolated left to right (U+2066 … U+2069), for a Latin serial such as ``1404-FA-001`` inside a
    Persian sentence: without it the bidi algorithm shows it as ``FA-001-1404``."""
    return f"\u2066{text}\u2069"
