"""Tests for awards.persian: digits, normalisation, Jalali dates, validators and numbers."""

import threading
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from awards.persian import (
    AMOUNT_WORDS_LIMIT,
    JALALI_MONTHS,
    MSG_AMOUNT_TOO_LARGE,
    MSG_INVALID_DATE,
    MSG_INVALID_LEGAL_ID,
    MSG_INVALID_MOBILE,
    MSG_INVALID_NATIONAL_CODE,
    MSG_INVALID_NUMBER,
    MSG_LEGAL_ID_FORMAT,
    MSG_NATIONAL_CODE_FORMAT,
    MSG_NEGATIVE_AMOUNT,
    amount_in_words,
    format_jalali_date,
    format_jalali_datetime,
    gregorian_to_jalali,
    is_valid_legal_id,
    is_valid_national_code,
    jalali_to_gregorian,
    jdatetime,  # via awards.persian, whose import guards jdatetime's locale DeprecationWarning
    legal_id_check_digit,
    national_code_check_digit,
    normalize_search,
    normalize_text,
    parse_jalali_date,
    parse_number,
    persian_number,
    to_latin_digits,
    to_persian_digits,
    validate_legal_id,
    validate_mobile,
    validate_national_code,
)

# Code points spelled out: several of these are visually identical to each other.
ZWNJ = "\u200c"
ARABIC_YEH = "\u064a"  # ي
ALEF_MAKSURA = "\u0649"  # ى
ARABIC_KAF = "\u0643"  # ك
PERSIAN_YEH = "\u06cc"  # ی
PERSIAN_KAF = "\u06a9"  # ک
PERSIAN_DIGITS = "".join(chr(0x06F0 + i) for i in range(10))
ARABIC_INDIC_DIGITS = "".join(chr(0x0660 + i) for i in range(10))
# Unicode decimal digits that Python's int()/\d accept but this module deliberately rejects.
MATH_BOLD_ZERO = "\U0001d7d8"  # 𝟘
DEVANAGARI_DIGITS = "".join(chr(0x0966 + i) for i in range(10))
FULLWIDTH_DIGITS = "".join(chr(0xFF10 + i) for i in range(10))

DIGITS = "0123456789"
ALL_DIGIT_SETS = DIGITS + PERSIAN_DIGITS + ARABIC_INDIC_DIGITS

# Jalali calendar anchors.
SHAHRIVAR_4_1404 = date(2025, 8, 26)
FIRST_JALALI_DAY = date(622, 3, 21)  # 1/01/01
LAST_JALALI_DAY = date(9999, 3, 20)  # 9377/12/30, jdatetime.MAXYEAR

persian_text = st.text(
    alphabet=st.sampled_from(
        list(
            ALL_DIGIT_SETS
            + " \t\n\r"
            + ZWNJ
            + ARABIC_YEH
            + ALEF_MAKSURA
            + ARABIC_KAF
            + PERSIAN_YEH
            + PERSIAN_KAF
            + "ابپتسمنوهرABCabc.,-\u00a0\u2003"
        )
    )
)
any_text = st.one_of(st.text(), persian_text)


def _swap_digit_sets(text: str, target: str) -> str:
    """Rewrite the Latin digits of text in another digit set."""
    return text.translate(str.maketrans(DIGITS, target))


def _national_remainder(code: str) -> int:
    """Return the raw weighted mod-11 remainder of a national code's first nine digits."""
    return sum(int(code[i]) * (10 - i) for i in range(9)) % 11


def _legal_id_remainder(code: str) -> int:
    """Return the raw mod-11 remainder (before 10 -> 0) of a legal id's first ten digits."""
    offset = int(code[9]) + 2
    return sum((offset + int(code[i])) * (29, 27, 23, 19, 17)[i % 5] for i in range(10)) % 11


@st.composite
def valid_national_codes(draw: st.DrawFn) -> str:
    """Draw a checksum-valid national code that is not all one repeated digit."""
    first9 = draw(st.text(alphabet=DIGITS, min_size=9, max_size=9))
    code = first9 + str(national_code_check_digit(first9))
    if len(set(code)) == 1:
        code = "0076229645"
    return code


@st.composite
def valid_legal_ids(draw: st.DrawFn) -> str:
    """Draw a checksum-valid 11-digit legal entity id."""
    first10 = draw(st.text(alphabet=DIGITS, min_size=10, max_size=10))
    return first10 + str(legal_id_check_digit(first10))


@st.composite
def single_digit_changes(draw: st.DrawFn, codes: st.SearchStrategy[str]) -> tuple[str, str, int]:
    """Draw a valid code, a copy with exactly one digit replaced, and the replaced position."""
    code = draw(codes)
    position = draw(st.integers(min_value=0, max_value=len(code) - 1))
    replacement = draw(st.sampled_from([d for d in DIGITS if d != code[position]]))
    return code, code[:position] + replacement + code[position + 1 :], position


