"""Render award certificates (لوح تقدیر) to PDF/A-3b with WeasyPrint.

This module is deliberately pure: it imports neither Flask nor the database layer, so it can run
in a web request, a background job, a worker process or a test on its own.

Security model
--------------
Certificate text (the citation above all) is untrusted.  Two independent walls keep it harmless:

* the Jinja environment autoescapes everything, so text can never become markup;
* every resource WeasyPrint wants (stylesheets, fonts, images, attachments) goes through
  :class:`StaticOnlyURLFetcher`, which serves ``data:`` URIs and regular files inside the project's
  ``static/`` directory and refuses everything else before any I/O: no network, no redirects, no
  ``file:`` outside ``static/`` (checked after ``os.path.realpath``, so ``../`` and symlinks cannot
  escape).  Attachments are also dropped from the rendered document before the PDF is written.

Reproducibility
---------------
The same :class:`CertificateData` always gives the same bytes: the PDF creation and modification
dates come from ``issued_at`` (``dcterms.created``/``dcterms.modified`` in the HTML head), the PDF
file identifier is an MD5 of the content (WeasyPrint's ``pdf_identifier=True`` for PDF/A), font
subset tags are hashes of the subset, and the decorative frame is computed, not random.

Speed
-----
A :class:`CertificateRenderer` keeps one ``FontConfiguration`` and the pre-parsed stylesheets for
its lifetime; make one per process.  WeasyPrint's cost is per laid-out block and per drawn
image, so a certificate page carries as little as possible:

* the guilloche frame, watermark, title ornament and tier seal (thousands of curve segments) are
  drawn once per document as PDF form XObjects that every page references (``_decorate``);
* the text every certificate of a tier shares (title, basmala, date, signatories, captions) is
  laid out once per document on a *stamp* page, which becomes a form too (``_Plan``);
* the QR code is drawn by ``_qr_ops`` as a vector path from segno's matrix, not as an SVG image
  that WeasyPrint would parse and draw on every page.

Bulk printing goes through :meth:`render_many_chunked`, which renders chunks of certificates as
single documents (fonts, frame and stamps embedded once per chunk) in a pool of worker processes
and streams them into one file (``pdfmerge``).  ``tests/bench/bench_certificates.py`` measures it.

Layout notes (WeasyPrint 70): auto margins and flex items are misplaced in right-to-left boxes,
so the page geometry is laid out left to right and each text block sets ``direction: rtl``; the
blocks are absolutely positioned, so an over-long citation cannot paginate and is caught by
``_check_fits`` instead.
"""

from __future__ import annotations

import base64
import datetime
import importlib.resources
import io
import math
import mimetypes
import multiprocessing
import os
import re
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit
from urllib.request import url2pathname

import jinja2
import pydyf
import segno
from weasyprint import CSS, HTML
from weasyprint.css import ColorProfile
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError, path2url

from awards.certificates.pdfmerge import PdfConcatenator
from awards.persian import format_jalali_date, to_persian_digits

__all__ = [
    "CERTIFICATE",
    "CITATION_FITS_CHARS",
    "GOLD",
    "MAX_SIGNATORIES",
    "TIER_TEXT",
    "CertificateData",
    "CertificateRenderer",
    "SignatoryData",
    "StaticOnlyURLFetcher",
    "make_qr",
    "qr_data_uri",
]

GOLD = "gold"
CERTIFICATE = "certificate"
#: What each tier awards, as printed on the certificate.
TIER_TEXT = {
    GOLD: "تندیس زرین ملی و لوح تقدیر",
    CERTIFICATE: "لوح تقدیر",
}

PDF_VARIANT = "pdf/a-3b"
TEMPLATE_NAME = "certificates/certificate.html"
STYLESHEET_PATH = "css/certificate.css"

