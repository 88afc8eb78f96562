"""What the renderer relies on inside pydyf and pypdf, beyond their documented API.

``render/postprocess.py`` edits the document pydyf (as WeasyPrint fills it) holds before writing it, and
``render/merge.py`` reads pypdf's private ``StreamObject._data``.  Both libraries are pinned exactly in the
Pipfile; when one is upgraded, these tests say what changed and which module to review.  Each structure is
checked by introspection, then the real post-processing and merge run on a tiny PDF.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import pydyf
import pypdf
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
    TextStringObject,
)
from weasyprint import HTML
from weasyprint import __version__ as weasyprint_version

from awards.certificates.render import GOLD
from awards.certificates.render.data import Plan
from awards.certificates.render.merge import PdfConcatenator
from awards.certificates.render.postprocess import decorate
from tests.certificates.render.helpers import VERIFY_URL

POSTPROCESS = "awards/certificates/render/postprocess.py"
MERGE = "awards/certificates/render/merge.py"
PYDYF = f"pydyf {pydyf.__version__} (with WeasyPrint {weasyprint_version})"
PYPDF = f"pypdf {pypdf.__version__}"

# Two blank pages: WeasyPrint lays them out and hands the pydyf document to the finisher.
TINY_HTML = (
    "<html><head><style>@page { size: 100px 80px; margin: 0 } div { height: 80px }</style></head>"
    '<body><div style="background: #eee"></div><div style="break-before: page"></div></body></html>'
)


@contextmanager
def contract(library: str, what: str, module: str) -> Iterator[None]:
    """Turn any failure inside the block into one clear message."""
    try:
        yield
    except Exception as error:
        pytest.fail(f"{library} changed {what} ({type(error).__name__}: {error}); review {module}", pytrace=False)


def _reference_number(reference) -> int:
    """How postprocess reads a reference: ``b"12 0 R"`` → 12."""
    return int(reference.split()[0])


def _weasyprint_pdf(finisher) -> bytes:
    return HTML(string=TINY_HTML).write_pdf(finisher=finisher, presentational_hints=False)


# ---------------------------------------------------------------------------------------------
# pydyf
# ---------------------------------------------------------------------------------------------


def test_pydyf_object_classes_are_as_postprocess_builds_them():
    with contract(PYDYF, "its object classes", POSTPROCESS):
        assert issubclass(pydyf.Dictionary, dict), "Dictionary is no longer a dict"
        assert issubclass(pydyf.Array, list), "Array is no longer a list"
        stream = pydyf.Stream([b"0 0 m"], pydyf.Dictionary({"Type": "/XObject"}), compress=False)
        assert stream.stream == [b"0 0 m"], "Stream.stream is not the list of chunks given"
        assert stream.extra == {"Type": "/XObject"}, "Stream.extra is not the dictionary given"
        assert isinstance(pydyf.String("x").data, bytes)
        pdf = pydyf.PDF()
        assert isinstance(pdf.objects, list), "PDF.objects is not a list"
        assert isinstance(pdf.pages, pydyf.Dictionary) and isinstance(pdf.pages["Kids"], pydyf.Array)
        assert isinstance(pdf.catalog, pydyf.Dictionary), "PDF.catalog is not a Dictionary"
        pdf.add_object(stream)
        assert pdf.objects[stream.number] is stream, "PDF.objects is not indexed by object number"
        assert stream.reference == f"{stream.number} 0 R".encode(), "Object.reference is not b'N 0 R'"
        page = pydyf.Dictionary({"Type": "/Page"})
        pdf.add_page(page)
        assert pdf.pages["Kids"][-3:] == [page.number, 0, "R"], "Kids are no longer flat (number, 0, 'R') triples"


def test_pydyf_document_as_weasyprint_hands_it_to_the_finisher():
    seen = {}

    def inspect(_document, pdf):
        with contract(PYDYF, "the document layout WeasyPrint builds", POSTPROCESS):
            kids = pdf.pages["Kids"]
            assert len(kids) == 6 and kids[1::3] == [0, 0] and kids[2::3] == ["R", "R"], f"Kids = {kids!r}"
            page = pdf.objects[kids[0]]
            assert isinstance(page, pydyf.Dictionary), "a page is not a Dictionary in PDF.objects"
            resources = pdf.objects[_reference_number(page["Resources"])]
            assert isinstance(resources, pydyf.Dictionary), "page /Resources is not a reference to a Dictionary"
            assert isinstance(resources["XObject"], dict), "shared resources have no /XObject dictionary"
            assert pdf.objects[kids[3]]["Resources"] == page["Resources"], "pages no longer share their resources"
            content = pdf.objects[_reference_number(page["Contents"])]
            assert isinstance(content, pydyf.Stream), "page /Contents is not a reference to a Stream"
            assert isinstance(content.stream, list) and isinstance(content.extra, dict)
            assert float(page["MediaBox"][3]) == pytest.approx(60.0), f"MediaBox = {page['MediaBox']!r}"
            seen["checked"] = True

    _weasyprint_pdf(inspect)

    assert seen == {"checked": True}


def test_postprocess_runs_on_a_tiny_pdf():
    plan = Plan(html="", stamp_count=1, stamps=(0,), tiers=(GOLD,), verify_urls=(VERIFY_URL,), recipients=("گیرنده",))

    def finish(_document, pdf):
        with contract(PYDYF, "what decorate() edits", POSTPROCESS):
            decorate(pdf, plan, [(10.0, 10.0, 40.0)])

    pdf = _weasyprint_pdf(finish)

    with contract(PYDYF, "the document written after decorate()", POSTPROCESS):
        reader = PdfReader(io.BytesIO(pdf), strict=True)
        assert len(reader.pages) == 1, "the stamp page is still in the page tree"
        page = reader.pages[0]
        forms = page["/Resources"]["/XObject"]
        for name in ("/TandisFrame", "/TandisCorner", "/TandisSealGold", "/TandisSealCertificate", "/TandisStamp0"):
            assert forms[name].get_object()["/Subtype"] == "/Form", f"{name} is not a form XObject"
        stamp = forms["/TandisStamp0"].get_object()
        assert [float(v) for v in stamp["/BBox"]] == pytest.approx([0, 0, 75, 60]), "the stamp form lost its box"
        assert page.get_contents().get_data().startswith(b"q /TandisFrame Do /TandisSealGold Do /TandisStamp0 Do Q q")
        assert b" re\n" in page.get_contents().get_data(), "the QR code was not drawn"
        assert [entry.title for entry in reader.outline] == ["گیرنده"]


# ---------------------------------------------------------------------------------------------
# pypdf
# ---------------------------------------------------------------------------------------------


def _compressed_pdf() -> bytes:
    writer = PdfWriter()
    page = writer.add_blank_page(100, 80)
    writer.add_outline_item(title="یک", page_number=0)
    content = StreamObject()
    content.set_data(b"0 0 10 10 re f")
    content = content.flate_encode()
    page[NameObject("/Contents")] = writer._add_object(content)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_pypdf_stream_object_keeps_the_encoded_bytes_in_data():
    reader = PdfReader(io.BytesIO(_compressed_pdf()))

    with contract(PYPDF, "StreamObject._data (merge copies the still-encoded bytes)", MERGE):
        stream = reader.pages[0]["/Contents"].get_object()
        assert isinstance(stream, StreamObject)
        assert stream["/Filter"] == "/FlateDecode"
        assert isinstance(stream._data, bytes), "StreamObject._data is gone or not bytes"
        assert zlib.decompress(stream._data) == b"0 0 10 10 re f", "StreamObject._data is no longer the encoded data"
        assert stream.get_data() == b"0 0 10 10 re f"


def test_pypdf_reader_api_merge_uses():
    reader = PdfReader(io.BytesIO(_compressed_pdf()))

    with contract(PYPDF, "the reader API merge uses", MERGE):
        page = reader.pages[0]
        reference = page.indirect_reference
        assert isinstance(reference, IndirectObject) and isinstance(reference.idnum, int)
        assert reader.get_object(reference.idnum) == page
        entry = reader.outline[0]
        assert str(entry.title) == "یک" and reader.get_destination_page_number(entry) == 0
        assert issubclass(DictionaryObject, dict) and issubclass(ArrayObject, list)
        buffer = io.BytesIO()
        TextStringObject("یک").write_to_stream(buffer)  # read back by the merge test below
        assert buffer.getvalue()


def test_merge_runs_on_tiny_pdfs(tmp_path):
    sources = []
    for index in range(2):
        path = tmp_path / f"{index}.pdf"
        path.write_bytes(_compressed_pdf())
        sources.append(path)

    with contract(PYPDF, "what PdfConcatenator reads", MERGE):
        with PdfConcatenator(tmp_path / "all.pdf", title="آزمون") as output:
            for path in sources:
                output.append(path)
            assert output.close() == 2
        reader = PdfReader(tmp_path / "all.pdf", strict=True)
        assert [page.get_contents().get_data() for page in reader.pages] == [b"0 0 10 10 re f"] * 2
        assert [(str(e.title), reader.get_destination_page_number(e)) for e in reader.outline] == [("یک", 0), ("یک", 1)]
        assert reader.metadata["/Title"] == "آزمون"