# --------------------------------------------------------------------------
# Digits
# --------------------------------------------------------------------------


def test_to_persian_digits_latin_and_arabic_indic_become_persian():
    text = "کد 0123456789 و " + ARABIC_INDIC_DIGITS

    result = to_persian_digits(text)

    assert result == "کد " + PERSIAN_DIGITS + " و " + PERSIAN_DIGITS


def test_to_persian_digits_decimal_point_is_kept():
    result = to_persian_digits("12.5")

    assert result == "۱۲.۵"


def test_to_latin_digits_persian_and_arabic_indic_become_latin():
    text = PERSIAN_DIGITS + "-" + ARABIC_INDIC_DIGITS

    result = to_latin_digits(text)

    assert result == "0123456789-0123456789"


def test_to_latin_digits_arabic_indic_sequence_normalises():
    result = to_latin_digits("١٢٣")

    assert result == "123"


@pytest.mark.parametrize("foreign", [MATH_BOLD_ZERO, DEVANAGARI_DIGITS, FULLWIDTH_DIGITS])
def test_to_latin_digits_other_unicode_digit_scripts_left_untouched(foreign):
    # Documented policy: only Persian and Arabic-Indic digits are converted; validators then reject the rest.
    result = to_latin_digits(foreign)

    assert result == foreign


@given(any_text)
def test_to_latin_digits_round_trip_through_persian_equals_direct(text):
    result = to_latin_digits(to_persian_digits(text))

    assert result == to_latin_digits(text)


@given(any_text)
def test_to_persian_digits_twice_equals_once(text):
    once = to_persian_digits(text)

    assert to_persian_digits(once) == once


@given(any_text)
def test_to_latin_digits_output_has_no_persian_or_arabic_digits(text):
    result = to_latin_digits(text)

    assert set(result) & set(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS) == set()


@given(any_text)
def test_to_persian_digits_output_has_no_latin_or_arabic_digits(text):
    result = to_persian_digits(text)

    assert set(result) & set(DIGITS + ARABIC_INDIC_DIGITS) == set()


# --------------------------------------------------------------------------
# persian_number
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "۰"),
        (999, "۹۹۹"),
        (1234567, "۱٬۲۳۴٬۵۶۷"),
        (-1234, "-۱٬۲۳۴"),
        (Decimal("1234.50"), "۱٬۲۳۴٫۵۰"),
        (Decimal("1E+3"), "۱٬۰۰۰"),
        (0.1, "۰٫۱"),
        (1e20, "۱۰۰٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰"),
    ],
)
def test_persian_number_value_formats_with_persian_separators(value, expected):
    result = persian_number(value)

    assert result == expected


def test_persian_number_without_grouping_has_no_thousands_separator():
    result = persian_number(Decimal("1234567.25"), grouping=False)

    assert result == "۱۲۳۴۵۶۷٫۲۵"


def test_persian_number_none_returns_empty_string():
    result = persian_number(None)

    assert result == ""


@pytest.mark.parametrize("value", [float("nan"), float("inf"), Decimal("NaN"), Decimal("-Infinity")])
def test_persian_number_non_finite_raises_value_error(value):
    with pytest.raises(ValueError) as excinfo:
        persian_number(value)

    assert str(excinfo.value) == MSG_INVALID_NUMBER


@pytest.mark.parametrize("value", [True, "12", [1]])
def test_persian_number_non_number_raises_type_error(value):
    with pytest.raises(TypeError):
        persian_number(value)


@given(st.integers(), st.booleans())
def test_persian_number_int_round_trips_through_parse_number(value, grouping):
    text = persian_number(value, grouping=grouping)

    assert parse_number(text) == value


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**15), max_value=10**15, places=4))
def test_persian_number_decimal_round_trips_through_parse_number(value):
    text = persian_number(value)

    assert parse_number(text, allow_decimal=True) == value


# --------------------------------------------------------------------------
# Text normalisation
# --------------------------------------------------------------------------


def test_normalize_text_arabic_yeh_and_kaf_become_persian():
    text = "عل" + ARABIC_YEH + " " + ARABIC_KAF + "تاب"

    result = normalize_text(text)

    assert result == "عل" + PERSIAN_YEH + " " + PERSIAN_KAF + "تاب"


def test_normalize_text_alef_maksura_becomes_persian_yeh():
    result = normalize_text("موس" + ALEF_MAKSURA)

    assert result == "موس" + PERSIAN_YEH


def test_normalize_text_surrounding_and_repeated_spaces_are_collapsed():
    result = normalize_text("  جایزه \t\u00a0 سال   ۱۴۰۴  ")

    assert result == "جایزه سال ۱۴۰۴"


