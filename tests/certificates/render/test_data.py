"""The certificate data: what may be printed is checked when it is built."""

from __future__ import annotations

import datetime

import pytest

from tests.certificates.render.helpers import make_data


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