# Serial numbers are Latin, e.g. 1404-CLUSTER-001 (awards.serial is String(48)).
_SERIAL_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,47}")
# The verification address: absolute http(s), printable ASCII, no spaces or quotes.
_VERIFY_URL_RE = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?/[!#$%&()*+,./0-9:;=?@A-Z_a-z~-]*")
# Above this many characters the citation is set a size smaller so that it stays on one page.
_LONG_CITATION = 420
_VERY_LONG_CITATION = 620
_LONGEST_CITATION = 740
#: Citations up to this many characters are known to fit (longer ones may, or raise ValueError).
CITATION_FITS_CHARS = 900
_MAX_DATA_URI_BYTES = 4 * 1024 * 1024
# Below this many certificates render_each works in this process: starting a pool (about a second
# a worker) would cost more than it saves.
_POOL_MIN_ITEMS = 40
#: How many signatories fit side by side in the footer.
MAX_SIGNATORIES = 4
_QR_DARK = "#0b2a5b"
_QR_LIGHT = "#ffffff"


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------


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
    tier: str  # "gold" | "certificate"
    ceremony_date: datetime.date
    issued_at: datetime.datetime  # aware; used as the PDF creation/modification date
    signatories: tuple[SignatoryData, ...]
    revoked: bool = False

    def __post_init__(self) -> None:
        if not _SERIAL_RE.fullmatch(self.serial or ""):
            raise ValueError(f"invalid certificate serial: {self.serial!r}")
        if not _VERIFY_URL_RE.fullmatch(self.verify_url or ""):
            raise ValueError(f"invalid verification URL: {self.verify_url!r}")
        if self.tier not in TIER_TEXT:
            raise ValueError(f"unknown tier: {self.tier!r}")
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
class _Plan:
    """One WeasyPrint document, and how its pages become certificates.

    Shared text: every certificate of one tier, cycle, ceremony date and set of signatories carries
    the same title, basmala, date, tier line, signatories and captions.  Laying that out once per
    certificate was about a third of the page cost, so the HTML starts with one *stamp* page per
    distinct set (``stamp_count`` of them, usually one or two), followed by one page per
    certificate holding only its own text; ``_decorate`` turns the stamps into PDF forms that each
    certificate page draws (``stamps[i]`` is certificate i's stamp).
    """

    html: str
    stamp_count: int
    stamps: tuple[int, ...]
    tiers: tuple[str, ...]
    verify_urls: tuple[str, ...]
    recipients: tuple[str, ...]


def _refuse_revoked(items: Sequence[CertificateData]) -> None:
    """A revoked award can no longer be printed as valid: refuse before any work starts."""
    for item in items:
        if item.revoked:
            raise ValueError(f"award {item.serial} is revoked: refusing to render a certificate")


def _stamp_key(data: CertificateData) -> tuple:
    return (data.tier, data.cycle_title.strip(), data.ceremony_date, data.signatories)


# ---------------------------------------------------------------------------------------------
# Locked-down URL fetcher
# ---------------------------------------------------------------------------------------------


class StaticOnlyURLFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves only ``data:`` URIs and files under ``static_dir``.

    WeasyPrint 70's :class:`weasyprint.urls.URLFetcher` is a ``urllib.request.OpenerDirector``
    whose ``fetch(url, headers=None)`` must return a :class:`URLFetcherResponse`; WeasyPrint calls
    the fetcher object itself (``__call__`` → ``fetch``) and turns any exception into a logged
    "failed to load" (so a refused resource is simply left out).  :meth:`fetch` is overridden
    completely: the urllib handler chain (HTTP, FTP, proxies, redirects) is never reached.  The
    parent is still initialised with ``allowed_protocols=("data", "file")`` and no redirects, and
    :meth:`open` is overridden too, as a second wall.
    """

    def __init__(self, static_dir: os.PathLike[str] | str) -> None:
        super().__init__(
            timeout=1, allowed_protocols=("data", "file"), allow_redirects=False, fail_on_errors=False
        )
        self.static_root = os.path.realpath(static_dir)
        if not os.path.isdir(self.static_root):
            raise ValueError(f"static directory does not exist: {static_dir}")
        #: Every URL this fetcher refused, for tests and diagnostics.
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        try:
            if scheme == "data":
                return self._fetch_data(url)
            if scheme == "file":
                return self._fetch_file(url)
            raise URLFetchingError(f"scheme not allowed: {scheme or '(none)'}")
        except Exception:
            self.refused.append(url)
            raise

    def open(self, url, data=None, timeout=None):
        return self.fetch(url if isinstance(url, str) else url.full_url)

    def resolve_static(self, url: str) -> str:
        """Return the real path of a ``file:`` URL if it names a regular file inside ``static/``."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise URLFetchingError("remote file URL not allowed")
        path = url2pathname(unquote(parts.path))
        if not os.path.isabs(path):
            raise URLFetchingError("relative file path not allowed")
        real = os.path.realpath(path)
        if os.path.commonpath((real, self.static_root)) != self.static_root or real == self.static_root:
            raise URLFetchingError("file outside the static directory")
        if not os.path.isfile(real):
            raise URLFetchingError("not a regular file")
        return real

    def _fetch_file(self, url: str) -> URLFetcherResponse:
        real = self.resolve_static(url)
        with open(real, "rb") as handle:
            body = handle.read()
        content_type = mimetypes.guess_type(real)[0] or "application/octet-stream"
        return URLFetcherResponse(path2url(real), body, {"Content-Type": content_type})

    @staticmethod
    def _fetch_data(url: str) -> URLFetcherResponse:
        header, comma, payload = url[len("data:") :].partition(",")
        if not comma:
            raise URLFetchingError("malformed data URI")
        params = [part.strip() for part in header.split(";")]
        is_base64 = params[-1].lower() == "base64"
        if is_base64:
            params.pop()
        media_type = params[0] if params and params[0] else "text/plain"
        if len(payload) > 2 * _MAX_DATA_URI_BYTES:
            raise URLFetchingError("data URI too large")
        raw = unquote_to_bytes(payload)
        body = base64.b64decode(raw, validate=False) if is_base64 else raw
        if len(body) > _MAX_DATA_URI_BYTES:
            raise URLFetchingError("data URI too large")
        headers = {"Content-Type": "; ".join([media_type, *params[1:]])}
        return URLFetcherResponse(url, body, headers)


# ---------------------------------------------------------------------------------------------
# QR code
# ---------------------------------------------------------------------------------------------


def make_qr(url: str) -> segno.QRCode:
    """The QR code of a verification address: a regular (not micro) QR, error correction M."""
    return segno.make_qr(url, error="m", boost_error=False)


def qr_data_uri(url: str) -> str:
    """The QR code as an SVG data URI, dark blue on white, with the standard 4-module quiet zone."""
    return make_qr(url).svg_data_uri(dark=_QR_DARK, light=_QR_LIGHT, border=4, omitsize=True)


# ---------------------------------------------------------------------------------------------
# Decoration: a computed guilloche frame, drawn as shared PDF form XObjects
# ---------------------------------------------------------------------------------------------
#
# The frame, corner medallions, watermark rosette and tier seal are thousands of curve segments.
# As SVG images WeasyPrint would re-parse and re-draw them on every page (~0.25 s a page), so
# they are emitted here once, as PDF form XObjects, and each page only says "draw the frame"
# (see CertificateRenderer._finisher).  Geometry is in millimetres with the origin at the top
# left of the page, like the CSS; the forms' /Matrix maps it to PDF points.

PAGE_W_MM, PAGE_H_MM = 297.0, 210.0
_PT_PER_MM = 72 / 25.4

_NAVY = (0x0F, 0x2D, 0x5C)
_GOLD = (0xC9, 0xA6, 0x46)
_GOLD_DARK = (0xA8, 0x83, 0x2A)
_GOLD_LIGHT = (0xE6, 0xCF, 0x86)
_BLUE_LINE = (0x6F, 0x8F, 0xC4)
_WATERMARK = (0xEF, 0xE4, 0xC4)
_PAPER = (0xFF, 0xFD, 0xF7)
_SEAL_GOLD_FILL = (0xF6, 0xEC, 0xC9)
_SEAL_BLUE_FILL = (0xE7, 0xED, 0xF7)

# Frame geometry (mm from the page edge).
_OUTER_RULE = 5.6  # thin navy rule
_BAND_OUT, _BAND_IN = 7.75, 17.25  # navy band carrying the braided guilloche
_BAND_MID = (_BAND_OUT + _BAND_IN) / 2
_CORNER = 17.0  # corner medallion side, centred on the band's corners
_INNER_RULE = 18.875  # gold rule (centre line)
_WATERMARK_CENTRE = (PAGE_W_MM / 2, 104.0)

#: Centre of the ornament under the title (mm); the cycle title is placed just below it.
DIVIDER_CENTRE = (PAGE_W_MM / 2, 50.35)
#: Where the tier seal is drawn (centre x, centre y, diameter), mm; the CSS leaves this room.
SEAL_BOX = (246.0, 165.0, 24.0)
#: Width of the signatories' band in the footer (see .signatories in certificate.css), mm.
_SIGNATORIES_WIDTH = 125.0


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class _Ops:
    """A tiny PDF content-stream writer (coordinates in the form's millimetre space)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def colour(self, rgb: tuple[int, int, int], *, stroke: bool) -> None:
        r, g, b = (_num(c / 255) for c in rgb)
        self.lines.append(f"{r} {g} {b} {'RG' if stroke else 'rg'}")

    def width(self, mm: float) -> None:
        self.lines.append(f"{_num(mm)} w")

    def smooth(self, points: Sequence[tuple[float, float]], *, closed: bool) -> None:
        """A smooth cubic Bézier path through the points (Catmull-Rom spline), then stroke."""
        n = len(points)
        out = [f"{_num(points[0][0])} {_num(points[0][1])} m"]
        for i in range(n if closed else n - 1):
            p0 = points[(i - 1) % n] if (closed or i > 0) else points[0]
            p1, p2 = points[i % n], points[(i + 1) % n]
            p3 = points[(i + 2) % n] if (closed or i + 2 < n) else points[-1]
            out.append(
                f"{_num(p1[0] + (p2[0] - p0[0]) / 6)} {_num(p1[1] + (p2[1] - p0[1]) / 6)} "
                f"{_num(p2[0] - (p3[0] - p1[0]) / 6)} {_num(p2[1] - (p3[1] - p1[1]) / 6)} "
                f"{_num(p2[0])} {_num(p2[1])} c"
            )
        out.append("s" if closed else "S")
        self.lines.append("\n".join(out))

    def rect(self, x: float, y: float, w: float, h: float, op: str) -> None:
        self.lines.append(f"{_num(x)} {_num(y)} {_num(w)} {_num(h)} re {op}")

    def circle(self, cx: float, cy: float, r: float, op: str) -> None:
        k = 0.5523 * r
        self.lines.append(
            f"{_num(cx + r)} {_num(cy)} m "
            f"{_num(cx + r)} {_num(cy + k)} {_num(cx + k)} {_num(cy + r)} {_num(cx)} {_num(cy + r)} c "
            f"{_num(cx - k)} {_num(cy + r)} {_num(cx - r)} {_num(cy + k)} {_num(cx - r)} {_num(cy)} c "
            f"{_num(cx - r)} {_num(cy - k)} {_num(cx - k)} {_num(cy - r)} {_num(cx)} {_num(cy - r)} c "
            f"{_num(cx + k)} {_num(cy - r)} {_num(cx + r)} {_num(cy - k)} {_num(cx + r)} {_num(cy)} c {op}"
        )

    def polygon(self, points: Sequence[tuple[float, float]], op: str) -> None:
        first, *rest = points
        self.lines.append(
            f"{_num(first[0])} {_num(first[1])} m "
            + " ".join(f"{_num(x)} {_num(y)} l" for x, y in rest)
            + f" h {op}"
        )

    def data(self) -> bytes:
        return "\n".join(self.lines).encode("ascii")


def _rosette(
    ops: _Ops,
    cx: float,
    cy: float,
    radius: float,
    depth: float,
    lobes: int,
    strands: int,
    *,
    per_lobe: int = 6,
) -> None:
    """Closed guilloche rosette curves r(t) = radius + depth * sin(lobes * t + phase)."""
    samples = lobes * per_lobe
    for k in range(strands):
        phase = 2 * math.pi * k / strands
        pts = []
        for j in range(samples):
            t = 2 * math.pi * j / samples
            r = radius + depth * math.sin(lobes * t + phase)
            pts.append((cx + r * math.cos(t), cy + r * math.sin(t)))
        ops.smooth(pts, closed=True)


def _band(ops: _Ops, start: float, end: float, *, vertical: bool, offset: float) -> None:
    """Braided sine waves along one side of the frame, centred on the band."""
    length = end - start
    periods = max(1, round(length / 12.0))
    period = length / periods
    families = (
        # (frequency, amplitude mm, strands, colour, line width mm)
        (1, 3.1, 4, _GOLD, 0.22),
        (2, 1.6, 3, _BLUE_LINE, 0.14),
        (1, 1.2, 2, _GOLD_LIGHT, 0.12),
    )
    for freq, amp, strands, colour, width in families:
        ops.colour(colour, stroke=True)
        ops.width(width)
        steps = 8 * freq * periods
        for k in range(strands):
            phase = 2 * math.pi * k / strands
            pts = []
            for j in range(steps + 1):
                s = start + length * j / steps
                d = offset + amp * math.sin(2 * math.pi * freq * (s - start) / period + phase)
                pts.append((d, s) if vertical else (s, d))
            ops.smooth(pts, closed=False)


def _corner_ops() -> _Ops:
    """One corner medallion, centred on (0, 0): navy square, gold rosette, blue inner rosette."""
    ops, h = _Ops(), _CORNER / 2
    ops.colour(_NAVY, stroke=False)
    ops.rect(-h, -h, _CORNER, _CORNER, "f")
    ops.colour(_GOLD, stroke=True)
    ops.width(0.3)
    ops.rect(-h + 0.7, -h + 0.7, _CORNER - 1.4, _CORNER - 1.4, "S")
    ops.width(0.2)
    _rosette(ops, 0, 0, 5.6, 1.6, 12, 3)
    ops.colour(_BLUE_LINE, stroke=True)
    ops.width(0.16)
    _rosette(ops, 0, 0, 3.0, 0.9, 8, 2, per_lobe=5)
    ops.colour(_GOLD, stroke=False)
    ops.circle(0, 0, 0.9, "f")
    return ops


def _frame_ops() -> _Ops:
    """Paper, rules, bands, watermark, title ornament; corners are drawn by the /TandisCorner form."""
    ops = _Ops()
    ops.lines.append("1 J 1 j")  # round caps and joins
    ops.colour(_PAPER, stroke=False)
    ops.rect(0, 0, PAGE_W_MM, PAGE_H_MM, "f")
    # Watermark rosette behind the text.
    cx, cy = _WATERMARK_CENTRE
    ops.colour(_WATERMARK, stroke=True)
    ops.width(0.3)
    _rosette(ops, cx, cy, 51.0, 7.4, 36, 3, per_lobe=5)
    ops.width(0.25)
    _rosette(ops, cx, cy, 33.0, 5.0, 24, 2, per_lobe=5)
    # Outer navy rule.
    ops.colour(_NAVY, stroke=True)
    ops.width(0.45)
    o = _OUTER_RULE + 0.225
    ops.rect(o, o, PAGE_W_MM - 2 * o, PAGE_H_MM - 2 * o, "S")
    # Navy bands.
    ops.colour(_NAVY, stroke=False)
    t = _BAND_IN - _BAND_OUT
    ops.rect(_BAND_OUT, _BAND_OUT, PAGE_W_MM - 2 * _BAND_OUT, t, "f")
    ops.rect(_BAND_OUT, PAGE_H_MM - _BAND_IN, PAGE_W_MM - 2 * _BAND_OUT, t, "f")
    ops.rect(_BAND_OUT, _BAND_OUT, t, PAGE_H_MM - 2 * _BAND_OUT, "f")
    ops.rect(PAGE_W_MM - _BAND_IN, _BAND_OUT, t, PAGE_H_MM - 2 * _BAND_OUT, "f")
    # Guilloche on the bands, between the corner medallions.
    c = _BAND_MID + _CORNER / 2 - 1
    _band(ops, c, PAGE_W_MM - c, vertical=False, offset=_BAND_MID)
    _band(ops, c, PAGE_W_MM - c, vertical=False, offset=PAGE_H_MM - _BAND_MID)
    _band(ops, c, PAGE_H_MM - c, vertical=True, offset=_BAND_MID)
    _band(ops, c, PAGE_H_MM - c, vertical=True, offset=PAGE_W_MM - _BAND_MID)
    # Inner rules: navy hairline, then gold.
    ops.colour(_NAVY, stroke=True)
    ops.width(0.2)
    i = _BAND_IN + 0.55
    ops.rect(i, i, PAGE_W_MM - 2 * i, PAGE_H_MM - 2 * i, "S")
    ops.colour(_GOLD, stroke=True)
    ops.width(0.55)
    ops.rect(_INNER_RULE, _INNER_RULE, PAGE_W_MM - 2 * _INNER_RULE, PAGE_H_MM - 2 * _INNER_RULE, "S")
    _divider_ops(ops)
    # Corner medallions.
    for x in (_BAND_MID, PAGE_W_MM - _BAND_MID):
        for y in (_BAND_MID, PAGE_H_MM - _BAND_MID):
            ops.lines.append(f"q 1 0 0 1 {_num(x)} {_num(y)} cm /TandisCorner Do Q")
    return ops


def _seal_ops(*, gold: bool) -> _Ops:
    """The tier seal at SEAL_BOX: a rosette medallion, gold for the national statuette."""
    cx, cy, size = SEAL_BOX
    s = size / 30.0  # designed on a 30 mm grid
    fill, line, inner = (_SEAL_GOLD_FILL, _GOLD_DARK, _GOLD) if gold else (_SEAL_BLUE_FILL, _NAVY, _BLUE_LINE)
    ops = _Ops()
    ops.lines.append("1 J 1 j")
    ops.colour(fill, stroke=False)
    ops.colour(line, stroke=True)
    ops.width(0.5 * s)
    ops.circle(cx, cy, 14.6 * s, "B")
    ops.width(0.2 * s)
    ops.circle(cx, cy, 13.4 * s, "S")
    ops.colour(inner, stroke=True)
    ops.width(0.22 * s)
    _rosette(ops, cx, cy, 10.2 * s, 2.2 * s, 16, 3)
    star = []
    for j in range(16):
        r = (6.2 if j % 2 == 0 else 2.8) * s
        t = math.pi * j / 8 - math.pi / 2
        star.append((cx + r * math.cos(t), cy + r * math.sin(t)))
    ops.colour(line, stroke=False)
    ops.polygon(star, "f")
    ops.colour(fill, stroke=False)
    ops.circle(cx, cy, 1.6 * s, "f")
    return ops


@lru_cache(maxsize=1)
def _decor_streams() -> dict[str, bytes]:
    """The compressed content of each decoration form, computed once per process."""
    streams = {
        "TandisCorner": _corner_ops().data(),
        "TandisFrame": _frame_ops().data(),
        "TandisSealGold": _seal_ops(gold=True).data(),
        "TandisSealCertificate": _seal_ops(gold=False).data(),
    }
    return {name: zlib.compress(data, 9) for name, data in streams.items()}


def _add_decor_forms(pdf: pydyf.PDF) -> dict[str, bytes]:
    """Add the decoration forms to a pydyf PDF; return name -> object reference."""
    streams = _decor_streams()
    k = _PT_PER_MM
    page_matrix = pydyf.Array((k, 0, 0, -k, 0, PAGE_H_MM * k))
    refs: dict[str, bytes] = {}

    def add(name: str, bbox: tuple[float, ...], matrix, resources=None) -> None:
        extra = {
            "Type": "/XObject",
            "Subtype": "/Form",
            "BBox": pydyf.Array(bbox),
            "Matrix": matrix,
            "Filter": "/FlateDecode",
        }
        if resources is not None:
            extra["Resources"] = resources
        form = pydyf.Stream([streams[name]], pydyf.Dictionary(extra), compress=False)
        pdf.add_object(form)
        refs[name] = form.reference

    h = _CORNER / 2
    add("TandisCorner", (-h, -h, h, h), pydyf.Array((1, 0, 0, 1, 0, 0)))
    full = (0, 0, PAGE_W_MM, PAGE_H_MM)
    corner_resources = pydyf.Dictionary({"XObject": pydyf.Dictionary({"TandisCorner": refs["TandisCorner"]})})
    add("TandisFrame", full, page_matrix, corner_resources)
    add("TandisSealGold", full, page_matrix)
    add("TandisSealCertificate", full, page_matrix)
    return refs


def _decorate(pdf: pydyf.PDF, plan: _Plan, qr_boxes: Sequence[tuple[float, float, float]]) -> None:
    """WeasyPrint finisher: turn the stamp pages into forms, then finish each certificate page.

    The first ``plan.stamp_count`` pages hold the shared text (see ``_Plan``).  Each becomes a
    form XObject (its content stream is kept as is, with a bounding box and resources added) and
    leaves the page tree.  Every certificate page then draws, behind its own content, the frame,
    its tier seal and its stamp, and over it the QR code (``_qr_ops``).
    """
    refs = _add_decor_forms(pdf)
    numbers = pdf.pages["Kids"][::3]
    if len(numbers) != plan.stamp_count + len(plan.tiers) or len(qr_boxes) != len(plan.tiers):
        raise ValueError("page count does not match the certificates")
    # WeasyPrint shares one resource dictionary between pages; "Tandis*" names cannot clash with
    # its own (which are short generated ids).
    resources = pdf.objects[int(pdf.objects[numbers[0]]["Resources"].split()[0])]
    # The stamps' resources: fonts, images (signatures), colour spaces... but not the forms, so
    # that no form can name itself.
    stamp_resources = pydyf.Dictionary({**resources, "XObject": pydyf.Dictionary(resources["XObject"])})
    pdf.add_object(stamp_resources)
    stamp_names = []
    for index, number in enumerate(numbers[: plan.stamp_count]):
        page = pdf.objects[number]
        if "Annots" in page:
            raise RuntimeError("a stamp page must not carry links")
        form = pdf.objects[int(page["Contents"].split()[0])]
        form.extra.update(
            {"Type": "/XObject", "Subtype": "/Form", "BBox": page["MediaBox"], "Resources": stamp_resources.reference}
        )
        # No longer a page.  Its object number stays taken (pydyf 0.13 miscounts free objects in
        # compressed object streams), so it is left as an empty, unreferenced dictionary.
        page.clear()
        name = f"TandisStamp{index}"
        refs[name] = form.reference
        stamp_names.append(name)
    for name, ref in refs.items():
        resources["XObject"][name] = ref
    pdf.pages["Kids"] = pydyf.Array(pdf.pages["Kids"][3 * plan.stamp_count :])
    pdf.pages["Count"] = len(plan.tiers)
    for number, tier, stamp, url, box in zip(
        numbers[plan.stamp_count :], plan.tiers, plan.stamps, plan.verify_urls, qr_boxes, strict=True
    ):
        page = pdf.objects[number]
        seal = "TandisSealGold" if tier == GOLD else "TandisSealCertificate"
        content = pdf.objects[int(page["Contents"].split()[0])]
        page_height = float(page["MediaBox"][3])
        content.stream[:] = [
            f"q /TandisFrame Do /{seal} Do /{stamp_names[stamp]} Do Q q".encode("ascii"),
            *content.stream,
            b"Q",
            _qr_ops(url, box, page_height=page_height),
        ]
    _add_outline(pdf, numbers[plan.stamp_count :], plan.recipients)


def _add_outline(pdf: pydyf.PDF, page_numbers: Sequence[int], titles: Sequence[str]) -> None:
    """A flat outline (bookmarks): one entry per certificate, named by its recipient, so that an
    organizer can find one page in a long print file.  (WeasyPrint 70 does not collect bookmarks
    inside absolutely positioned boxes, where all certificate text is.)"""
    root = pydyf.Dictionary({"Type": "/Outlines", "Count": len(titles)})
    pdf.add_object(root)
    entries = []
    for number, title in zip(page_numbers, titles, strict=True):
        page = pdf.objects[number]
        entry = pydyf.Dictionary(
            {
                "Title": pydyf.String(title),
                "Parent": root.reference,
                "Dest": pydyf.Array((page.reference, "/XYZ", 0, page["MediaBox"][3], 0)),
            }
        )
        pdf.add_object(entry)
        if entries:
            entry["Prev"] = entries[-1].reference
            entries[-1]["Next"] = entry.reference
        entries.append(entry)
    root["First"], root["Last"] = entries[0].reference, entries[-1].reference
    pdf.catalog["Outlines"] = root.reference


def _qr_ops(url: str, box: tuple[float, float, float], *, page_height: float) -> bytes:
    """PDF operators drawing the QR code of ``url`` in a square box (x, y, side in CSS px from the
    top left), white, with the 4-module quiet zone, dark modules as one filled path of rectangles:
    vector like an SVG, but without WeasyPrint parsing and redrawing an image on every page."""
    matrix = make_qr(url).matrix
    x, y, side = box
    module = side / (len(matrix) + 8)
    ops = [
        f"q 0.75 0 0 -0.75 0 {_num(page_height)} cm",
        f"{_colour(_QR_LIGHT)} rg {_num(x)} {_num(y)} {_num(side)} {_num(side)} re f",
        f"{_colour(_QR_DARK)} rg",
    ]
    # Edges are rounded once and shared by neighbours, so rows and runs tile without hairlines.
    def edge(origin: float, count: int) -> float:
        return round(origin + (4 + count) * module, 3)

    for row_index, row in enumerate(matrix):
        top, bottom = edge(y, row_index), edge(y, row_index + 1)
        column, width = 0, len(row)
        while column < width:
            if not row[column]:
                column += 1
                continue
            run = column
            while column < width and row[column]:
                column += 1
            left, right = edge(x, run), edge(x, column)
            ops.append(f"{left:.3f} {top:.3f} {right - left:.3f} {bottom - top:.3f} re")
    ops.append("f Q")
    return "\n".join(ops).encode("ascii")


def _colour(hex_colour: str) -> str:
    value = hex_colour.lstrip("#")
    return " ".join(_num(int(value[i : i + 2], 16) / 255) for i in (0, 2, 4))


def _divider_ops(ops: _Ops) -> None:
    """The ornament under the title: tapering gold rules with a central navy and gold lozenge."""
    c, m = DIVIDER_CENTRE
    half = 55.0
    ops.colour(_GOLD, stroke=False)
    ops.polygon([(c - half + 4, m), (c - 9, m - 0.35), (c - 9, m + 0.35)], "f")
    ops.polygon([(c + half - 4, m), (c + 9, m - 0.35), (c + 9, m + 0.35)], "f")
    for x, r in ((c - half + 2.6, 0.8), (c + half - 2.6, 0.8), (c - 7.2, 0.9), (c + 7.2, 0.9)):
        ops.circle(x, m, r, "f")
    ops.colour(_NAVY, stroke=False)
    ops.polygon([(c, m - 2.8), (c + 5, m), (c, m + 2.8), (c - 5, m)], "f")
    ops.colour(_GOLD, stroke=False)
    ops.polygon([(c, m - 1.6), (c + 2.9, m), (c, m + 1.6), (c - 2.9, m)], "f")


@lru_cache(maxsize=1)
def frame_stylesheet() -> str:
    """Generated CSS: positions of what sits next to the drawn ornaments (see certificate.css)."""
    cx, cy, size = SEAL_BOX
    return "\n".join(
        (
            f".cycle {{ top: {_num(DIVIDER_CENTRE[1] + 3.5)}mm; }}",
            f".tier {{ left: {_num(cx - 27)}mm; top: {_num(cy + size / 2 + 1.2)}mm; width: 54mm; }}",
            *_signatory_rules(),
        )
    )


def _signatory_rules() -> list[str]:
    """Absolute positions of 1..MAX_SIGNATORIES signatories, first on the right (no table layout:
    WeasyPrint's tables are slow and its RTL flex/auto margins misplace boxes)."""
    rules = []
    for count in range(1, MAX_SIGNATORIES + 1):
        slot = _SIGNATORIES_WIDTH / count
        width = min(62.0, slot - 2)
        for index in range(count):
            centre = _SIGNATORIES_WIDTH - (index + 0.5) * slot
            rules.append(
                f".count-{count} .signatory:nth-child({index + 1}) "
                f"{{ left: {_num(centre - width / 2)}mm; width: {_num(width)}mm; }}"
            )
    return rules


# ---------------------------------------------------------------------------------------------
# Renderer
# ---------------------------------------------------------------------------------------------


# PDF/A needs an output intent.  Asked for "srgb", WeasyPrint 70 opens its bundled sRGB2014.icc
# on every write_pdf and never closes the file (a ResourceWarning each time); so the same profile
# is read once here and handed over under another name, which WeasyPrint then uses as is.
_OUTPUT_INTENT = "tandis-srgb"


@lru_cache(maxsize=1)
def _srgb_icc() -> bytes:
    return (importlib.resources.files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()


def _srgb_profiles() -> dict[str, ColorProfile]:
    """A fresh colour-profile map per document (WeasyPrint stores PDF references on it)."""
    profile = ColorProfile(
        io.BytesIO(_srgb_icc()), "sRGB2014.icc", "relative-colorimetric", (["r"], ["g"], ["b"])
    )
    return {_OUTPUT_INTENT: profile}


def _boxes(box):
    """Every box of a WeasyPrint 70 layout tree, including those inside absolutely positioned
    boxes (whose placeholders ``descendants()`` does not enter; they delegate ``children``)."""
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def _check_fits(document, *, stamp_count: int) -> list[tuple[float, float, float]]:
    """Refuse a certificate page whose body (<main>) runs into the signatures (<footer>); return
    each certificate page's QR box (x, y, side in CSS px from the page's top left).

    Both are absolutely positioned, so an over-long citation would not spill onto a new page: it
    would silently overprint the signatures and the QR code.  Stamp pages are not checked: their
    text is short and fixed.
    """
    qr_boxes = []
    for number, page in enumerate(document.pages[stamp_count:], start=1):
        main_bottom = footer_top = qr_box = None
        for box in _boxes(page._page_box):
            if box.element_tag == "main":
                main_bottom = box.position_y + box.margin_height()
            elif box.element_tag == "footer":
                footer_top = box.position_y
            elif box.element_tag == "div" and box.element.get("class") == "qr":
                qr_box = (box.content_box_x(), box.content_box_y(), min(box.width, box.height))
        if main_bottom is None or footer_top is None or qr_box is None:
            raise RuntimeError('certificate template must have <main>, <footer> and <div class="qr">')
        if main_bottom > footer_top + 0.5:
            raise ValueError(f"certificate layout overflow on page {number}: the citation is too long")
        qr_boxes.append(qr_box)
    return qr_boxes


def _w3c_datetime(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class CertificateRenderer:
    """Renders certificates; holds a FontConfiguration and the pre-parsed CSS (one per process).

    Not thread-safe (WeasyPrint's font configuration is not): use one renderer per thread or
    serialise calls.
    """

    def __init__(self, *, static_dir: Path, template_dir: Path) -> None:
        self.static_dir = Path(os.path.realpath(static_dir))
        self.template_dir = Path(template_dir)
        self._base_url = path2url(str(self.static_dir))  # a directory: ends with "/"
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(self.template_dir)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._template = self._env.get_template(TEMPLATE_NAME)
        self.load_styles()

    def load_styles(self) -> None:
        """(Re)build the FontConfiguration and parse the stylesheets (done once, in ``__init__``)."""
        self._font_config = FontConfiguration()
        fetcher = StaticOnlyURLFetcher(self.static_dir)
        stylesheet_url = path2url(str(self.static_dir / STYLESHEET_PATH))
        self._stylesheets = (
            CSS(url=stylesheet_url, url_fetcher=fetcher, font_config=self._font_config),
            CSS(
                string=frame_stylesheet(),
                base_url=self._base_url,
                url_fetcher=fetcher,
                font_config=self._font_config,
            ),
        )
        if fetcher.refused:
            raise RuntimeError(f"certificate stylesheet resources refused: {fetcher.refused}")

    # -- HTML ----------------------------------------------------------------------------------

    def _signature_src(self, uri: str | None) -> str | None:
        if not uri:
            return None
        if uri.startswith("data:"):
            return uri
        if "://" in uri or uri.startswith(("/", "\\")) or ":" in uri.split("/", 1)[0]:
            raise ValueError(f"signature image must be a data: URI or a path under static/: {uri!r}")
        real = os.path.realpath(self.static_dir / uri)
        if os.path.commonpath((real, str(self.static_dir))) != str(self.static_dir):
            raise ValueError(f"signature image outside static/: {uri!r}")
        return path2url(real)

    def _stamp_context(self, data: CertificateData) -> dict[str, object]:
        return {
            "tier": data.tier,
            "tier_text": TIER_TEXT[data.tier],
            "cycle_title": to_persian_digits(data.cycle_title.strip()),
            "ceremony_date": format_jalali_date(data.ceremony_date, long=True),
            "signatories": [
                {"name": s.name, "title": s.title, "signature_src": self._signature_src(s.signature_uri)}
                for s in data.signatories
            ],
        }

    @staticmethod
    def _page_context(data: CertificateData) -> dict[str, object]:
        _refuse_revoked([data])
        citation = " ".join(data.citation.split())
        if len(citation) > _LONGEST_CITATION:
            citation_class = "citation citation-very-long citation-longest"
        elif len(citation) > _VERY_LONG_CITATION:
            citation_class = "citation citation-very-long"
        elif len(citation) > _LONG_CITATION:
            citation_class = "citation citation-long"
        else:
            citation_class = "citation"
        return {
            "serial": data.serial,
            # About 20 characters fit the serial's column at full size; longer ones are set smaller.
            "serial_pt": _num(max(4.5, 190 / len(data.serial))) if len(data.serial) > 20 else None,
            "verify_url": data.verify_url,
            "recipient_line": data.recipient_line.strip(),
            "recipient_title": data.recipient_title.strip(),
            "nominee_name": data.nominee_name.strip(),
            "category_title": data.category_title.strip(),
            "citation": citation,
            "citation_class": citation_class,
        }

    def _plan(self, items: Sequence[CertificateData], *, title: str | None = None) -> _Plan:
        if not items:
            raise ValueError("nothing to render")
        pages = [self._page_context(item) for item in items]
        stamp_of: dict[tuple, int] = {}
        stamps: list[dict[str, object]] = []
        stamp_indices = []
        for item in items:
            key = _stamp_key(item)
            if key not in stamp_of:
                stamp_of[key] = len(stamps)
                stamps.append(self._stamp_context(item))
            stamp_indices.append(stamp_of[key])
        issued = max(item.issued_at for item in items)
        if title is None:
            title = f"لوح تقدیر — {items[0].recipient_line.strip()}"
            if len(items) > 1:
                title = f"لوح‌های تقدیر — {to_persian_digits(items[0].cycle_title.strip())}"
        html = self._template.render(stamps=stamps, pages=pages, title=title, issued=_w3c_datetime(issued))
        return _Plan(
            html=html,
            stamp_count=len(stamps),
            stamps=tuple(stamp_indices),
            tiers=tuple(item.tier for item in items),
            verify_urls=tuple(item.verify_url for item in items),
            recipients=tuple(item.recipient_line.strip() for item in items),
        )

    def render_html(self, items: Sequence[CertificateData], *, title: str | None = None) -> str:
        """The HTML of one document: the shared stamps, then one page per certificate (autoescaped)."""
        return self._plan(items, title=title).html

    # -- PDF -----------------------------------------------------------------------------------

    def _write_pdf(self, items: Sequence[CertificateData], target=None) -> bytes | None:
        return self._write(self._plan(items), target)

    def _write(self, plan: _Plan, target=None) -> bytes | None:
        """Lay out the plan's HTML and write the decorated PDF/A-3b."""
        fetcher = StaticOnlyURLFetcher(self.static_dir)  # a new fetcher for every render
        document = HTML(string=plan.html, base_url=self._base_url, url_fetcher=fetcher).render(
            font_config=self._font_config,
            color_profiles=_srgb_profiles(),
            stylesheets=list(self._stylesheets),
            presentational_hints=False,
            pdf_variant=PDF_VARIANT,
            output_intent=_OUTPUT_INTENT,
        )
        expected = plan.stamp_count + len(plan.tiers)
        if len(document.pages) != expected:
            raise ValueError(
                f"certificate layout overflow: {len(document.pages)} pages where {expected} were expected "
                "(citation too long?)"
            )
        qr_boxes = _check_fits(document, stamp_count=plan.stamp_count)
        document.metadata.attachments = []  # never embed anything, whatever the HTML says
        return document.write_pdf(
            target,
            finisher=lambda _document, pdf: _decorate(pdf, plan, qr_boxes),
            pdf_variant=PDF_VARIANT,
            output_intent=_OUTPUT_INTENT,
            presentational_hints=False,
        )

    def render_one(self, data: CertificateData) -> bytes:
        """One certificate as PDF/A-3b bytes; the same data always gives the same bytes."""
        return self._write_pdf([data])

    def render_many(self, items: Sequence[CertificateData]) -> bytes:
        """Several certificates in one PDF, one page each, in order (fonts embedded once)."""
        return self._write_pdf(list(items))

    def render_to_file(self, items: Sequence[CertificateData], *, out_path: Path) -> int:
        """Like :meth:`render_many` but writes to a file; returns the page count."""
        items = list(items)
        self._write_pdf(items, target=str(out_path))
        return len(items)

    def render_many_chunked(
        self,
        items: Sequence[CertificateData],
        *,
        chunk_size: int = 50,
        out_path: Path,
        workers: int = 2,
        progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Bulk path: render chunks in ``workers`` processes, merge into ``out_path``; return pages.

        A chunk holds at most ``chunk_size`` certificates (this bounds each worker's memory); the
        number of chunks is rounded up to a multiple of ``workers`` and their sizes evened out so
        that the workers finish together.  Each worker process (started with "spawn": no state is
        inherited from a possibly threaded parent) builds its own renderer once.  Chunks are
        copied into ``out_path`` in order as they arrive, object by object (``pdfmerge``: this
        process's memory does not grow with the page count).  ``progress(done, total)`` is called in this
        process after each chunk, counting certificates.  Revoked items are refused before any
        work starts.  In a daemonic process (which may not have children, e.g. a huey worker
        started with ``-k process``) the chunks are rendered in this process instead.  The merged
        file is for printing: unlike :meth:`render_one`'s output it is not declared PDF/A.
        """
        items = list(items)
        if chunk_size < 1 or workers < 1:
            raise ValueError("chunk_size and workers must be positive")
        if not items:
            raise ValueError("nothing to render")
        _refuse_revoked(items)
        chunks = _even_chunks(items, chunk_size, workers)
        total = len(items)
        out_path = Path(out_path)
        with tempfile.TemporaryDirectory(prefix="certificates-", dir=out_path.parent) as tmp:
            jobs = [
                (index, chunk, str(Path(tmp) / f"chunk-{index:05d}.pdf"))
                for index, chunk in enumerate(chunks)
            ]
            title = f"لوح‌های تقدیر — {to_persian_digits(items[0].cycle_title.strip())}"
            merger = _OrderedMerger([job[2] for job in jobs], out_path=out_path, title=title)
            done = 0
            # A daemonic process (e.g. a huey "-k process" worker) may not start children: render
            # in this process then, rather than fail.
            if workers == 1 or len(jobs) == 1 or multiprocessing.current_process().daemon:
                results = (_render_chunk_with(self, job) for job in jobs)
                pool = None
            else:
                pool = multiprocessing.get_context("spawn").Pool(
                    processes=min(workers, len(jobs)),
                    initializer=_init_worker,
                    initargs=(str(self.static_dir), str(self.template_dir)),
                )
                results = pool.imap_unordered(_render_chunk_in_worker, jobs)
            try:
                for index, count in results:
                    merger.done(index)
                    done += count
                    if progress:
                        progress(done, total)
                return merger.close()
            except BaseException:
                merger.abort()
                if pool is not None:
                    pool.terminate()
                raise
            finally:
                if pool is not None:
                    pool.close()
                    pool.join()

    def render_each(self, items: Sequence[CertificateData], *, workers: int = 1) -> Iterator[bytes]:
        """:meth:`render_one` for each item, in order, lazily.

        Each PDF is a document of its own (fonts embedded in each), so this costs what the
        per-document path costs; from ``_POOL_MIN_ITEMS`` items on, and with ``workers`` > 1, the
        work is shared by a pool of processes (as in :meth:`render_many_chunked`).  Revoked items
        are refused before any work starts.
        """
        items = list(items)
        _refuse_revoked(items)
        if workers <= 1 or len(items) < _POOL_MIN_ITEMS or multiprocessing.current_process().daemon:
            for item in items:
                yield self.render_one(item)
            return
        pool = multiprocessing.get_context("spawn").Pool(
            processes=workers, initializer=_init_worker, initargs=(str(self.static_dir), str(self.template_dir))
        )
        try:
            yield from pool.imap(_render_one_in_worker, items, chunksize=max(1, min(16, len(items) // (4 * workers))))
        finally:
            pool.terminate()
            pool.join()

    def render_zip(
        self,
        items: Sequence[CertificateData],
        *,
        out_path: Path | None = None,
        workers: int = 1,
        progress: Callable[[int, int], None] | None = None,
    ) -> bytes | None:
        """A ZIP holding one PDF/A per certificate, named ``<serial>.pdf`` and dated by its issue
        (deterministic); see :meth:`render_each` for ``workers``.  ``progress(done, total)`` is
        called after each certificate.

        Returns the ZIP bytes, or writes them to ``out_path`` and returns None.
        """
        items = list(items)
        serials = [item.serial for item in items]
        if len(set(serials)) != len(serials):
            raise ValueError("duplicate serial numbers")
        buffer = io.BytesIO() if out_path is None else open(out_path, "wb")  # noqa: SIM115
        try:
            with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
                pdfs = self.render_each(items, workers=workers)
                for done, (item, pdf) in enumerate(zip(items, pdfs, strict=True), start=1):
                    issued = item.issued_at.astimezone(datetime.UTC)
                    info = zipfile.ZipInfo(f"{item.serial}.pdf", date_time=issued.timetuple()[:6])
                    info.external_attr = 0o644 << 16
                    archive.writestr(info, pdf)
                    if progress:
                        progress(done, len(items))
            return buffer.getvalue() if out_path is None else None
        finally:
            buffer.close()


# ---------------------------------------------------------------------------------------------
# Bulk helpers (module level so that they pickle into worker processes)
# ---------------------------------------------------------------------------------------------

_WORKER_RENDERER: CertificateRenderer | None = None


def _init_worker(static_dir: str, template_dir: str) -> None:
    global _WORKER_RENDERER
    _WORKER_RENDERER = CertificateRenderer(static_dir=Path(static_dir), template_dir=Path(template_dir))


def _render_chunk_with(renderer: CertificateRenderer, job) -> tuple[int, int]:
    index, chunk, path = job
    return index, renderer.render_to_file(chunk, out_path=Path(path))


def _render_chunk_in_worker(job) -> tuple[int, int]:
    assert _WORKER_RENDERER is not None, "worker not initialised"
    return _render_chunk_with(_WORKER_RENDERER, job)


def _render_one_in_worker(item: CertificateData) -> bytes:
    assert _WORKER_RENDERER is not None, "worker not initialised"
    return _WORKER_RENDERER.render_one(item)


def _even_chunks(items: list, chunk_size: int, workers: int) -> list[list]:
    """Split items into chunks of at most chunk_size, in a multiple of `workers`, sizes within 1."""
    count = math.ceil(len(items) / chunk_size)
    if workers > 1 and count > 1:
        count = min(len(items), math.ceil(count / workers) * workers)
    size, extra = divmod(len(items), count)
    chunks, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        chunks.append(items[start:end])
        start = end
    return chunks


class _OrderedMerger:
    """Append chunk PDFs to the output in order, as soon as each next one is finished (streaming:
    see ``pdfmerge``), deleting each chunk once copied."""

    def __init__(self, paths: Sequence[str], *, out_path: Path, title: str) -> None:
        self._paths = list(paths)
        self._finished: set[int] = set()
        self._next = 0
        self._output = PdfConcatenator(out_path, title=title)

    def done(self, index: int) -> None:
        self._finished.add(index)
        while self._next in self._finished:
            path = self._paths[self._next]
            self._output.append(path)
            os.remove(path)
            self._next += 1

    def close(self) -> int:
        if self._next != len(self._paths):
            raise RuntimeError("not every chunk was rendered")
        return self._output.close()

    def abort(self) -> None:
        self._output.abort()