def test_normalize_text_zwnj_is_kept():
    text = "می" + ZWNJ + "رود"

    result = normalize_text(text)

    assert result == text


def test_normalize_text_line_breaks_are_kept_and_lines_trimmed():
    result = normalize_text(" بند  اول \r\n\r\n  بند دوم \r")

    assert result == "بند اول\n\nبند دوم"


def test_normalize_text_digits_are_left_alone():
    text = "سال ۱۴۰۴ و 2025 و ٢٠٢٥"

    result = normalize_text(text)

    assert result == text


@given(any_text)
def test_normalize_text_twice_equals_once(text):
    once = normalize_text(text)

    assert normalize_text(once) == once


@given(any_text)
def test_normalize_text_zwnj_count_is_preserved(text):
    result = normalize_text(text)

    assert result.count(ZWNJ) == text.count(ZWNJ)


@given(any_text)
def test_normalize_text_output_has_no_arabic_yeh_or_kaf(text):
    result = normalize_text(text)

    assert set(result) & {ARABIC_YEH, ALEF_MAKSURA, ARABIC_KAF} == set()


@given(any_text)
def test_normalize_text_output_has_no_double_spaces_or_edge_whitespace(text):
    result = normalize_text(text)

    assert "  " not in result
    assert result == result.strip()


def test_normalize_search_zwnj_and_arabic_letter_variants_match():
    variants = ["می" + ZWNJ + "رود", "میرود", "م" + ARABIC_YEH + ZWNJ + "رود", " میرود  "]

    keys = {normalize_search(v) for v in variants}

    assert keys == {"میرود"}


def test_normalize_search_digits_become_latin_and_case_is_folded():
    result = normalize_search("  جایزه  ۱۴۰۴ Straße\nTANDIS ")

    assert result == "جایزه 1404 strasse tandis"


def test_normalize_search_zwnj_between_spaces_leaves_single_space():
    result = normalize_search("الف " + ZWNJ + " ب")

    assert result == "الف ب"


@given(any_text)
def test_normalize_search_twice_equals_once(text):
    once = normalize_search(text)

    assert normalize_search(once) == once


@given(any_text)
def test_normalize_search_output_is_single_spaced_without_zwnj(text):
    result = normalize_search(text)

    assert ZWNJ not in result
    assert "  " not in result
    assert result == result.strip()
    assert set(result) & set(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS) == set()


@given(any_text)
def test_normalize_search_equals_search_of_normalized_text(text):
    direct = normalize_search(text)

    assert normalize_search(normalize_text(text)) == direct


# --------------------------------------------------------------------------
# Jalali dates
# --------------------------------------------------------------------------


def test_jalali_months_twelve_persian_names_in_order():
    assert JALALI_MONTHS == (
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


@pytest.mark.parametrize(
    "text",
    [
        "1404/06/04",
        "1404-6-4",
        "1404/6/04",
        "۱۴۰۴/۰۶/۰۴",
        "١٤٠٤-٠٦-٠٤",
        "  ۱۴۰۴-۶-۴\t",
        "\n1404/06/04 ",
    ],
)
def test_parse_jalali_date_accepted_formats_return_gregorian(text):
    result = parse_jalali_date(text)

    assert result == SHAHRIVAR_4_1404


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "تاریخ",
        "1404/13/01",
        "1404/00/10",
        "1404/06/00",
        "1404/06/32",
        "1404/07/31",  # Mehr has 30 days
        "1404/12/30",  # 1404 is not a leap year
        "1404/06-04",  # mixed separators
        "1404.06.04",
        "1404 / 06 / 04",
        "04/06/04",
        "14040/06/04",
        "1404/006/04",
        "1404/06/04/01",
        "04/06/1404",
        "0000/01/01",
        "+1404/06/04",
        "\U0001d7d9\U0001d7dc\U0001d7d8\U0001d7dc/06/04",  # mathematical bold digits
        _swap_digit_sets("1404/06/04", DEVANAGARI_DIGITS),
        _swap_digit_sets("1404/06/04", FULLWIDTH_DIGITS),
    ],
)
def test_parse_jalali_date_bad_input_raises_persian_message(text):
    with pytest.raises(ValueError) as excinfo:
        parse_jalali_date(text)

    assert str(excinfo.value) == MSG_INVALID_DATE


def test_parse_jalali_date_esfand_30_in_leap_year_1403_is_valid():
    result = parse_jalali_date("۱۴۰۳/۱۲/۳۰")

    assert result == date(2025, 3, 20)


def test_parse_jalali_date_esfand_30_in_common_year_1404_raises():
    with pytest.raises(ValueError) as excinfo:
        parse_jalali_date("1404/12/30")

    assert str(excinfo.value) == MSG_INVALID_DATE


