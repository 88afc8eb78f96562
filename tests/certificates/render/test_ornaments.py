"""The ornaments: computed PDF content streams and the CSS that places text beside them."""

from __future__ import annotations

import re
import zlib

import pytest

from awards.certificates.render import MAX_SIGNATORIES
from awards.certificates.render.ornaments import (
    DIVIDER_CENTRE,
    SEAL_BOX,
    Ops,
    decor_streams,
    frame_stylesheet,
    num,
)


@pytest.mark.parametrize(
    ("value", "text"), [(0, "0"), (2.5, "2.5"), (2.0, "2"), (-0.001, "0"), (0.126, "0.13"), (-3.14159, "-3.14")]
)
def test_num_writes_at_most_two_decimals_without_trailing_zeros(value, text):
    assert num(value) == text


def test_ops_smooth_path_closes_or_strokes_open():
    closed, opened = Ops(), Ops()

    closed.smooth([(0, 0), (10, 0), (10, 10)], closed=True)
    opened.smooth([(0, 0), (10, 0), (10, 10)], closed=False)

    assert closed.lines[0].splitlines()[0] == "0 0 m"
    assert closed.lines[0].endswith("\ns") and closed.lines[0].count(" c") == 3
    assert opened.lines[0].endswith("\nS") and opened.lines[0].count(" c") == 2


def test_decor_streams_are_the_four_forms_as_compressed_ascii_operators():
    streams = decor_streams()

    assert sorted(streams) == ["TandisCorner", "TandisFrame", "TandisSealCertificate", "TandisSealGold"]
    decoded = {name: zlib.decompress(data).decode("ascii") for name, data in streams.items()}
    assert decoded["TandisFrame"].count("/TandisCorner Do") == 4  # one medallion per corner
    assert decoded["TandisSealGold"] != decoded["TandisSealCertificate"]
    assert all(re.fullmatch(r"[-0-9. a-zA-Z/\n]+", text) for text in decoded.values())


def test_decor_streams_are_computed_the_same_every_time():
    first = {name: zlib.decompress(data) for name, data in decor_streams().items()}
    decor_streams.cache_clear()

    assert {name: zlib.decompress(data) for name, data in decor_streams().items()} == first


def test_frame_stylesheet_places_cycle_tier_and_every_signatory_count():
    css = frame_stylesheet()

    assert f".cycle {{ top: {num(DIVIDER_CENTRE[1] + 3.5)}mm; }}" in css
    assert f"top: {num(SEAL_BOX[1] + SEAL_BOX[2] / 2 + 1.2)}mm" in css
    for count in range(1, MAX_SIGNATORIES + 1):
        assert len(re.findall(rf"\.count-{count} \.signatory:nth-child\(\d\)", css)) == count
    assert ".count-1 .signatory:nth-child(1) { left: 31.5mm; width: 62mm; }" in css  # centred in 125 mm
