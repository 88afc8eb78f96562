"""The renderer: certificate data → HTML (Jinja, autoescaped) → WeasyPrint layout → PDF/A-3b.

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
  drawn once per document as PDF form XObjects that every page references (``ornaments``,
  ``postprocess``);
* the text every certificate of a tier shares (title, basmala, date, signatories, captions) is
  laid out once per document on a *stamp* page, which becomes a form too (``data.Plan``);
* the QR code is drawn by ``qr.qr_ops`` as a vector path from segno's matrix, not as an SVG image
  that WeasyPrint would parse and draw on every page.

Bulk printing (:meth:`render_many_chunked`, :meth:`render_each`, :meth:`render_zip`) comes from
``bulk.BulkRendering``.

Layout notes (WeasyPrint 70): auto margins and flex items are misplaced in right-to-left boxes,
so the page geometry is laid out left to right and each text block sets ``direction: rtl``; the
blocks are absolutely positioned, so an over-long citation cannot paginate and is caught by
``_check_fits`` instead.
"""

from __future__ import annotations

import datetime
import importlib.resources
import io
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import jinja2
from weasyprint import CSS, HTML
from weasyprint.css import ColorProfile
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import path2url

from awards.certificates.render.bulk import BulkRendering
from awards.certificates.render.data import HEADING, TIER_TEXT, CertificateData, Plan, refuse_revoked, stamp_key
from awards.certificates.render.fetcher import StaticOnlyURLFetcher
from awards.certificates.render.ornaments import frame_stylesheet, num
from awards.certificates.render.postprocess import decorate
from awards.persian import format_jalali_date, to_persian_digits

__all__ = ["PDF_VARIANT", "CertificateRenderer"]

PDF_VARIANT = "pdf/a-3b"
TEMPLATE_NAME = "certificates/certificate.html"
STYLESHEET_PATH = "css/certificate.css"

# Above this many characters the citation is set a size smaller so that it stays on one page.
_LONG_CITATION = 420
_VERY_LONG_CITATION = 620
_LONGEST_CITATION = 740


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


class CertificateRenderer(BulkRendering):
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
            "heading": HEADING[data.tier],
            "cycle_title": to_persian_digits(data.cycle_title.strip()),
            "issuer": data.issuer.strip(),
            "ceremony_date": format_jalali_date(data.ceremony_date, long=True),
            "signatories": [
                {"name": s.name, "title": s.title, "signature_src": self._signature_src(s.signature_uri)}
                for s in data.signatories
            ],
        }

    @staticmethod
    def _page_context(data: CertificateData) -> dict[str, object]:
        refuse_revoked([data])
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
            "serial_pt": num(max(4.5, 190 / len(data.serial))) if len(data.serial) > 20 else None,
            "verify_url": data.verify_url,
            "recipient_line": data.recipient_line.strip(),
            "recipient_title": data.recipient_title.strip(),
            "nominee_name": data.nominee_name.strip(),
            "category_title": data.category_title.strip(),
            "citation": citation,
            "citation_class": citation_class,
        }

    def _plan(self, items: Sequence[CertificateData], *, title: str | None = None) -> Plan:
        if not items:
            raise ValueError("nothing to render")
        pages = [self._page_context(item) for item in items]
        stamp_of: dict[tuple, int] = {}
        stamps: list[dict[str, object]] = []
        stamp_indices = []
        for item in items:
            key = stamp_key(item)
            if key not in stamp_of:
                stamp_of[key] = len(stamps)
                stamps.append(self._stamp_context(item))
            stamp_indices.append(stamp_of[key])
        issued = max(item.issued_at for item in items)
        if title is None:
            title = f"{HEADING[items[0].tier]} — {items[0].recipient_line.strip()}"
            if len(items) > 1:
                title = f"لوح‌های تقدیر — {to_persian_digits(items[0].cycle_title.strip())}"
        html = self._template.render(stamps=stamps, pages=pages, title=title, issued=_w3c_datetime(issued))
        return Plan(
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

    def _write(self, plan: Plan, target=None) -> bytes | None:
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
            finisher=lambda _document, pdf: decorate(pdf, plan, qr_boxes),
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