def test_parse_jalali_date_day_after_leap_esfand_30_is_nowruz():
    esfand_30 = parse_jalali_date("1403/12/30")

    nowruz = parse_jalali_date("1404/01/01")

    assert nowruz - esfand_30 == timedelta(days=1)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((1404, 6, 4), SHAHRIVAR_4_1404),
        ((1403, 1, 1), date(2024, 3, 20)),
        ((1404, 1, 1), date(2025, 3, 21)),
        ((1403, 12, 30), date(2025, 3, 20)),
        ((1, 1, 1), FIRST_JALALI_DAY),
        ((9377, 12, 30), LAST_JALALI_DAY),
    ],
)
def test_jalali_to_gregorian_known_dates_convert(args, expected):
    result = jalali_to_gregorian(*args)

    assert result == expected


@pytest.mark.parametrize("args", [(1404, 12, 30), (1404, 13, 1), (0, 1, 1), (9378, 1, 1), (1404, 7, 31)])
def test_jalali_to_gregorian_impossible_date_raises(args):
    with pytest.raises(ValueError) as excinfo:
        jalali_to_gregorian(*args)

    assert str(excinfo.value) == MSG_INVALID_DATE


@pytest.mark.parametrize("value", [date(622, 3, 20), date(1, 1, 1), date(9999, 3, 21), date.max])
def test_gregorian_to_jalali_outside_jdatetime_range_raises(value):
    with pytest.raises(ValueError) as excinfo:
        gregorian_to_jalali(value)

    assert str(excinfo.value) == MSG_INVALID_DATE


def test_gregorian_to_jalali_known_date_converts():
    result = gregorian_to_jalali(SHAHRIVAR_4_1404)

    assert result == (1404, 6, 4)


def test_gregorian_to_jalali_aware_datetime_uses_tehran_day():
    value = datetime(2025, 8, 25, 21, 0, tzinfo=UTC)

    result = gregorian_to_jalali(value)

    assert result == (1404, 6, 4)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_jalali_round_trip_gregorian_1900_2100_returns_same_date(value):
    jalali = gregorian_to_jalali(value)

    assert jalali_to_gregorian(*jalali) == value


@given(st.dates(min_value=FIRST_JALALI_DAY, max_value=LAST_JALALI_DAY))
def test_jalali_round_trip_whole_supported_range_returns_same_date(value):
    jalali = gregorian_to_jalali(value)

    assert jalali_to_gregorian(*jalali) == value


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_jalali_consecutive_days_are_consecutive_jalali_dates(value):
    year, month, day = gregorian_to_jalali(value)

    next_year, next_month, next_day = gregorian_to_jalali(value + timedelta(days=1))

    assert (next_year, next_month, next_day) in {
        (year, month, day + 1),
        (year, month + 1, 1),
        (year + 1, 1, 1),
    }


@given(st.dates(min_value=FIRST_JALALI_DAY, max_value=LAST_JALALI_DAY), st.booleans())
def test_format_then_parse_jalali_date_returns_same_date(value, persian_digits):
    text = format_jalali_date(value, persian_digits=persian_digits)

    assert parse_jalali_date(text) == value


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_format_jalali_date_long_form_uses_month_name_and_persian_digits(value):
    year, month, day = gregorian_to_jalali(value)

    result = format_jalali_date(value, long=True)

    assert result == to_persian_digits(f"{day} {JALALI_MONTHS[month - 1]} {year}")


def test_format_jalali_date_default_is_zero_padded_persian():
    result = format_jalali_date(SHAHRIVAR_4_1404)

    assert result == "۱۴۰۴/۰۶/۰۴"


def test_format_jalali_date_latin_digits_when_requested():
    result = format_jalali_date(SHAHRIVAR_4_1404, persian_digits=False)

    assert result == "1404/06/04"


def test_format_jalali_date_long_form_example():
    result = format_jalali_date(SHAHRIVAR_4_1404, long=True)

    assert result == "۴ شهریور ۱۴۰۴"


def test_format_jalali_date_long_form_latin_digits():
    result = format_jalali_date(date(2025, 3, 20), long=True, persian_digits=False)

    assert result == "30 اسفند 1403"


def test_format_jalali_date_none_returns_empty_string():
    result = format_jalali_date(None)

    assert result == ""


def test_format_jalali_date_utc_evening_is_next_tehran_day():
    value = datetime(2025, 8, 25, 21, 0, tzinfo=UTC)  # 00:30 on 26 Aug in Tehran

    result = format_jalali_date(value)

    assert result == "۱۴۰۴/۰۶/۰۴"


