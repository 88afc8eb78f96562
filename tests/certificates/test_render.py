"""Certificate rendering: content, fonts, QR, reproducibility, layout, bulk, and the locked-down fetcher."""

from __future__ import annotations

import dataclasses
import datetime
import http.server
import io
import multiprocessing
import os
import shutil
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.urls import URLFetchingError, path2url

from awards.certificates import render as render_module
from awards.certificates.render import (
    CITATION_FITS_CHARS,
    TIER_TEXT,
    CertificateData,
    CertificateRenderer,
    SignatoryData,
    StaticOnlyURLFetcher,
    _even_chunks,
    make_qr,
)

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
TEMPLATES = ROOT / "templates"
ZWNJ = "\u200c"
VERIFY_URL = "https://tandis.example/verify/q7Xz3Kp9LmN2vR8sT4wY6bA1cD5eF"

pytestmark = pytest.mark.skipif(
    not (STATIC / "vendor/vazirmatn/ttf/Vazirmatn-Regular.ttf").exists(),
    reason="Vazirmatn fonts missing: run scripts/vendor-assets.sh",
)


def make_data(**changes) -> CertificateData:
    data = CertificateData(
        serial="1404-CLUSTER-001",
        verify_url=VERIFY_URL,
        recipient_line="جناب آقای محمدعلی جمشیدی",
        recipient_title="عامل توسعه خوشه مسقطی لار",
        nominee_name="خوشه مسقطی لاری",
        category_title="خوشه صنعتی برتر",
        cycle_title="روز ملی صنعت و معدن ۱۴۰۴",
        citation=(
            "خوشه مسقطی لاری با ساماندهی بیش از یکصد واحد تولیدی و گشودن بازارهای صادراتی تازه، "
            "صادرات این فرآورده اصیل را دو برابر کرده است. راه‌اندازی مرکز نوآوری مسقطی لار، "
            "این شیرینی سنتی را به نشانی ماندگار از توان صنعت استان فارس بدل کرده است."
        ),
        tier="gold",
        ceremony_date=datetime.date(2025, 8, 26),
        issued_at=datetime.datetime(2025, 8, 20, 9, 30, tzinfo=datetime.UTC),
        signatories=(
            SignatoryData("علیرضا پارسا", "وزیر صنعت، معدن و تجارت"),
            SignatoryData("مریم توکلی", "دبیر ستاد برگزاری روز ملی صنعت و معدن"),
        ),
    )
    return dataclasses.replace(data, **changes)


@pytest.fixture(scope="module")
def renderer() -> CertificateRenderer:
    return CertificateRenderer(static_dir=STATIC, template_dir=TEMPLATES)


@pytest.fixture(scope="module")
def demo_pdf(renderer) -> bytes:
    return renderer.render_one(make_data())


def page_text(pdf: bytes, page: int = 0) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[page].extract_text().replace(ZWNJ, "")


def words(text: str) -> list[str]:
    return text.replace(ZWNJ, "").split()


def embedded_files(pdf: bytes) -> list[str]:
    """Names of everything embedded: the /EmbeddedFiles tree, /AF entries, file-attachment annotations."""
    reader = PdfReader(io.BytesIO(pdf))
    found = list(reader.attachments)
    found += [str(spec) for spec in reader.trailer["/Root"].get("/AF", [])]
    for page in reader.pages:
        for annotation in page.get("/Annots", []):
            if annotation.get_object().get("/Subtype") == "/FileAttachment":
                found.append(str(annotation.get_object().get("/FS")))
    return found


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


def test_make_qr_encodes_url_with_error_correction_m():
    qr = make_qr(VERIFY_URL)

    assert qr.error == "M"
    assert not qr.is_micro
    assert qr.mode == "byte"
    assert qr.designator.endswith("-M")


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
        f"sys.path[:0] = [{str(ROOT)!r}, {str(Path(__file__).parent)!r}]\n"
        "from test_render import make_data, STATIC, TEMPLATES\n"
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


# ---------------------------------------------------------------------------------------------
# Many, chunked, zip
# ---------------------------------------------------------------------------------------------


