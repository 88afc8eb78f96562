"""The certificate data: what may be printed is checked when it is built."""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from awards.certificates.render import CERTIFICATE, MAX_SIGNATORIES, SignatoryData
from awards.certificates.render.data import refuse_revoked, stamp_key
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


def test_certificate_data_valid_builds_and_is_frozen():
    data = make_data(serial="A" * 48, verify_url="http://127.0.0.1:5000/verify/x", recipient_title="")

    assert data.serial == "A" * 48
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.serial = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("serial", "A" * 49, "serial"),
        ("serial", "-1404", "serial"),
        ("verify_url", "https://tandis.example", "verification URL"),
        ("ceremony_date", datetime.datetime(2025, 8, 26, tzinfo=datetime.UTC), "ceremony_date"),
        ("signatories", (("علیرضا پارسا", "وزیر"),), "SignatoryData"),
        ("signatories", tuple(SignatoryData(f"نام {i}", "سمت") for i in range(MAX_SIGNATORIES + 1)), "at most"),
        ("nominee_name", "", "nominee_name"),
        ("recipient_line", None, "recipient_line"),
    ],
)
def test_certificate_data_refusal_names_the_problem(field, value, message):
    with pytest.raises(ValueError, match=message):
        make_data(**{field: value})


def test_certificate_data_up_to_max_signatories_fit():
    signatories = tuple(SignatoryData(f"نام {i}", "سمت") for i in range(MAX_SIGNATORIES))

    assert make_data(signatories=signatories).signatories == signatories


def test_refuse_revoked_names_the_revoked_serial():
    refuse_revoked([make_data()])

    with pytest.raises(ValueError, match="1404-CLUSTER-002 is revoked"):
        refuse_revoked([make_data(), make_data(serial="1404-CLUSTER-002", revoked=True)])


def test_stamp_key_shared_by_tier_cycle_date_and_signatories_only():
    base = make_data()

    assert stamp_key(base) == stamp_key(make_data(serial="1404-CLUSTER-002", citation="دیگر", nominee_name="دیگر"))
    assert stamp_key(base) == stamp_key(make_data(cycle_title=f"  {base.cycle_title} "))
    assert stamp_key(base) != stamp_key(make_data(tier=CERTIFICATE))
    assert stamp_key(base) != stamp_key(make_data(ceremony_date=datetime.date(2025, 8, 27)))
    assert stamp_key(base) != stamp_key(make_data(signatories=base.signatories[:1]))