@pytest.mark.parametrize(
    ("utc_time", "expected"),
    [
        (datetime(2025, 8, 25, 20, 29, 59), "1404/06/03"),
        (datetime(2025, 8, 25, 20, 30), "1404/06/04"),
        (datetime(2021, 6, 30, 19, 29), "1400/04/09"),  # Iran still observed DST (+04:30) in 2021
        (datetime(2021, 6, 30, 19, 30), "1400/04/10"),
    ],
)
def test_format_jalali_date_tehran_midnight_boundary_is_exact(utc_time, expected):
    result = format_jalali_date(utc_time.replace(tzinfo=UTC), persian_digits=False)

    assert result == expected


def test_format_jalali_date_naive_utc_evening_is_next_tehran_day():
    value = datetime(2025, 8, 25, 21, 0)

    result = format_jalali_date(value)

    assert result == "۱۴۰۴/۰۶/۰۴"


@given(st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2100, 12, 30)))
def test_format_jalali_date_naive_datetime_equals_utc_aware(value):
    aware = value.replace(tzinfo=UTC)

    assert format_jalali_date(value) == format_jalali_date(aware)


@given(
    st.datetimes(
        min_value=datetime(1900, 1, 2),
        max_value=datetime(2100, 12, 30),
        timezones=st.builds(
            timezone,
            st.integers(min_value=-14 * 60, max_value=14 * 60).map(
                lambda minutes: timedelta(minutes=minutes)
            ),
        ),
    )
)
def test_format_jalali_date_aware_datetime_depends_only_on_instant(value):
    as_utc = value.astimezone(UTC)

    assert format_jalali_date(value) == format_jalali_date(as_utc)


def test_format_jalali_date_plain_date_is_not_shifted():
    result = format_jalali_date(date(2025, 8, 25))

    assert result == "۱۴۰۴/۰۶/۰۳"


def test_format_jalali_datetime_shows_tehran_time():
    value = datetime(2025, 8, 26, 11, 0, tzinfo=UTC)

    result = format_jalali_datetime(value)

    assert result == "۱۴۰۴/۰۶/۰۴ ۱۴:۳۰"


def test_format_jalali_datetime_naive_is_treated_as_utc():
    result = format_jalali_datetime(datetime(2025, 8, 25, 21, 5), persian_digits=False)

    assert result == "1404/06/04 00:35"


def test_format_jalali_datetime_none_returns_empty_string():
    result = format_jalali_datetime(None)

    assert result == ""


def test_format_jalali_datetime_plain_date_raises_type_error():
    with pytest.raises(TypeError):
        format_jalali_datetime(SHAHRIVAR_4_1404)


def test_jalali_helpers_leave_jdatetime_locale_untouched():
    before = jdatetime.get_locale()

    format_jalali_date(SHAHRIVAR_4_1404, long=True)
    parse_jalali_date("1404/06/04")

    assert jdatetime.get_locale() == before


def test_jalali_helpers_ignore_jdatetime_locale_set_by_another_thread():
    results = []

    def worker():
        jdatetime.set_locale("en_US")  # per-thread: must not influence our explicit-locale calls
        try:
            results.append(format_jalali_date(SHAHRIVAR_4_1404, long=True))
        finally:
            jdatetime.set_locale(None)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()

    assert results == ["۴ شهریور ۱۴۰۴"]
    assert format_jalali_date(SHAHRIVAR_4_1404, long=True) == "۴ شهریور ۱۴۰۴"


# --------------------------------------------------------------------------
# National code (کد ملی)
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0076229645", "0076229645"),
        ("1583250689", "1583250689"),
        ("۰۰۷۶۲۲۹۶۴۵", "0076229645"),
        ("٠٠٧٦٢٢٩٦٤٥", "0076229645"),
        ("۱۵۸۳۲۵۰۶۸۹", "1583250689"),
        (" 007-622964-5 ", "0076229645"),
        ("158 325 0689", "1583250689"),
        ("76229645", "0076229645"),  # leading zeros lost (e.g. by a spreadsheet) are restored
    ],
)
def test_validate_national_code_valid_input_returns_canonical(text, expected):
    result = validate_national_code(text)

    assert result == expected


def test_validate_national_code_bad_checksum_raises():
    with pytest.raises(ValueError) as excinfo:
        validate_national_code("1234567890")

    assert str(excinfo.value) == MSG_INVALID_NATIONAL_CODE


@pytest.mark.parametrize(
    "text",
    [
        "",
        " - ",
        "کد",
        "12345678901",
        "00762296a5",
        "0076.229645",
        MATH_BOLD_ZERO * 2 + "76229645",
        _swap_digit_sets("0076229645", DEVANAGARI_DIGITS),
        _swap_digit_sets("0076229645", FULLWIDTH_DIGITS),
    ],
)
def test_validate_national_code_malformed_raises_format_message(text):
    with pytest.raises(ValueError) as excinfo:
        validate_national_code(text)

    assert str(excinfo.value) == MSG_NATIONAL_CODE_FORMAT