def test_render_many_three_items_gives_three_pages_in_order(renderer):
    items = [make_data(serial=f"1404-CLUSTER-00{i}") for i in (1, 2, 3)]

    pdf = renderer.render_many(items)

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3
    for index, page in enumerate(reader.pages):
        assert f"1404-CLUSTER-00{index + 1}" in page.extract_text()


def test_render_many_shared_text_is_drawn_once_per_stamp_and_each_page_gets_its_own(renderer):
    others = (SignatoryData("حسین نوروزی", "استاندار فارس"),)
    items = [
        make_data(serial="1404-CLUSTER-001"),
        make_data(serial="1404-CLUSTER-002", tier="certificate"),
        make_data(serial="1404-CLUSTER-003", signatories=others),
        make_data(serial="1404-CLUSTER-004"),
    ]

    pdf = renderer.render_many(items)

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 4  # the stamp pages are gone from the page tree
    assert reader.trailer["/Root"]["/Pages"]["/Count"] == 4
    forms = reader.pages[0]["/Resources"]["/XObject"]
    assert sorted(name for name in forms if name.startswith("/TandisStamp")) == [
        "/TandisStamp0", "/TandisStamp1", "/TandisStamp2",
    ]
    texts = [page.extract_text().replace(ZWNJ, "") for page in reader.pages]
    for index, text in enumerate(texts):
        assert f"1404-CLUSTER-00{index + 1}" in text
        assert "لوح تقدیر" in text and "بسمه تعالی" in text and "شهریور" in text
    assert "تندیس زرین ملی" in texts[0] and "تندیس زرین ملی" not in texts[1]
    assert "پارسا" in texts[0] and "نوروزی" not in texts[0]
    assert "نوروزی" in texts[2] and "پارسا" not in texts[2]


def test_render_many_each_qr_code_decodes_to_its_own_address(renderer, tmp_path):
    if not (shutil.which("zbarimg") and shutil.which("pdftoppm")):
        pytest.skip("zbarimg (zbar-tools) and pdftoppm (poppler-utils) are needed to decode the QR code")
    urls = [f"https://tandis.example/verify/{token}" for token in ("aaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbb")]
    items = [make_data(serial=f"1404-CLUSTER-00{i}", verify_url=url) for i, url in enumerate(urls, start=1)]
    (tmp_path / "two.pdf").write_bytes(renderer.render_many(items))
    subprocess.run(["pdftoppm", "-png", "-r", "120", str(tmp_path / "two.pdf"), str(tmp_path / "page")],
                   check=True, timeout=60)

    decoded = [
        subprocess.run(["zbarimg", "--raw", "-q", str(path)], capture_output=True, text=True, check=True,
                       timeout=60).stdout.strip()
        for path in sorted(tmp_path.glob("page-*.png"))
    ]

    assert decoded == urls


def test_render_many_outline_lists_the_recipients(renderer):
    items = [
        make_data(serial="1404-CLUSTER-001"),
        make_data(serial="1404-CLUSTER-002", recipient_line="سرکار خانم زهرا احمدی"),
    ]

    reader = PdfReader(io.BytesIO(renderer.render_many(items)))

    outline = [(entry.title, reader.get_destination_page_number(entry)) for entry in reader.outline]
    assert outline == [("جناب آقای محمدعلی جمشیدی", 0), ("سرکار خانم زهرا احمدی", 1)]


def test_render_many_chunked_five_items_chunk_two_gives_five_pages(renderer, tmp_path):
    items = [make_data(serial=f"1404-CLUSTER-00{i}") for i in range(1, 6)]
    calls = []

    pages = renderer.render_many_chunked(
        items,
        chunk_size=2,
        out_path=tmp_path / "all.pdf",
        workers=2,
        progress=lambda d, t: calls.append((d, t)),
    )

    reader = PdfReader(tmp_path / "all.pdf")
    assert pages == 5 == len(reader.pages)
    assert reader.metadata["/Title"] == "لوح‌های تقدیر — روز ملی صنعت و معدن ۱۴۰۴"
    assert reader.trailer["/Root"]["/Lang"] == "fa"
    for index, page in enumerate(reader.pages):
        assert f"1404-CLUSTER-00{index + 1}" in page.extract_text()
    assert len(calls) == 4  # one call per chunk: 3 chunks of <= 2, rounded up to a multiple of 2 workers
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert calls[-1] == (5, 5)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all.pdf"]  # chunks cleaned up


