"""Forms of the notification pages: each carries the CSRF token; the kinds' checkboxes are read by name."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField

#: Each language named in itself (and marked as such for screen readers), as language menus do.
LANGUAGE_CHOICES = [SelectChoice("fa", "فارسی", {"lang": "fa"}), SelectChoice("en", "English", {"lang": "en"})]


class ActionForm(FlaskForm):
    """A button (mark read, mark all read): only the CSRF token."""


class OptOutForm(FlaskForm):
    """The ``/account/notifications`` form: the language notifications (and pages) are written in, and one
    ``receive`` checkbox per kind, read with ``getlist``."""

    language = SelectField(_l("زبان اعلان‌ها و ایمیل‌ها"), choices=LANGUAGE_CHOICES)