@pytest.mark.parametrize("digit", list(DIGITS))
def test_validate_national_code_all_identical_digits_rejected(digit):
    code = digit * 10
    # Every repeated-digit code passes the checksum, which is why the explicit rule exists.
    assert national_code_check_digit(code[:9]) == int(digit)

    with pytest.raises(ValueError) as excinfo:
        validate_national_code(code)

    assert str(excinfo.value) == MSG_INVALID_NATIONAL_CODE


def test_validate_national_code_single_digit_input_pads_to_all_zeros_and_is_rejected():
    assert is_valid_national_code("0") is False


@pytest.mark.parametrize(("text", "expected"), [("0076229645", True), ("1234567890", False), ("x", False)])
def test_is_valid_national_code_returns_bool(text, expected):
    result = is_valid_national_code(text)

    assert result is expected


@pytest.mark.parametrize("first9", ["12345678", "1234567890", "12345678x", MATH_BOLD_ZERO * 9])
def test_national_code_check_digit_bad_prefix_raises(first9):
    with pytest.raises(ValueError):
        national_code_check_digit(first9)


def test_national_code_check_digit_accepts_persian_digits():
    result = national_code_check_digit("۰۰۷۶۲۲۹۶۴")

    assert result == 5


@given(valid_national_codes())
def test_validate_national_code_generated_codes_validate(code):
    result = validate_national_code(code)

    assert result == code


@given(valid_national_codes(), st.sampled_from([DIGITS, PERSIAN_DIGITS, ARABIC_INDIC_DIGITS]))
def test_validate_national_code_any_supported_digit_set_gives_same_code(code, digit_set):
    result = validate_national_code(_swap_digit_sets(code, digit_set))

    assert result == code


@given(single_digit_changes(valid_national_codes()))
def test_validate_national_code_single_digit_change_rejected(change):
    original, changed, position = change
    # The scheme maps remainders 1 and 10 to the same check digit 1, so a change that moves the
    # remainder between exactly those two values is the only undetectable single-digit error.
    collision = position < 9 and {_national_remainder(original), _national_remainder(changed)} == {1, 10}

    result = is_valid_national_code(changed)

    assert result == (collision and len(set(changed)) > 1)


def test_validate_national_code_remainder_collision_is_inherent_to_the_algorithm():
    original, changed = "1000000001", "1030000001"  # remainders 10 and 1, both give check digit 1

    assert (_national_remainder(original), _national_remainder(changed)) == (10, 1)
    assert validate_national_code(original) == original
    assert validate_national_code(changed) == changed


# --------------------------------------------------------------------------
# Legal entity id (شناسه ملی)
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10380284790", "10380284790"),
        ("۱۰۳۸۰۲۸۴۷۹۰", "10380284790"),
        ("١٠٣٨٠٢٨٤٧٩٠", "10380284790"),
        (" 1038-0284-790 ", "10380284790"),
    ],
)
def test_validate_legal_id_valid_input_returns_canonical(text, expected):
    result = validate_legal_id(text)

    assert result == expected


def test_validate_legal_id_bad_checksum_raises():
    with pytest.raises(ValueError) as excinfo:
        validate_legal_id("10380284792")

    assert str(excinfo.value) == MSG_INVALID_LEGAL_ID


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1038028479",
        "103802847900",
        "1038028479x",
        "1038028479" + MATH_BOLD_ZERO,
        _swap_digit_sets("10380284790", DEVANAGARI_DIGITS),
    ],
)
def test_validate_legal_id_malformed_raises_format_message(text):
    with pytest.raises(ValueError) as excinfo:
        validate_legal_id(text)

    assert str(excinfo.value) == MSG_LEGAL_ID_FORMAT


@pytest.mark.parametrize(("text", "expected"), [("10380284790", True), ("10380284792", False), ("", False)])
def test_is_valid_legal_id_returns_bool(text, expected):
    result = is_valid_legal_id(text)

    assert result is expected


def test_legal_id_check_digit_known_example():
    result = legal_id_check_digit("1038028479")

    assert result == 0


@pytest.mark.parametrize("first10", ["103802847", "10380284790", "103802847x"])
def test_legal_id_check_digit_bad_prefix_raises(first10):
    with pytest.raises(ValueError):
        legal_id_check_digit(first10)


@given(valid_legal_ids())
def test_validate_legal_id_generated_ids_validate(code):
    result = validate_legal_id(code)

    assert result == code


@given(valid_legal_ids())
def test_legal_id_check_digit_matches_reference_formula(code):
    raw = _legal_id_remainder(code)

    assert int(code[10]) == (0 if raw == 10 else raw)


@given(single_digit_changes(valid_legal_ids()))
def test_validate_legal_id_single_digit_change_rejected(change):
    original, changed, position = change
    # Remainders 0 and 10 share check digit 0; moving between exactly those is the only blind spot.
    collision = position < 10 and {_legal_id_remainder(original), _legal_id_remainder(changed)} == {0, 10}

    result = is_valid_legal_id(changed)

    assert result == collision


