"""Where a ``next``-style parameter may send the browser: only a path on this site, else the home page.

The rule is an allow-list, checked on the raw value and again after one round of percent-decoding (a browser
or a proxy may decode once, so a double-encoded slash is refused too): printable ASCII only (no tab, CR/LF,
NUL, spaces or Unicode look-alikes), no backslash, no encoded slash or backslash (``%2f``, ``%5c``), no scheme
and no host, and it begins with exactly one ``/``. A value that breaks any part is refused as a whole rather
than repaired.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import url_for

MAX_LENGTH = 2048
_PRINTABLE = frozenset(chr(code) for code in range(0x21, 0x7F))


def _plain_path(text: str) -> bool:
    if not text or not set(text) <= _PRINTABLE or "\\" in text:
        return False
    if not text.startswith("/") or text.startswith("//"):
        return False
    parts = urlsplit(text)
    return not parts.scheme and not parts.netloc


def safe_next(target: object) -> str | None:
    """Return ``target`` when it is a same-site relative path (see the module docstring), else None."""
    if not isinstance(target, str) or len(target) > MAX_LENGTH:
        return None
    decoded = unquote(target)
    for text in (target, decoded):
        lowered = text.lower()
        if not _plain_path(text) or "%2f" in lowered.split("?", 1)[0] or "%5c" in lowered:
            return None
    return target


def next_or_home(target: object) -> str:
    """The safe target, or the home page when there is none."""
    return safe_next(target) or url_for("main.index")
