"""Which of a posted form's fields may be written down or echoed back to the user: all but secrets.

Used to keep an expired session's post (``awards.auth.pending``), to autosave a draft (``awards.drafts``) and to
offer a post the busy database refused back for sending again (``awards.errors``).
"""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

#: Fields never written down: the form's CSRF token and anything secret.
NEVER_KEPT = frozenset({"csrf_token", "password", "current_password", "new_password", "confirm_password", "code",
                        "recovery_code"})


def is_kept_name(name: str) -> bool:
    """Whether a field called ``name`` may be written down (no CSRF token, no secret)."""
    return name not in NEVER_KEPT and "password" not in name


def kept_fields(form: MultiDict) -> dict[str, list[str]]:
    """The form's values by field name, without the CSRF token, passwords and codes."""
    return {name: form.getlist(name) for name in form if is_kept_name(name)}