def test_validate_legal_id_remainder_collision_is_inherent_to_the_algorithm():
    original, changed = "10000000010", "90000000010"

    assert {_legal_id_remainder(original), _legal_id_remainder(changed)} == {0, 10}
    assert validate_legal_id(original) == original
    assert validate_legal_id(changed) == changed


# --------------------------------------------------------------------------
# Mobile numbers
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "09121234567",
        "9121234567",
        "+989121234567",
        "00989121234567",
        "989121234567",
        "۰۹۱۲۱۲۳۴۵۶۷",
        "+۹۸۹۱۲۱۲۳۴۵۶۷",
        "٠٩١٢١٢٣٤٥٦٧",
        " 0912-123-4567 ",
        "+98 912 123 4567",
        "0098-912-1234567",
    ],
)
def test_validate_mobile_accepted_forms_return_canonical(text):
    result = validate_mobile(text)

    assert result == "09121234567"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "0912123456",
        "091212345678",
        "08121234567",
        "02112345678",
        "+98212345678",
        "+19121234567",
        "+9809121234567",
        "912123456",
        "0912123456a",
        "0912123456" + MATH_BOLD_ZERO,
        _swap_digit_sets("09121234567", DEVANAGARI_DIGITS),
    ],
)
def test_validate_mobile_invalid_input_raises_persian_message(text):
    with pytest.raises(ValueError) as excinfo:
        validate_mobile(text)

    assert str(excinfo.value) == MSG_INVALID_MOBILE


@given(
    st.text(alphabet=DIGITS, min_size=9, max_size=9),
    st.sampled_from(["09", "9", "+989", "00989", "989"]),
    st.sampled_from([DIGITS, PERSIAN_DIGITS, ARABIC_INDIC_DIGITS]),
)
def test_validate_mobile_any_prefix_and_digit_set_gives_canonical(subscriber, prefix, digit_set):
    text = _swap_digit_sets(prefix + subscriber, digit_set)

    result = validate_mobile(text)

    assert result == "09" + subscriber


# --------------------------------------------------------------------------
# parse_number
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        ("۱۲۳", 123),
        ("١٢٣", 123),
        ("1,234", 1234),
        ("۱٬۲۳۴٬۵۶۷", 1234567),
        ("12,345,678", 12345678),
        ("1234567", 1234567),
        ("-42", -42),
        ("\u2212۴۲", -42),
        ("  ۴۲ ", 42),
        ("007", 7),
    ],
)
def test_parse_number_integers_accepted(text, expected):
    result = parse_number(text)

    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("۱۲٫۵", Decimal("12.5")),
        ("12.5", Decimal("12.5")),
        ("-۱٬۲۳۴٫۵۶", Decimal("-1234.56")),
        ("1,234.5", Decimal("1234.5")),
        ("42", Decimal(42)),
    ],
)
def test_parse_number_decimals_accepted_when_allowed(text, expected):
    result = parse_number(text, allow_decimal=True)

    assert result == expected
    assert type(result) is Decimal


@pytest.mark.parametrize("text", ["12.5", "۱۲٫۵"])
def test_parse_number_decimal_rejected_when_not_allowed(text):
    with pytest.raises(ValueError) as excinfo:
        parse_number(text)

    assert str(excinfo.value) == MSG_INVALID_NUMBER


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "abc",
        "۱۲ تومان",
        "1,2",  # not read as 12: separators must group by three
        "1,23,456",
        "1,,234",
        ",123",
        "123,",
        "12.",
        ".5",
        "1.2.3",
        "1 234",
        "--1",
        "+1",
        "1-",
        "1e5",
        "1_000",  # int() accepts this; we do not
        "0x10",
        "\U0001d7d9\U0001d7da\U0001d7db",  # 𝟙𝟚𝟛: int() gives 123; we reject
        DEVANAGARI_DIGITS[1:4],
        FULLWIDTH_DIGITS[1:4],
    ],
)
def test_parse_number_junk_raises_persian_message(text):
    with pytest.raises(ValueError) as excinfo:
        parse_number(text, allow_decimal=True)

    assert str(excinfo.value) == MSG_INVALID_NUMBER == "عدد معتبر نیست"


@given(st.integers(), st.sampled_from([DIGITS, PERSIAN_DIGITS, ARABIC_INDIC_DIGITS]))
def test_parse_number_any_supported_digit_set_round_trips(value, digit_set):
    text = _swap_digit_sets(str(value), digit_set)

    result = parse_number(text)

    assert result == value


