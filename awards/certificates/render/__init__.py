"""Render award certificates (لوح تقدیر) to PDF/A-3b with WeasyPrint.

This package is deliberately pure: it imports neither Flask nor the database layer, so it can run
in a web request, a background job, a worker process or a test on its own (``printing`` is the
app's side: one renderer per process and the print job).

Modules:

* ``data``: what is printed (:class:`CertificateData`, :class:`SignatoryData`, validated) and the
  document plan;
* ``fetcher``: :class:`StaticOnlyURLFetcher`, the locked-down URL fetcher every resource goes
  through (the security model is described there);
* ``qr``: the verification QR code;
* ``ornaments``: the computed guilloche frame, seals and title ornament, and the CSS placed by them;
* ``postprocess``: the WeasyPrint finisher that edits the PDF (pydyf) before it is written;
* ``renderer``: :class:`CertificateRenderer`, HTML → layout → PDF/A;
* ``bulk``: many certificates in worker processes, one merged PDF or a ZIP;
* ``merge``: the streaming PDF concatenator that joins bulk chunks.

What the rest of the app uses is imported here.
"""

from awards.certificates.render.data import (
    CERTIFICATE,
    CITATION_FITS_CHARS,
    GOLD,
    MAX_SIGNATORIES,
    PROVINCIAL,
    TIER_TEXT,
    CertificateData,
    SignatoryData,
)
from awards.certificates.render.fetcher import StaticOnlyURLFetcher
from awards.certificates.render.qr import make_qr, qr_data_uri
from awards.certificates.render.renderer import PDF_VARIANT, CertificateRenderer

__all__ = [
    "CERTIFICATE",
    "CITATION_FITS_CHARS",
    "GOLD",
    "MAX_SIGNATORIES",
    "PDF_VARIANT",
    "PROVINCIAL",
    "TIER_TEXT",
    "CertificateData",
    "CertificateRenderer",
    "SignatoryData",
    "StaticOnlyURLFetcher",
    "make_qr",
    "qr_data_uri",
]
