"""Template filters: Jalali dates and Persian digits exist only at this edge."""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale

from awards import persian


def _persian_ui() -> bool:
    locale = get_locale()
    return locale is None or locale.language == "fa"


def init_app(app: Flask) -> None:
    from awards.redirects import safe_next

    app.add_template_global(safe_next)

    @app.template_filter("jdate")
    def jdate(value, long: bool = False) -> str:
        return persian.format_jalali_date(value, persian_digits=_persian_ui(), long=long)

    @app.template_filter("jdatetime")
    def jdatetime_filter(value) -> str:
        return persian.format_jalali_datetime(value, persian_digits=_persian_ui())

    @app.template_filter("fa_digits")
    def fa_digits(value) -> str:
        if value is None:
            return ""
        text = str(value)
        return persian.to_persian_digits(text) if _persian_ui() else text

    @app.template_filter("fa_number")
    def fa_number(value) -> str:
        if value is None or value == "":
            return ""
        return persian.persian_number(value) if _persian_ui() else f"{value:,}"
