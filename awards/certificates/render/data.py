"""What is printed on a certificate: :class:`CertificateData` and :class:`SignatoryData`, validated on
construction; and :class:`Plan`, one WeasyPrint document and how its pages become certificates."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass

GOLD = "gold"
CERTIFICATE = "certificate"
#: A province's own certificate (the provincial round): its title says so and it names the province (``issuer``).
PROVINCIAL = "provincial"
#: What each tier awards, as printed on the certificate.
TIER_TEXT = {
    GOLD: "تندیس زرین ملی و لوح تقدیر",
    CERTIFICATE: "لوح تقدیر",
    PROVINCIAL: "لوح تقدیر استانی",
}
#: The title at the head of the certificate.
HEADING = {GOLD: "لوح تقدیر", CERTIFICATE: "لوح تقدیر", PROVINCIAL: "لوح تقدیر استانی"}

# Serial numbers are Latin, e.g. 1404-CLUSTER-001 or, a province's, 1404-FA-001 (awards.serial is String(48)).
_SERIAL_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,47}")
# The verification address: absolute http(s), printable ASCII, no spaces or quotes.
_VERIFY_URL_RE = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?/[!#$%&()*+,./0-9:;=?@A-Z_a-z~-]*")
#: Citations up to this many characters are known to fit (longer ones may, or raise ValueError).
CITATION_FITS_CHARS = 900
#: How many signatories fit side by side in the footer.
MAX_SIGNATORIES = 4


@dataclass(frozen=True)
class SignatoryData:
    """One signatory: name, title and an optional signature image.

    ``signature_uri`` is a ``data:`` URI or a path relative to ``static/`` (e.g.
    ``img/signatures/minister.png``); anything else is refused when rendering.
    """

    name: str
    title: str
    signature_uri: str | None = None


@dataclass(frozen=True)
class CertificateData:
    """Everything printed on one certificate; all text is plain (it is escaped when rendered)."""

    serial: str
    verify_url: str
    recipient_line: str
    recipient_title: str
    nominee_name: str
    category_title: str
    cycle_title: str
    citation: str
    tier: str  # "gold" | "certificate" | "provincial"
    ceremony_date: datetime.date
    issued_at: datetime.datetime  # aware; used as the PDF creation/modification date
    signatories: tuple[SignatoryData, ...]
    revoked: bool = False
    #: Who issues it when not the national secretariat: the province's line (e.g. «استان فارس»), printed under
    #: the cycle's title; required for the provincial tier, empty otherwise.
    issuer: str = ""

    def __post_init__(self) -> None:
        if not _SERIAL_RE.fullmatch(self.serial or ""):
            raise ValueError(f"invalid certificate serial: {self.serial!r}")
        if not _VERIFY_URL_RE.fullmatch(self.verify_url or ""):
            raise ValueError(f"invalid verification URL: {self.verify_url!r}")
        if self.tier not in TIER_TEXT:
            raise ValueError(f"unknown tier: {self.tier!r}")
        if (self.tier == PROVINCIAL) != bool((self.issuer or "").strip()):
            raise ValueError("a provincial certificate names its issuer, and only it does")
        if not isinstance(self.ceremony_date, datetime.date) or isinstance(
            self.ceremony_date, datetime.datetime
        ):
            raise ValueError("ceremony_date must be a datetime.date")
        if not isinstance(self.issued_at, datetime.datetime) or self.issued_at.utcoffset() is None:
            raise ValueError("issued_at must be an aware datetime")
        if not self.signatories or not all(isinstance(s, SignatoryData) for s in self.signatories):
            raise ValueError("at least one SignatoryData is required")
        if len(self.signatories) > MAX_SIGNATORIES:
            raise ValueError(f"at most {MAX_SIGNATORIES} signatories fit on a certificate")
        for name in ("recipient_line", "nominee_name", "category_title", "cycle_title", "citation"):
            if not str(getattr(self, name) or "").strip():
                raise ValueError(f"{name} must not be empty")


@dataclass(frozen=True)
class Plan:
    """One WeasyPrint document, and how its pages become certificates.

    Shared text: every certificate of one tier, cycle, ceremony date and set of signatories carries
    the same title, basmala, date, tier line, signatories and captions.  Laying that out once per
    certificate was about a third of the page cost, so the HTML starts with one *stamp* page per
    distinct set (``stamp_count`` of them, usually one or two), followed by one page per
    certificate holding only its own text; ``postprocess.decorate`` turns the stamps into PDF forms
    that each certificate page draws (``stamps[i]`` is certificate i's stamp).
    """

    html: str
    stamp_count: int
    stamps: tuple[int, ...]
    tiers: tuple[str, ...]
    verify_urls: tuple[str, ...]
    recipients: tuple[str, ...]


def refuse_revoked(items: Sequence[CertificateData]) -> None:
    """A revoked award can no longer be printed as valid: refuse before any work starts."""
    for item in items:
        if item.revoked:
            raise ValueError(f"award {item.serial} is revoked: refusing to render a certificate")


def stamp_key(data: CertificateData) -> tuple:
    """Certificates with the same key share one stamp (see :class:`Plan`)."""
    return (data.tier, data.cycle_title.strip(), data.issuer.strip(), data.ceremony_date, data.signatories)