def test_render_many_chunked_in_daemonic_process_renders_in_process(renderer, tmp_path, monkeypatch):
    monkeypatch.setattr(multiprocessing.current_process(), "daemon", True)  # as in a huey process worker
    items = [make_data(serial=f"1404-CLUSTER-00{i}") for i in (1, 2, 3)]

    pages = renderer.render_many_chunked(items, chunk_size=1, out_path=tmp_path / "all.pdf", workers=2)

    assert pages == 3 == len(PdfReader(tmp_path / "all.pdf").pages)


@pytest.mark.parametrize(
    ("count", "chunk_size", "workers", "sizes"),
    [
        (5, 2, 2, [2, 1, 1, 1]),
        (200, 100, 2, [100, 100]),
        (1300, 100, 2, [93] * 12 + [92] * 2),
        (7, 100, 2, [7]),
        (3, 1, 4, [1, 1, 1]),
    ],
)
def test_even_chunks_bounded_balanced_and_ordered(count, chunk_size, workers, sizes):
    items = list(range(count))

    chunks = _even_chunks(items, chunk_size, workers)

    assert [len(chunk) for chunk in chunks] == sizes
    assert [item for chunk in chunks for item in chunk] == items


def test_render_zip_holds_one_pdf_per_serial(renderer, demo_pdf):
    items = [make_data(), make_data(serial="1404-CLUSTER-002")]

    archive = zipfile.ZipFile(io.BytesIO(renderer.render_zip(items)))

    assert archive.namelist() == ["1404-CLUSTER-001.pdf", "1404-CLUSTER-002.pdf"]
    assert archive.read("1404-CLUSTER-001.pdf") == demo_pdf


def test_render_zip_with_worker_processes_gives_the_same_pdfs_in_order(renderer, demo_pdf, monkeypatch, tmp_path):
    monkeypatch.setattr(render_module, "_POOL_MIN_ITEMS", 3)  # a pool for four items, to keep this quick
    items = [make_data(serial=f"1404-CLUSTER-00{i}") for i in (1, 2, 3, 4)]
    calls = []

    renderer.render_zip(items, out_path=tmp_path / "all.zip", workers=2, progress=lambda d, t: calls.append((d, t)))

    archive = zipfile.ZipFile(tmp_path / "all.zip")
    assert archive.namelist() == [f"1404-CLUSTER-00{i}.pdf" for i in (1, 2, 3, 4)]
    assert archive.read("1404-CLUSTER-001.pdf") == demo_pdf  # byte-identical to a single print
    assert archive.read("1404-CLUSTER-004.pdf") == renderer.render_one(items[3])
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_render_each_refuses_a_revoked_item_before_any_work(renderer):
    items = [make_data(), make_data(serial="1404-CLUSTER-002", revoked=True)]

    with pytest.raises(ValueError, match="revoked"):
        next(renderer.render_each(items, workers=2))


# ---------------------------------------------------------------------------------------------
# Guards
# ---------------------------------------------------------------------------------------------


def test_render_one_revoked_raises_value_error(renderer):
    with pytest.raises(ValueError, match="revoked"):
        renderer.render_one(make_data(revoked=True))


def test_render_many_chunked_with_a_revoked_item_raises_before_work(renderer, tmp_path):
    items = [make_data(), make_data(serial="1404-CLUSTER-002", revoked=True)]

    with pytest.raises(ValueError, match="revoked"):
        renderer.render_many_chunked(items, chunk_size=1, out_path=tmp_path / "x.pdf", workers=2)

    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("serial", "1404 CLUSTER/001"),
        ("serial", "../../etc/passwd"),
        ("verify_url", "javascript:alert(1)"),
        ("verify_url", "https://tandis.example/verify/a b"),
        ("tier", "silver"),
        ("issued_at", datetime.datetime(2025, 8, 20, 9, 30)),  # naive
        ("signatories", ()),
        ("citation", "   "),
    ],
)
def test_certificate_data_invalid_field_raises_value_error(field, value):
    with pytest.raises(ValueError):
        make_data(**{field: value})


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
# Escaping and the locked-down fetcher
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


