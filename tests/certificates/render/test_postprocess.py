"""PDF post-processing, seen in rendered documents: stamps as shared forms, QR codes, the outline."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from awards.certificates.render import SignatoryData
from tests.certificates.render.helpers import ZWNJ, make_data, needs_fonts

pytestmark = needs_fonts


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
