"""RFC 6238 time-based one-time passwords (30-second steps, six digits, HMAC-SHA-1) and recovery codes.

Pure functions: no database, no Flask. The services in ``awards.auth.two_factor`` keep the state.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from datetime import datetime
from urllib.parse import quote, urlencode

from awards.persian import to_latin_digits

STEP_SECONDS = 30
DIGITS = 6
#: Codes of the step before and after the current one are accepted too (clock drift, slow typing).
WINDOW = 1
RECOVERY_CODE_COUNT = 10
# Letters and digits that cannot be misread for one another (no 0/O, 1/I/L).
_RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


def new_secret() -> str:
    """Return a random 160-bit key in Base32 without padding (what authenticator apps expect)."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").rstrip("=")


def _key(secret: str) -> bytes:
    text = secret.strip().replace(" ", "").upper()
    return base64.b32decode(text + "=" * (-len(text) % 8))


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, digest: str = "sha1") -> str:
    """RFC 4226: the code of ``counter`` under ``key`` (dynamic truncation of the HMAC)."""
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10 ** digits).zfill(digits)


def time_step(at: datetime) -> int:
    """Return the 30-second step (counted from the Unix epoch) that ``at`` falls in."""
    return int(at.timestamp()) // STEP_SECONDS


def code_at(secret: str, at: datetime) -> str:
    """Return the code an authenticator app shows at ``at``."""
    return hotp(_key(secret), time_step(at))


def normalize_code(text: str) -> str:
    """Latin digits and lower-case letters, without spaces or dashes: what the user typed, as compared."""
    cleaned = to_latin_digits(text or "").strip().lower()
    return "".join(ch for ch in cleaned if ch not in " -\u200c\u200f\u200e")


def matching_step(secret: str, code: str, *, at: datetime, after: int = 0) -> int | None:
    """Return the step (within ±WINDOW of ``at`` and later than ``after``) whose code is ``code``, or None.

    ``after`` is the last step already used: its code, and every earlier one, never counts again.
    """
    code = normalize_code(code)
    if len(code) != DIGITS or not code.isdigit():
        return None
    key, now_step = _key(secret), time_step(at)
    found = None
    for step in range(now_step - WINDOW, now_step + WINDOW + 1):
        # Compare every candidate (constant work whatever matches).
        if hmac.compare_digest(hotp(key, step), code) and step > after and found is None:
            found = step
    return found


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    """The otpauth:// address the QR code carries (Key Uri Format of Google Authenticator)."""
    label = quote(f"{issuer}:{account}", safe="")
    query = urlencode({"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS,
                       "period": STEP_SECONDS}, quote_via=quote)
    return f"otpauth://totp/{label}?{query}"


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """Return ``count`` random codes shown as ``xxxxx-xxxxx`` (about 50 bits each)."""
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def hash_recovery_code(code: str) -> str:
    """SHA-256 of the normalised code (random codes: a fast hash is enough; the sign-in is rate-limited)."""
    return hashlib.sha256(normalize_code(code).encode("ascii", "replace")).hexdigest()


def looks_like_recovery_code(code: str) -> bool:
    normalized = normalize_code(code)
    return len(normalized) == 10 and all(ch in _RECOVERY_ALPHABET for ch in normalized)
