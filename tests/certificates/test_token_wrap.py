"""The printed verification address: it may wrap before the token, never inside it (issue 13, item 9)."""

from __future__ import annotations

import datetime
import subprocess
from pathlib import Path

import pytest

from awards.certificates.render import CertificateData, CertificateRenderer, SignatoryData
from awards.results.services import verification_token

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"

pytestmark = pytest.mark.skipif(not (STATIC / "vendor/vazirmatn/ttf/Vazirmatn-Regular.ttf").exists(),
                                reason="Vazirmatn fonts missing: run scripts/vendor-assets.sh")


def _data(verify_url: str) -> CertificateData:
    return CertificateData(
        serial="1404-CLUSTER-001", verify_url=verify_url, recipient_line="جناب آقای محمدعلی جمشیدی",
        recipient_title="عامل توسعه خوشه مسقطی لار", nominee_name="خوشه مسقطی لاری",
        category_title="خوشه صنعتی برتر", cycle_title="روز ملی صنعت و معدن ۱۴۰۴",
        citation="خوشه مسقطی لاری صادرات این فرآورده اصیل را دو برابر کرده است.", tier="gold",
        ceremony_date=datetime.date(2025, 8, 26), issued_at=datetime.datetime(2025, 8, 20, 9, 30, tzinfo=datetime.UTC),
        signatories=(SignatoryData("علیرضا پارسا", "وزیر صنعت، معدن و تجارت"),))


@pytest.fixture(scope="module")
def renderer() -> CertificateRenderer:
    return CertificateRenderer(static_dir=STATIC, template_dir=ROOT / "templates")


def _lines(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout.splitlines()


@pytest.mark.parametrize("host", ["https://tandis.example/verify", "https://award-secretariat.mimt.gov.ir/verify"])
def test_token_wrap_new_token_prints_whole_on_one_line(renderer, tmp_path, host):
    token = verification_token()
    pdf = renderer.render_one(_data(f"{host}/{token}"))
    assert any(token in line for line in _lines(pdf, tmp_path)), "the token was split across lines"


def test_token_wrap_old_32_character_token_with_dashes_is_not_split_either(renderer, tmp_path):
    token = "q7Xz-3Kp9LmN2vR8_sT4wY6bA1cD5eF0"
    pdf = renderer.render_one(_data(f"https://award-secretariat.mimt.gov.ir/verify/{token}"))
    assert any(token in line for line in _lines(pdf, tmp_path))


def test_token_wrap_tokens_are_fresh_and_from_the_alphabet():
    tokens = {verification_token() for _ in range(200)}
    assert len(tokens) == 200
    assert all(len(token) == 24 and token.isalnum() for token in tokens)
