"""Template filters: Jalali dates and Persian digits exist only at this edge."""

from __future__ import annotations

import functools
from decimal import Decimal

from flask import Flask
from jinja2 import pass_context

from awards import i18n, persian
from awards.redirects import safe_next

#: Jalali month names as English-language sources spell them.
JALALI_MONTHS_EN = ("Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar", "Mehr", "Aban", "Azar",
                    "Dey", "Bahman", "Esfand")


def _persian_ui() -> bool:
    return i18n.persian_ui()


def per_request(fn):
    """Mark a filter whose output depends on the request's language. Jinja computes a filter of a constant once,
    when it compiles the template (``{{ 0|fa_number }}`` would keep the digits of the first request that
    rendered it); a filter that takes the context is never computed ahead, so this one takes it and ignores it."""

    @pass_context
    @functools.wraps(fn)
    def filter_(_context, *args, **kwargs):
        return fn(*args, **kwargs)

    return filter_


@per_request
def figure(value) -> str:
    """An indicator's figure: grouped, without trailing zeros (640,000 and 34.5, never 34.50)."""
    if value is None or value == "":
        return ""
    number = Decimal(value)
    number = Decimal(int(number)) if number == number.to_integral_value() else number.normalize()
    return persian.persian_number(number) if _persian_ui() else f"{number:,f}"


def init_app(app: Flask) -> None:
    app.add_template_global(safe_next)
    app.add_template_filter(figure, "figure")

    @app.template_filter("jdate")
    @per_request
    def jdate(value, long: bool = False) -> str:
        if long and value is not None and not _persian_ui():
            year, month, day = persian.gregorian_to_jalali(value)
            return f"{day} {JALALI_MONTHS_EN[month - 1]} {year}"
        return persian.format_jalali_date(value, persian_digits=_persian_ui(), long=long)

    @app.template_filter("local_name")
    @per_request
    def local_name(value) -> str:
        """A province's, committee's or category's name in the reader's language (the Persian one when no English
        exists)."""
        if value is None:
            return ""
        if hasattr(value, "title_en"):  # a category
            return value.title if _persian_ui() or not value.title_en else value.title_en
        english = getattr(value, "name_en", "")
        return value.name_fa if _persian_ui() or not english else english

    @app.template_filter("jdatetime")
    @per_request
    def jdatetime_filter(value) -> str:
        return persian.format_jalali_datetime(value, persian_digits=_persian_ui())

    @app.template_filter("fa_digits")
    @per_request
    def fa_digits(value) -> str:
        if value is None:
            return ""
        text = str(value)
        return persian.to_persian_digits(text) if _persian_ui() else text

    @app.template_filter("fa_number")
    @per_request
    def fa_number(value) -> str:
        if value is None or value == "":
            return ""
        return persian.persian_number(value) if _persian_ui() else f"{value:,}"

