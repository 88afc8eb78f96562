"""The renderer: content, fonts, metadata, QR, reproducibility, layout guards and escaping."""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import subprocess
import sys

import pytest
from pypdf import PdfReader

from awards.certificates.render import CITATION_FITS_CHARS, TIER_TEXT, CertificateRenderer, SignatoryData
from tests.certificates.render.helpers import (
    ROOT,
    STATIC,
    TEMPLATES,
    VERIFY_URL,
    embedded_files,
    make_data,
    needs_fonts,
    page_text,
    words,
)

pytestmark = needs_fonts


# ---------------------------------------------------------------------------------------------
# Content
# ---------------------------------------------------------------------------------------------


def test_render_one_text_contains_recipient_heading_and_serial(demo_pdf):
    text = page_text(demo_pdf)

    for word in [*words("جناب آقای محمدعلی جمشیدی"), "لوح", "تقدیر", "بسمه", "تعالی"]:
        assert word in text
    for word in words("خوشه مسقطی لاری") + words("خوشه صنعتی برتر") + words(TIER_TEXT["gold"]):
        assert word in text
    assert "1404-CLUSTER-001" in text
    assert "برای اعتبارسنجی" in text


def test_render_html_dates_and_cycle_use_persian_digits(renderer):
    html = renderer.render_html([make_data(cycle_title="روز ملی صنعت و معدن 1404")])

    assert "۴ شهریور ۱۴۰۴" in html
    assert "روز ملی صنعت و معدن ۱۴۰۴" in html
    assert '<p class="serial"><span>1404-CLUSTER-001</span></p>' in html


def test_render_html_long_serial_is_set_smaller_to_keep_its_column(renderer):
    html = renderer.render_html([make_data(serial="1404-" + "X" * 32 + "-001")])

    assert '<p class="serial"><span style="font-size: 4.63pt">1404-XXXX' in html


def test_render_one_certificate_tier_shows_certificate_only(renderer):
    pdf = renderer.render_one(make_data(tier="certificate"))

    text = page_text(pdf)
    assert "تندیس" not in text
    assert text.count("تقدیر") >= 2  # heading and tier line


def test_render_one_fonts_are_embedded_vazirmatn(demo_pdf):
    page = PdfReader(io.BytesIO(demo_pdf)).pages[0]
    fonts = page["/Resources"]["/Font"]

    assert len(fonts) >= 2  # regular and bold at least
    for font in fonts.values():
        font = font.get_object()
        assert "Vazirmatn" in font["/BaseFont"]
        for descendant in font["/DescendantFonts"]:
            descriptor = descendant.get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor


def test_render_one_page_is_a4_landscape(demo_pdf):
    box = PdfReader(io.BytesIO(demo_pdf)).pages[0].mediabox

    assert float(box.width) == pytest.approx(841.89, abs=0.5)
    assert float(box.height) == pytest.approx(595.28, abs=0.5)


def test_render_one_metadata_title_language_dates_and_pdfa(demo_pdf):
    reader = PdfReader(io.BytesIO(demo_pdf))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()

    assert reader.metadata["/Title"] == "لوح تقدیر — جناب آقای محمدعلی جمشیدی"
    assert reader.metadata["/CreationDate"] == "D:20250820093000Z"
    assert reader.metadata["/ModDate"] == "D:20250820093000Z"
    assert root["/Lang"] == "fa"
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert "2025-08-20T09:30:00Z" in xmp
    assert "/OutputIntents" in root
    assert "uuid" not in xmp


# ---------------------------------------------------------------------------------------------
# QR code
# ---------------------------------------------------------------------------------------------


def test_render_one_qr_decodes_to_verify_url(demo_pdf, tmp_path):
    if not (shutil.which("zbarimg") and shutil.which("pdftoppm")):
        pytest.skip("zbarimg (zbar-tools) and pdftoppm (poppler-utils) are needed to decode the QR code")
    (tmp_path / "cert.pdf").write_bytes(demo_pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-singlefile", str(tmp_path / "cert.pdf"), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )

    result = subprocess.run(
        ["zbarimg", "--raw", "-q", str(tmp_path / "page.png")],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )

    assert result.stdout.strip().splitlines() == [VERIFY_URL]


# ---------------------------------------------------------------------------------------------
# Reproducibility
# ---------------------------------------------------------------------------------------------


def test_render_one_reprint_is_byte_identical(renderer, demo_pdf):
    renderer.render_one(make_data(recipient_line="سرکار خانم زهرا احمدی", tier="certificate"))

    again = renderer.render_one(make_data())
    fresh = CertificateRenderer(static_dir=STATIC, template_dir=TEMPLATES).render_one(make_data())

    assert again == demo_pdf
    assert fresh == demo_pdf


def test_render_one_reprint_in_another_process_is_byte_identical(demo_pdf, tmp_path):
    script = (
        "import sys, pathlib\n"
        f"sys.path[:0] = [{str(ROOT)!r}]\n"
        "from tests.certificates.render.helpers import make_data, STATIC, TEMPLATES\n"
        "from awards.certificates.render import CertificateRenderer\n"
        "pdf = CertificateRenderer(static_dir=STATIC, template_dir=TEMPLATES).render_one(make_data())\n"
        "pathlib.Path(sys.argv[1]).write_bytes(pdf)\n"
    )
    out = tmp_path / "other.pdf"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}

    subprocess.run([sys.executable, "-c", script, str(out)], check=True, env=env, cwd=ROOT, timeout=120)

    assert out.read_bytes() == demo_pdf


