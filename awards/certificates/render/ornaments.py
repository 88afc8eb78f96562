"""The ornaments: a computed guilloche frame, corner medallions, watermark rosette, title ornament and tier
seals, as PDF content streams; and the generated CSS that places text beside them.

These are thousands of curve segments.  As SVG images WeasyPrint would re-parse and re-draw them on
every page (~0.25 s a page), so they are emitted here once, as the content of PDF form XObjects
(:func:`decor_streams`), which ``postprocess`` adds to each document and each page only draws.
Geometry is in millimetres with the origin at the top left of the page, like the CSS; the forms'
/Matrix maps it to PDF points.  The frame is computed, not random: the same bytes every time.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from functools import lru_cache

from awards.certificates.render.data import MAX_SIGNATORIES

PAGE_W_MM, PAGE_H_MM = 297.0, 210.0
PT_PER_MM = 72 / 25.4

_NAVY = (0x0F, 0x2D, 0x5C)
_GOLD = (0xC9, 0xA6, 0x46)
_GOLD_DARK = (0xA8, 0x83, 0x2A)
_GOLD_LIGHT = (0xE6, 0xCF, 0x86)
_BLUE_LINE = (0x6F, 0x8F, 0xC4)
_WATERMARK = (0xEF, 0xE4, 0xC4)
_PAPER = (0xFF, 0xFD, 0xF7)
_SEAL_GOLD_FILL = (0xF6, 0xEC, 0xC9)
_SEAL_BLUE_FILL = (0xE7, 0xED, 0xF7)

# Frame geometry (mm from the page edge).
_OUTER_RULE = 5.6  # thin navy rule
_BAND_OUT, _BAND_IN = 7.75, 17.25  # navy band carrying the braided guilloche
_BAND_MID = (_BAND_OUT + _BAND_IN) / 2
CORNER = 17.0  # corner medallion side, centred on the band's corners
_INNER_RULE = 18.875  # gold rule (centre line)
_WATERMARK_CENTRE = (PAGE_W_MM / 2, 104.0)

#: Centre of the ornament under the title (mm); the cycle title is placed just below it.
DIVIDER_CENTRE = (PAGE_W_MM / 2, 50.35)
#: Where the tier seal is drawn (centre x, centre y, diameter), mm; the CSS leaves this room.
SEAL_BOX = (246.0, 165.0, 24.0)
#: Width of the signatories' band in the footer (see .signatories in certificate.css), mm.
_SIGNATORIES_WIDTH = 125.0


def num(value: float) -> str:
    """A number as PDF operators and the generated CSS write it: at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class Ops:
    """A tiny PDF content-stream writer (coordinates in the form's millimetre space)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def colour(self, rgb: tuple[int, int, int], *, stroke: bool) -> None:
        r, g, b = (num(c / 255) for c in rgb)
        self.lines.append(f"{r} {g} {b} {'RG' if stroke else 'rg'}")

    def width(self, mm: float) -> None:
        self.lines.append(f"{num(mm)} w")

    def smooth(self, points: Sequence[tuple[float, float]], *, closed: bool) -> None:
        """A smooth cubic Bézier path through the points (Catmull-Rom spline), then stroke."""
        n = len(points)
        out = [f"{num(points[0][0])} {num(points[0][1])} m"]
        for i in range(n if closed else n - 1):
            p0 = points[(i - 1) % n] if (closed or i > 0) else points[0]
            p1, p2 = points[i % n], points[(i + 1) % n]
            p3 = points[(i + 2) % n] if (closed or i + 2 < n) else points[-1]
            out.append(
                f"{num(p1[0] + (p2[0] - p0[0]) / 6)} {num(p1[1] + (p2[1] - p0[1]) / 6)} "
                f"{num(p2[0] - (p3[0] - p1[0]) / 6)} {num(p2[1] - (p3[1] - p1[1]) / 6)} "
                f"{num(p2[0])} {num(p2[1])} c"
            )
        out.append("s" if closed else "S")
        self.lines.append("\n".join(out))

    def rect(self, x: float, y: float, w: float, h: float, op: str) -> None:
        self.lines.append(f"{num(x)} {num(y)} {num(w)} {num(h)} re {op}")

    def circle(self, cx: float, cy: float, r: float, op: str) -> None:
        k = 0.5523 * r
        self.lines.append(
            f"{num(cx + r)} {num(cy)} m "
            f"{num(cx + r)} {num(cy + k)} {num(cx + k)} {num(cy + r)} {num(cx)} {num(cy + r)} c "
            f"{num(cx - k)} {num(cy + r)} {num(cx - r)} {num(cy + k)} {num(cx - r)} {num(cy)} c "
            f"{num(cx - r)} {num(cy - k)} {num(cx - k)} {num(cy - r)} {num(cx)} {num(cy - r)} c "
            f"{num(cx + k)} {num(cy - r)} {num(cx + r)} {num(cy - k)} {num(cx + r)} {num(cy)} c {op}"
        )

    def polygon(self, points: Sequence[tuple[float, float]], op: str) -> None:
        first, *rest = points
        self.lines.append(
            f"{num(first[0])} {num(first[1])} m "
            + " ".join(f"{num(x)} {num(y)} l" for x, y in rest)
            + f" h {op}"
        )

    def data(self) -> bytes:
        return "\n".join(self.lines).encode("ascii")


def _rosette(
    ops: Ops,
    cx: float,
    cy: float,
    radius: float,
    depth: float,
    lobes: int,
    strands: int,
    *,
    per_lobe: int = 6,
) -> None:
    """Closed guilloche rosette curves r(t) = radius + depth * sin(lobes * t + phase)."""
    samples = lobes * per_lobe
    for k in range(strands):
        phase = 2 * math.pi * k / strands
        pts = []
        for j in range(samples):
            t = 2 * math.pi * j / samples
            r = radius + depth * math.sin(lobes * t + phase)
            pts.append((cx + r * math.cos(t), cy + r * math.sin(t)))
        ops.smooth(pts, closed=True)


def _band(ops: Ops, start: float, end: float, *, vertical: bool, offset: float) -> None:
    """Braided sine waves along one side of the frame, centred on the band."""
    length = end - start
    periods = max(1, round(length / 12.0))
    period = length / periods
    families = (
        # (frequency, amplitude mm, strands, colour, line width mm)
        (1, 3.1, 4, _GOLD, 0.22),
        (2, 1.6, 3, _BLUE_LINE, 0.14),
        (1, 1.2, 2, _GOLD_LIGHT, 0.12),
    )
    for freq, amp, strands, colour, width in families:
        ops.colour(colour, stroke=True)
        ops.width(width)
        steps = 8 * freq * periods
        for k in range(strands):
            phase = 2 * math.pi * k / strands
            pts = []
            for j in range(steps + 1):
                s = start + length * j / steps
                d = offset + amp * math.sin(2 * math.pi * freq * (s - start) / period + phase)
                pts.append((d, s) if vertical else (s, d))
            ops.smooth(pts, closed=False)


def _corner_ops() -> Ops:
    """One corner medallion, centred on (0, 0): navy square, gold rosette, blue inner rosette."""
    ops, h = Ops(), CORNER / 2
    ops.colour(_NAVY, stroke=False)
    ops.rect(-h, -h, CORNER, CORNER, "f")
    ops.colour(_GOLD, stroke=True)
    ops.width(0.3)
    ops.rect(-h + 0.7, -h + 0.7, CORNER - 1.4, CORNER - 1.4, "S")
    ops.width(0.2)
    _rosette(ops, 0, 0, 5.6, 1.6, 12, 3)
    ops.colour(_BLUE_LINE, stroke=True)
    ops.width(0.16)
    _rosette(ops, 0, 0, 3.0, 0.9, 8, 2, per_lobe=5)
    ops.colour(_GOLD, stroke=False)
    ops.circle(0, 0, 0.9, "f")
    return ops


def _frame_ops() -> Ops:
    """Paper, rules, bands, watermark, title ornament; corners are drawn by the /TandisCorner form."""
    ops = Ops()
    ops.lines.append("1 J 1 j")  # round caps and joins
    ops.colour(_PAPER, stroke=False)
    ops.rect(0, 0, PAGE_W_MM, PAGE_H_MM, "f")
    # Watermark rosette behind the text.
    cx, cy = _WATERMARK_CENTRE
    ops.colour(_WATERMARK, stroke=True)
    ops.width(0.3)
    _rosette(ops, cx, cy, 51.0, 7.4, 36, 3, per_lobe=5)
    ops.width(0.25)
    _rosette(ops, cx, cy, 33.0, 5.0, 24, 2, per_lobe=5)
    # Outer navy rule.
    ops.colour(_NAVY, stroke=True)
    ops.width(0.45)
    o = _OUTER_RULE + 0.225
    ops.rect(o, o, PAGE_W_MM - 2 * o, PAGE_H_MM - 2 * o, "S")
    # Navy bands.
    ops.colour(_NAVY, stroke=False)
    t = _BAND_IN - _BAND_OUT
    ops.rect(_BAND_OUT, _BAND_OUT, PAGE_W_MM - 2 * _BAND_OUT, t, "f")
    ops.rect(_BAND_OUT, PAGE_H_MM - _BAND_IN, PAGE_W_MM - 2 * _BAND_OUT, t, "f")
    ops.rect(_BAND_OUT, _BAND_OUT, t, PAGE_H_MM - 2 * _BAND_OUT, "f")
    ops.rect(PAGE_W_MM - _BAND_IN, _BAND_OUT, t, PAGE_H_MM - 2 * _BAND_OUT, "f")
    # Guilloche on the bands, between the corner medallions.
    c = _BAND_MID + CORNER / 2 - 1
    _band(ops, c, PAGE_W_MM - c, vertical=False, offset=_BAND_MID)
    _band(ops, c, PAGE_W_MM - c, vertical=False, offset=PAGE_H_MM - _BAND_MID)
    _band(ops, c, PAGE_H_MM - c, vertical=True, offset=_BAND_MID)
    _band(ops, c, PAGE_H_MM - c, vertical=True, offset=PAGE_W_MM - _BAND_MID)
    # Inner rules: navy hairline, then gold.
    ops.colour(_NAVY, stroke=True)
    ops.width(0.2)
    i = _BAND_IN + 0.55
    ops.rect(i, i, PAGE_W_MM - 2 * i, PAGE_H_MM - 2 * i, "S")
    ops.colour(_GOLD, stroke=True)
    ops.width(0.55)
    ops.rect(_INNER_RULE, _INNER_RULE, PAGE_W_MM - 2 * _INNER_RULE, PAGE_H_MM - 2 * _INNER_RULE, "S")
    _divider_ops(ops)
    # Corner medallions.
    for x in (_BAND_MID, PAGE_W_MM - _BAND_MID):
        for y in (_BAND_MID, PAGE_H_MM - _BAND_MID):
            ops.lines.append(f"q 1 0 0 1 {num(x)} {num(y)} cm /TandisCorner Do Q")
    return ops


def _seal_ops(*, gold: bool) -> Ops:
    """The tier seal at SEAL_BOX: a rosette medallion, gold for the national statuette."""
    cx, cy, size = SEAL_BOX
    s = size / 30.0  # designed on a 30 mm grid
    fill, line, inner = (_SEAL_GOLD_FILL, _GOLD_DARK, _GOLD) if gold else (_SEAL_BLUE_FILL, _NAVY, _BLUE_LINE)
    ops = Ops()
    ops.lines.append("1 J 1 j")
    ops.colour(fill, stroke=False)
    ops.colour(line, stroke=True)
    ops.width(0.5 * s)
    ops.circle(cx, cy, 14.6 * s, "B")
    ops.width(0.2 * s)
    ops.circle(cx, cy, 13.4 * s, "S")
    ops.colour(inner, stroke=True)
    ops.width(0.22 * s)
    _rosette(ops, cx, cy, 10.2 * s, 2.2 * s, 16, 3)
    star = []
    for j in range(16):
        r = (6.2 if j % 2 == 0 else 2.8) * s
        t = math.pi * j / 8 - math.pi / 2
        star.append((cx + r * math.cos(t), cy + r * math.sin(t)))
    ops.colour(line, stroke=False)
    ops.polygon(star, "f")
    ops.colour(fill, stroke=False)
    ops.circle(cx, cy, 1.6 * s, "f")
    return ops


@lru_cache(maxsize=1)
def decor_streams() -> dict[str, bytes]:
    """The compressed content of each decoration form, computed once per process."""
    streams = {
        "TandisCorner": _corner_ops().data(),
        "TandisFrame": _frame_ops().data(),
        "TandisSealGold": _seal_ops(gold=True).data(),
        "TandisSealCertificate": _seal_ops(gold=False).data(),
    }
    return {name: zlib.compress(data, 9) for name, data in streams.items()}


def _divider_ops(ops: Ops) -> None:
    """The ornament under the title: tapering gold rules with a central navy and gold lozenge."""
    c, m = DIVIDER_CENTRE
    half = 55.0
    ops.colour(_GOLD, stroke=False)
    ops.polygon([(c - half + 4, m), (c - 9, m - 0.35), (c - 9, m + 0.35)], "f")
    ops.polygon([(c + half - 4, m), (c + 9, m - 0.35), (c + 9, m + 0.35)], "f")
    for x, r in ((c - half + 2.6, 0.8), (c + half - 2.6, 0.8), (c - 7.2, 0.9), (c + 7.2, 0.9)):
        ops.circle(x, m, r, "f")
    ops.colour(_NAVY, stroke=False)
    ops.polygon([(c, m - 2.8), (c + 5, m), (c, m + 2.8), (c - 5, m)], "f")
    ops.colour(_GOLD, stroke=False)
    ops.polygon([(c, m - 1.6), (c + 2.9, m), (c, m + 1.6), (c - 2.9, m)], "f")


@lru_cache(maxsize=1)
def frame_stylesheet() -> str:
    """Generated CSS: positions of what sits next to the drawn ornaments (see certificate.css)."""
    cx, cy, size = SEAL_BOX
    return "\n".join(
        (
            f".cycle {{ top: {num(DIVIDER_CENTRE[1] + 3.5)}mm; }}",
            f".tier {{ left: {num(cx - 27)}mm; top: {num(cy + size / 2 + 1.2)}mm; width: 54mm; }}",
            *_signatory_rules(),
        )
    )


def _signatory_rules() -> list[str]:
    """Absolute positions of 1..MAX_SIGNATORIES signatories, first on the right (no table layout:
    WeasyPrint's tables are slow and its RTL flex/auto margins misplace boxes)."""
    rules = []
    for count in range(1, MAX_SIGNATORIES + 1):
        slot = _SIGNATORIES_WIDTH / count
        width = min(62.0, slot - 2)
        for index in range(count):
            centre = _SIGNATORIES_WIDTH - (index + 0.5) * slot
            rules.append(
                f".count-{count} .signatory:nth-child({index + 1}) "
                f"{{ left: {num(centre - width / 2)}mm; width: {num(width)}mm; }}"
            )
    return rules
