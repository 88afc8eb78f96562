"""Locale-aware pieces for messages built outside templates: digits and lists follow the request's language."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from flask import Flask
from flask_babel import Domain, get_locale
from jinja2 import pass_context

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


def _localized(variables: dict[str, object]) -> dict[str, object]:
    """Numbers passed into a message take the reader's digits. Text is left as it is (it may be a name or a
    serial the caller chose to show as written); ``bool`` is not a number here."""
    if not persian_ui():
        return variables
    return {key: persian.to_persian_digits(str(value))
            if isinstance(value, int | float | Decimal) and not isinstance(value, bool) else value
            for key, value in variables.items()}


class LocalizedDomain(Domain):
    """Flask-Babel's message domain, with numbers in the reader's digits.

    ``_("%(count)s نشست پایان یافت.", count=3)`` used to print a Latin 3 inside a Persian sentence wherever the
    caller forgot ``i18n.number``; here every number argument of every message gets the page's digits."""

    def gettext(self, string, **variables):
        return super().gettext(string, **_localized(variables))

    def ngettext(self, singular, plural, num, **variables):
        variables.setdefault("num", num)
        return super().ngettext(singular, plural, num, **_localized(variables))

    def pgettext(self, context, string, **variables):
        return super().pgettext(context, string, **_localized(variables))

    def npgettext(self, context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        return super().npgettext(context, singular, plural, num, **_localized(variables))


def init_app(app: Flask) -> None:
    """Install the localising domain for Python messages and the same rule for templates' ``_()``."""
    configuration = app.extensions["babel"]
    configuration.instance.domain_instance = LocalizedDomain(domain=configuration.default_domain)
    env = app.jinja_env
    plain_gettext, plain_ngettext = env.globals["gettext"], env.globals["ngettext"]

    @pass_context
    def gettext(context, string, **variables):
        return plain_gettext(context, string, **_localized(variables))

    @pass_context
    def ngettext(context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        return plain_ngettext(context, singular, plural, num, **_localized(variables))

    env.globals.update(gettext=gettext, _=gettext, ngettext=ngettext)
