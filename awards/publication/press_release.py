"""The press release as a PDF: the media chair's approved intro, then the winners by category; Persian, right to
left, Vazirmatn embedded.

The HTML comes from an autoescaped template (``templates/publication/press_release.html``), so no name or intro
can become markup, and WeasyPrint fetches through the certificates' locked-down fetcher: files under ``static/``
and ``data:`` URIs only, never the network.
"""

from __future__ import annotations

import os
from pathlib import Path

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import path2url

from awards.certificates.render.fetcher import StaticOnlyURLFetcher


def render_pdf(html: str, *, static_dir: Path) -> bytes:
    """Lay out ``html`` (relative addresses resolve under ``static_dir``) and return the PDF, nothing attached."""
    root = Path(os.path.realpath(static_dir))
    document = HTML(string=html, base_url=path2url(str(root)), url_fetcher=StaticOnlyURLFetcher(root)).render(
        font_config=FontConfiguration(), presentational_hints=False)
    document.metadata.attachments = []
    return document.write_pdf()
