"""The verification QR code: segno's code, its SVG for web pages, and the PDF path drawn on certificates."""

from __future__ import annotations

import base64
import re
import urllib.parse

from awards.certificates.render import make_qr, qr_data_uri
from awards.certificates.render.qr import qr_ops
from tests.certificates.render.helpers import VERIFY_URL


def test_make_qr_encodes_url_with_error_correction_m():
    qr = make_qr(VERIFY_URL)

    assert qr.error == "M"
    assert not qr.is_micro
    assert qr.mode == "byte"
    assert qr.designator.endswith("-M")


def test_qr_data_uri_is_a_dark_blue_svg_with_its_quiet_zone():
    uri = qr_data_uri(VERIFY_URL)

    assert uri.startswith("data:image/svg+xml")
    header, _, payload = uri.partition(",")
    svg = base64.b64decode(payload).decode() if header.endswith(";base64") else urllib.parse.unquote(payload)
    assert "#0b2a5b" in svg
    side = len(make_qr(VERIFY_URL).matrix) + 8  # 4 modules of quiet zone each side
    assert f"viewBox='0 0 {side} {side}'" in svg


def _runs(matrix) -> int:
    """Horizontal runs of dark modules."""
    return sum(
        1 for row in matrix for index, dark in enumerate(row) if dark and (index == 0 or not row[index - 1])
    )


def test_qr_ops_fill_one_rectangle_per_run_of_dark_modules_inside_the_box():
    matrix = make_qr(VERIFY_URL).matrix
    x, y, side = 100.0, 200.0, 90.0

    ops = qr_ops(VERIFY_URL, (x, y, side), page_height=595.28).decode("ascii")

    lines = ops.splitlines()
    assert lines[0] == "q 0.75 0 0 -0.75 0 595.28 cm"  # CSS px from the top left
    assert lines[1] == "1 1 1 rg 100 200 90 90 re f"  # the white square, quiet zone included
    assert lines[-1] == "f Q"
    rects = [[float(v) for v in line.split()[:4]] for line in lines if re.fullmatch(r"[-0-9. ]+ re", line)]
    assert len(rects) == _runs(matrix)
    module = side / (len(matrix) + 8)
    for left, top, width, height in rects:
        assert x + 4 * module - 0.001 <= left and left + width <= x + side - 4 * module + 0.001
        assert y + 4 * module - 0.001 <= top and top + height <= y + side - 4 * module + 0.001