@pytest.fixture
def sandbox(tmp_path) -> Path:
    """A static dir with a positive control, and secrets beside it that must stay unread."""
    static = tmp_path / "static"
    static.mkdir()
    (static / "ok.css").write_text('.ok::before { content: "ALLOWED-STYLE"; }')
    (tmp_path / "secret.css").write_text('.ok::after { content: "LEAKED-STYLE"; }')
    (tmp_path / "secret.txt").write_text("TOPSECRET-42")
    (static / "link.css").symlink_to(tmp_path / "secret.css")
    return static


def test_fetcher_serves_static_files_and_data_uris(sandbox):
    fetcher = StaticOnlyURLFetcher(sandbox)

    css = fetcher.fetch(path2url(str(sandbox / "ok.css")))
    data = fetcher.fetch("data:text/plain;base64,aGVsbG8=")

    assert css.read() == b'.ok::before { content: "ALLOWED-STYLE"; }'
    assert css.content_type == "text/css"
    assert data.read() == b"hello"
    assert fetcher.refused == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "file://evil.example/etc/passwd",
        "{static}/../secret.txt",
        "{static}/%2e%2e/secret.txt",
        "{static}/link.css",  # symlink pointing outside
        "{static}",  # the directory itself
        "http://127.0.0.1:9/x.png",
        "https://tandis.example/x.png",
        "ftp://127.0.0.1/x",
        "/etc/passwd",
        "../secret.txt",
        "javascript:alert(1)",
    ],
)
def test_fetcher_refuses_everything_else(sandbox, url):
    fetcher = StaticOnlyURLFetcher(sandbox)
    url = url.format(static=path2url(str(sandbox)).rstrip("/"))

    with pytest.raises(URLFetchingError):
        fetcher.fetch(url)

    assert fetcher.refused == [url]


class _RecordingHandler(http.server.BaseHTTPRequestHandler):
    requests: list[str]

    def _record(self):
        self.requests.append(f"{self.command} {self.path}")
        self.send_response(302)
        self.send_header("Location", "file:///etc/passwd")
        self.end_headers()

    do_GET = do_POST = do_HEAD = _record

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    requests: list[str] = []
    handler = type("Handler", (_RecordingHandler,), {"requests": requests})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_fetcher_raw_html_fetches_nothing_outside_static(sandbox, http_server):
    base, requests = http_server
    html = f"""<html><head>
      <link rel="stylesheet" href="ok.css"><link rel="stylesheet" href="link.css">
      <link rel="stylesheet" href="../secret.css"><link rel="stylesheet" href="{base}/style.css">
      <link rel="attachment" href="file:///etc/passwd"><link rel="attachment" href="../secret.txt">
      <link rel="attachment" href="{base}/attach.bin">
      <style>@import url("{base}/import.css"); @import url("file:///etc/passwd");
        @font-face {{ font-family: X; src: url("{base}/font.ttf"); }}
        body {{ background: url("{base}/bg.png"); }}</style>
    </head><body><p class="ok">text</p>
      <img src="{base}/img.png"><img src="file:///etc/passwd"><img src="../secret.txt">
      <object data="{base}/object.svg"></object>
      <svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="{base}/svg.png"/></svg>
    </body></html>"""
    fetcher = StaticOnlyURLFetcher(sandbox)

    # No PDF/A variant here: plain WeasyPrint would embed attachments if the fetcher returned them.
    pdf = HTML(string=html, base_url=path2url(str(sandbox)), url_fetcher=fetcher).write_pdf(
        presentational_hints=False
    )

    assert requests == []
    text = page_text(pdf)
    assert "ALLOWED-STYLE" in text  # the fetcher did serve static/
    assert "LEAKED-STYLE" not in text
    assert b"TOPSECRET-42" not in pdf and b"root:x:" not in pdf
    assert embedded_files(pdf) == []
    assert any(u.startswith(base) for u in fetcher.refused)
    assert any("secret" in u for u in fetcher.refused)


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
