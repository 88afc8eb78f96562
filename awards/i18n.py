"""Locale-aware pieces for messages built outside templates: digits and lists follow the request's language."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from flask_babel import get_locale

from awards import persian


def persian_ui() -> bool:
    """True when the current request speaks Persian (and outside any request, the app's default)."""
    locale = get_locale()
    return locale is None or locale.language == "fa"


def number(value: int | float | Decimal) -> str:
    """A number for a message: Persian digits and separators in Persian, Latin with commas otherwise."""
    return persian.persian_number(value) if persian_ui() else f"{value:,}"


def digits(value: object) -> str:
    """Any text with its digits in the reader's script (Jalali dates, serials)."""
    text = str(value)
    return persian.to_persian_digits(text) if persian_ui() else persian.to_latin_digits(text)


def join(items: Iterable[object]) -> str:
    """Join a list for a sentence with the reader's comma."""
    return ("، " if persian_ui() else ", ").join(str(item) for item in items)
