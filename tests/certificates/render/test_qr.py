"""The verification QR code."""

from __future__ import annotations

from awards.certificates.render import make_qr
from tests.certificates.render.helpers import VERIFY_URL


def test_make_qr_encodes_url_with_error_correction_m():
    qr = make_qr(VERIFY_URL)

    assert qr.error == "M"
    assert not qr.is_micro
    assert qr.mode == "byte"
    assert qr.designator.endswith("-M")
