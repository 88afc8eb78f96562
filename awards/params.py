"""Numbers from the URL that the database can hold: larger ids or pages are "not found", never a crash.

Every id column is an SQL INTEGER (32 bits on PostgreSQL); SQLite raises ``OverflowError`` for a bound integer
of 2^63 or more. Both the ``<int:...>`` URL converter and ``request.args.get(..., type=int)`` (and the same on
``request.form``) therefore accept only integers inside that range: a path beyond it does not match (404), a
query or form value beyond it counts as absent (the route's default). A NUL character anywhere in the path,
query or form is refused with 400 (PostgreSQL cannot store one in text).
"""

from __future__ import annotations

from flask import Request, abort, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

INT_MIN = -(2**31)
INT_MAX = 2**31 - 1


def bounded_int(value: object) -> int:
    """``int(value)`` for a plain ASCII decimal inside the SQL INTEGER range; ValueError otherwise."""
    text = str(value).strip()
    digits = text[1:] if text[:1] in "+-" else text
    if not digits or len(digits) > 10 or not digits.isascii() or not digits.isdigit():
        raise ValueError(f"not an integer in range: {text[:20]!r}")
    number = int(text)
    if not INT_MIN <= number <= INT_MAX:
        raise ValueError(f"integer out of range: {text[:20]!r}")
    return number


def as_id(value: object) -> int | None:
    """A positive id that fits the database, or None (for ids posted in forms)."""
    try:
        number = bounded_int(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 1 else None


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` that matches only 0 ... 2^31 - 1 (and at most ten digits, before converting)."""

    regex = r"\d{1,10}"

    def __init__(self, url_map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,
                 signed: bool = False) -> None:
        super().__init__(url_map, fixed_digits=fixed_digits, min=min if min is not None else 0,
                         max=INT_MAX if max is None else min(max, INT_MAX), signed=signed)


class BoundedArgs(ImmutableMultiDict):
    """Query and form values whose ``get(..., type=int)`` refuses integers the database cannot hold."""

    def get(self, key, default=None, type=None):
        return super().get(key, default=default, type=bounded_int if type is int else type)


class AwardsRequest(Request):
    parameter_storage_class = BoundedArgs


def _has_nul(pairs) -> bool:
    return any("\x00" in key or "\x00" in value for key, values in pairs for value in values)


def init_app(app) -> None:
    """Install the bounded ``int`` converter and request class, and refuse NUL characters (400)."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.request_class = AwardsRequest

    @app.before_request
    def _refuse_nul_characters():
        # PostgreSQL cannot hold a NUL in text, and no form or link of ours sends one: refuse it at the door.
        if "\x00" in request.path or _has_nul(request.args.lists()) or (
                request.method not in ("GET", "HEAD", "OPTIONS") and _has_nul(request.form.lists())):
            abort(400)
        return None