def test_render_one_different_data_gives_different_identifier(renderer, demo_pdf):
    other = renderer.render_one(make_data(serial="1404-CLUSTER-002"))

    assert PdfReader(io.BytesIO(other)).trailer["/ID"] != PdfReader(io.BytesIO(demo_pdf)).trailer["/ID"]


def test_render_many_three_items_gives_three_pages_in_order(renderer):
    items = [make_data(serial=f"1404-CLUSTER-00{i}") for i in (1, 2, 3)]

    pdf = renderer.render_many(items)

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3
    for index, page in enumerate(reader.pages):
        assert f"1404-CLUSTER-00{index + 1}" in page.extract_text()


# ---------------------------------------------------------------------------------------------
# Guards
# ---------------------------------------------------------------------------------------------


def test_render_one_revoked_raises_value_error(renderer):
    with pytest.raises(ValueError, match="revoked"):
        renderer.render_one(make_data(revoked=True))


def test_render_one_long_citation_still_fits_one_page(renderer):
    sentence = "توسعه صادرات و نوآوری در فرآوری مسقطی لار با مشارکت واحدهای کوچک "
    citation = (sentence * 20)[:CITATION_FITS_CHARS].strip()

    pdf = renderer.render_one(make_data(citation=citation))

    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


def test_render_one_overlong_citation_raises_instead_of_spilling(renderer):
    with pytest.raises(ValueError, match="overflow"):
        renderer.render_one(make_data(citation="متن بسیار بلند " * 600))


def test_render_one_signature_outside_static_raises(renderer):
    for uri in ("../config.py", "/etc/passwd", "file:///etc/passwd", "http://127.0.0.1:1/s.png"):
        with pytest.raises(ValueError, match="signature"):
            renderer.render_one(make_data(signatories=(SignatoryData("الف", "ب", uri),)))


def test_render_one_signature_data_uri_is_drawn(renderer):
    png = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA"
        "60e6kgAAAABJRU5ErkJggg=="
    )

    pdf = renderer.render_one(make_data(signatories=(SignatoryData("علیرضا پارسا", "وزیر", png),)))

    resources = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/XObject"]
    assert any(x.get_object().get("/Subtype") == "/Image" for x in resources.values())


# ---------------------------------------------------------------------------------------------
# Escaping, and no attachments
# ---------------------------------------------------------------------------------------------


SMUGGLED = '<b>x</b><link rel=attachment href="file:///etc/passwd">'


def test_render_html_citation_markup_is_escaped(renderer):
    html = renderer.render_html([make_data(citation=SMUGGLED)])

    assert "&lt;b&gt;x&lt;/b&gt;&lt;link rel=attachment" in html
    assert "<b>x</b>" not in html
    assert 'href="file:///etc/passwd"' not in html


def test_render_one_citation_markup_shows_literally_and_embeds_nothing(renderer):
    pdf = renderer.render_one(make_data(citation=SMUGGLED))

    # The markup is printed as text (bidi reordering mirrors the angle brackets in an RTL paragraph).
    text = page_text(pdf)
    assert "rel=attachment" in text
    assert "file:///etc/passwd" in text
    assert embedded_files(pdf) == []
    assert "root:x:" not in text and b"root:x:" not in pdf


def test_renderer_drops_attachments_even_of_static_files(renderer, http_server):
    base, requests = http_server
    html = renderer.render_html([make_data()]).replace(
        "</head>",
        '<link rel="attachment" href="css/certificate.css">'
        f'<link rel="attachment" href="{base}/a.bin"><link rel="stylesheet" href="{base}/s.css"></head>',
    )

    plan = renderer._plan([make_data()])
    assert html != plan.html

    pdf = renderer._write(dataclasses.replace(plan, html=html))

    assert embedded_files(pdf) == []
    assert requests == []
