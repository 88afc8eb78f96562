"""Password policy and hashing (scrypt by default through Werkzeug)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from awards.persian import normalize_text, to_latin_digits

MIN_LENGTH = 10
_hash_method = "scrypt"


def configure(*, method: str) -> None:
    """Choose the hashing method (tests use a fast one; production keeps scrypt)."""
    global _hash_method
    _hash_method = method


@cache
def common_passwords() -> frozenset[str]:
    """Load the list of passwords too common to allow."""
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(line.strip().casefold() for line in path.read_text("utf-8").splitlines() if line.strip())


def password_problem(password: str, *, username: str = "") -> str | None:
    """Return a Persian reason the password is unacceptable, or None when it is fine."""
    plain = to_latin_digits(normalize_text(password or ""))
    if len(password or "") < MIN_LENGTH:
        return _("گذرواژه باید دست‌کم %(n)s نویسه باشد.", n=MIN_LENGTH)
    folded = plain.casefold()
    if folded in common_passwords() or len(set(folded)) <= 2:
        return _("این گذرواژه بسیار رایج یا ساده است؛ گذرواژهٔ دیگری برگزینید.")
    if username and username.casefold() in folded:
        return _("گذرواژه نباید نام کاربری را در بر داشته باشد.")
    return None


def hash_password(password: str) -> str:
    """Hash a password with the configured strong KDF."""
    return generate_password_hash(password, method=_hash_method)


def verify_password(password_hash: str, password: str) -> bool:
    """Check a password against its stored hash."""
    return check_password_hash(password_hash, password)