@given(st.text(alphabet=st.characters(categories=["Nd"]), min_size=1, max_size=6))
def test_parse_number_unicode_digits_only_three_scripts_accepted(text):
    # The \d trap: int() and \d accept every Unicode decimal digit; parse_number accepts
    # Latin, Persian and Arabic-Indic only and rejects the rest deliberately.
    supported = set(text) <= set(ALL_DIGIT_SETS)

    if supported:
        assert parse_number(text) == int(text)
    else:
        with pytest.raises(ValueError):
            parse_number(text)


@given(st.text(alphabet=st.characters(categories=["Nd"]), min_size=10, max_size=10))
def test_validate_national_code_unicode_digits_only_three_scripts_accepted(text):
    supported = set(text) <= set(ALL_DIGIT_SETS)

    accepted = is_valid_national_code(text)

    if not supported:
        assert accepted is False
    else:
        assert accepted == is_valid_national_code(to_latin_digits(text))


@pytest.mark.parametrize("foreign_digit", [MATH_BOLD_ZERO, DEVANAGARI_DIGITS[3], FULLWIDTH_DIGITS[3]])
def test_validators_reject_digits_that_python_int_accepts(foreign_digit):
    assert int(foreign_digit) in range(10)  # the trap: Python treats it as a digit

    with pytest.raises(ValueError):
        parse_number(foreign_digit)
    assert is_valid_national_code("007622964" + foreign_digit) is False
    with pytest.raises(ValueError):
        validate_mobile("0912123456" + foreign_digit)


# --- amounts in words («به حروف») ----------------------------------------------------------------------------

_WORD_VALUES = {
    **{w: i for i, w in enumerate(("یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نه"), start=1)},
    **{w: i for i, w in enumerate(("ده", "یازده", "دوازده", "سیزده", "چهارده", "پانزده", "شانزده", "هفده",
                                   "هجده", "نوزده"), start=10)},
    **{w: i * 10 for i, w in enumerate(("بیست", "سی", "چهل", "پنجاه", "شصت", "هفتاد", "هشتاد", "نود"), start=2)},
    **{w: i * 100 for i, w in enumerate(("صد", "دویست", "سیصد", "چهارصد", "پانصد", "ششصد", "هفتصد", "هشتصد",
                                         "نهصد"), start=1)},
}
_SCALE_VALUES = {"هزار": 10**3, "میلیون": 10**6, "میلیارد": 10**9, "تریلیون": 10**12, "کوادریلیون": 10**15}


def _parse_words(text: str) -> int:
    """A reference reader for the test: sum each «و»-joined group, multiplied by the scale word closing it."""
    if text == "صفر":
        return 0
    total = group = 0
    for part in text.split(" و "):
        words = part.split(" ")
        assert words[0] in _WORD_VALUES, part
        group += _WORD_VALUES[words[0]]
        assert len(words) <= 2, part
        if len(words) == 2:
            total += group * _SCALE_VALUES[words[1]]
            group = 0
    return total + group


@pytest.mark.parametrize(("amount", "words"), [
    (0, "صفر"),
    (1, "یک"),
    (11, "یازده"),
    (20, "بیست"),
    (101, "صد و یک"),
    (1_000, "یک هزار"),
    (1_000_000, "یک میلیون"),
    (1_234_567_890,
     "یک میلیارد و دویست و سی و چهار میلیون و پانصد و شصت و هفت هزار و هشتصد و نود"),
])
def test_amount_in_words_listed_values(amount, words):
    assert amount_in_words(amount) == words


def test_amount_in_words_skips_empty_groups():
    assert amount_in_words(1_000_001) == "یک میلیون و یک"
    assert amount_in_words(2_000_000_000_015) == "دو تریلیون و پانزده"


def test_amount_in_words_negative_is_refused():
    with pytest.raises(ValueError, match=MSG_NEGATIVE_AMOUNT):
        amount_in_words(-1)


def test_amount_in_words_beyond_the_last_scale_is_refused():
    assert amount_in_words(AMOUNT_WORDS_LIMIT - 1).startswith("نهصد و نود و نه کوادریلیون")
    with pytest.raises(ValueError, match=MSG_AMOUNT_TOO_LARGE):
        amount_in_words(AMOUNT_WORDS_LIMIT)


@pytest.mark.parametrize("value", [True, 1.0, Decimal(1), "1"])
def test_amount_in_words_non_int_raises_type_error(value):
    with pytest.raises(TypeError):
        amount_in_words(value)


@given(st.integers(min_value=0, max_value=AMOUNT_WORDS_LIMIT - 1))
def test_amount_in_words_is_well_formed_and_reads_back(amount):
    words = amount_in_words(amount)
    assert words == words.strip()
    assert "  " not in words
    assert all(w in _WORD_VALUES or w in _SCALE_VALUES or w in ("و", "صفر") for w in words.split(" "))
    assert _parse_words(words) == amount
