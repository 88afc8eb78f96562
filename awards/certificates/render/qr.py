"""The QR code of the verification address: as an SVG data URI (the verification page) and as PDF
operators drawn over each certificate page (``postprocess``)."""

from __future__ import annotations

import segno

from awards.certificates.render.ornaments import num

_QR_DARK = "#0b2a5b"
_QR_LIGHT = "#ffffff"


def make_qr(url: str) -> segno.QRCode:
    """The QR code of a verification address: a regular (not micro) QR, error correction M."""
    return segno.make_qr(url, error="m", boost_error=False)


def qr_data_uri(url: str) -> str:
    """The QR code as an SVG data URI, dark blue on white, with the standard 4-module quiet zone."""
    return make_qr(url).svg_data_uri(dark=_QR_DARK, light=_QR_LIGHT, border=4, omitsize=True)


def qr_ops(url: str, box: tuple[float, float, float], *, page_height: float) -> bytes:
    """PDF operators drawing the QR code of ``url`` in a square box (x, y, side in CSS px from the
    top left), white, with the 4-module quiet zone, dark modules as one filled path of rectangles:
    vector like an SVG, but without WeasyPrint parsing and redrawing an image on every page."""
    matrix = make_qr(url).matrix
    x, y, side = box
    module = side / (len(matrix) + 8)
    ops = [
        f"q 0.75 0 0 -0.75 0 {num(page_height)} cm",
        f"{_colour(_QR_LIGHT)} rg {num(x)} {num(y)} {num(side)} {num(side)} re f",
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
    return " ".join(num(int(value[i : i + 2], 16) / 255) for i in (0, 2, 4))
