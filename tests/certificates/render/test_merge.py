"""The streaming PDF concatenator that joins bulk-print chunks."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from awards.certificates.render.merge import PdfConcatenator
from tests.certificates.render.helpers import ZWNJ, make_data, needs_fonts

pytestmark = needs_fonts

RECIPIENTS = ["جناب آقای محمدعلی جمشیدی", "سرکار خانم زهرا احمدی", "جناب آقای رضا کریمی"]


@pytest.fixture(scope="module")
def chunks(renderer, tmp_path_factory) -> list:
    folder = tmp_path_factory.mktemp("chunks")
    first, second = folder / "a.pdf", folder / "b.pdf"
    first.write_bytes(renderer.render_many([
        make_data(serial="1404-CLUSTER-001", recipient_line=RECIPIENTS[0]),
        make_data(serial="1404-CLUSTER-002", recipient_line=RECIPIENTS[1], tier="certificate"),
    ]))
    second.write_bytes(renderer.render_many([make_data(serial="1404-CLUSTER-003", recipient_line=RECIPIENTS[2])]))
    return [first, second]


def join(paths, out):
    with PdfConcatenator(out, title="لوح‌های تقدیر — آزمون") as output:
        for path in paths:
            output.append(path)
        return output.close()


def test_concatenator_keeps_pages_text_fonts_links_and_order(chunks, tmp_path):
    out = tmp_path / "all.pdf"

    pages = join(chunks, out)

    reader = PdfReader(out, strict=True)
    assert pages == 3 == len(reader.pages)
    for index, page in enumerate(reader.pages):
        text = page.extract_text().replace(ZWNJ, "")
        assert f"1404-CLUSTER-00{index + 1}" in text
        assert "لوح تقدیر" in text  # from the stamp form, through the copied resources
        assert page["/Parent"].get_object() == reader.trailer["/Root"]["/Pages"].get_object()
        fonts = page["/Resources"]["/Font"]
        assert all("Vazirmatn" in font.get_object()["/BaseFont"] for font in fonts.values())
        uris = [a.get_object()["/A"]["/URI"] for a in page.get("/Annots", [])]
        assert uris and set(uris) == {make_data().verify_url}
    assert "تندیس زرین ملی" not in reader.pages[1].extract_text()


def test_concatenator_outline_points_at_each_recipient_page(chunks, tmp_path):
    out = tmp_path / "all.pdf"
    join(chunks, out)

    reader = PdfReader(out)

    assert [(entry.title, reader.get_destination_page_number(entry)) for entry in reader.outline] == [
        (RECIPIENTS[0], 0), (RECIPIENTS[1], 1), (RECIPIENTS[2], 2),
    ]
    assert reader.metadata["/Title"] == "لوح‌های تقدیر — آزمون"
    assert reader.trailer["/Root"]["/Lang"] == "fa"


def test_concatenator_same_inputs_same_bytes(chunks, tmp_path):
    join(chunks, tmp_path / "one.pdf")
    join(chunks, tmp_path / "two.pdf")
    join(list(reversed(chunks)), tmp_path / "reversed.pdf")

    assert (tmp_path / "one.pdf").read_bytes() == (tmp_path / "two.pdf").read_bytes()
    assert (tmp_path / "one.pdf").read_bytes() != (tmp_path / "reversed.pdf").read_bytes()
    assert "1404-CLUSTER-003" in PdfReader(tmp_path / "reversed.pdf").pages[0].extract_text()


def test_concatenator_failure_leaves_no_file(chunks, tmp_path):
    out = tmp_path / "all.pdf"
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nnot really\n")

    with pytest.raises(PdfReadError), PdfConcatenator(out, title="x") as output:
        output.append(chunks[0])
        output.append(broken)

    assert list(tmp_path.iterdir()) == [broken]


def test_concatenator_refuses_nested_outlines(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    parent = writer.add_outline_item(title="parent", page_number=0)
    writer.add_outline_item(title="child", page_number=0, parent=parent)
    source = tmp_path / "nested.pdf"
    buffer = io.BytesIO()
    writer.write(buffer)
    source.write_bytes(buffer.getvalue())

    with pytest.raises(ValueError, match="nested"), PdfConcatenator(tmp_path / "out.pdf", title="x") as output:
        output.append(source)
