"""Forms of the notification pages: each carries the CSRF token; the kinds' checkboxes are read by name."""

from __future__ import annotations

from flask_wtf import FlaskForm


class ActionForm(FlaskForm):
    """A button (mark read, mark all read): only the CSRF token."""


class OptOutForm(FlaskForm):
    """The ``/account/notifications`` form: one ``receive`` checkbox per kind, read with ``getlist``."""
