"""Shared by the renderer's tests (and the subprocess reprint test): sample data and PDF readers."""

from __future__ import annotations

import dataclasses
import datetime
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from awards.certificates.render import CertificateData, SignatoryData

ROOT = Path(__file__).resolve().parents[3]
STATIC = ROOT / "static"
TEMPLATES = ROOT / "templates"
ZWNJ = "\u200c"
VERIFY_URL = "https://tandis.example/verify/q7Xz3Kp9LmN2vR8sT4wY6bA1cD5eF"

#: For modules that render certificates (and so need the vendored Vazirmatn fonts).
needs_fonts = pytest.mark.skipif(
    not (STATIC / "vendor/vazirmatn/ttf/Vazirmatn-Regular.ttf").exists(),
    reason="Vazirmatn fonts missing: run scripts/vendor-assets.sh",
)


def make_data(**changes) -> CertificateData:
    data = CertificateData(
        serial="1404-CLUSTER-001",
        verify_url=VERIFY_URL,
        recipient_line="جناب آقای محمدعلی جمشیدی",
        recipient_title="عامل توسعه خوشه مسقطی لار",
        nominee_name="خوشه مسقطی لاری",
        category_title="خوشه صنعتی برتر",
        cycle_title="روز ملی صنعت و معدن ۱۴۰۴",
        citation=(
            "خوشه مسقطی لاری با ساماندهی بیش از یکصد واحد تولیدی و گشودن بازارهای صادراتی تازه، "
            "صادرات این فرآورده اصیل را دو برابر کرده است. راه‌اندازی مرکز نوآوری مسقطی لار، "
            "این شیرینی سنتی را به نشانی ماندگار از توان صنعت استان فارس بدل کرده است."
        ),
        tier="gold",
        ceremony_date=datetime.date(2025, 8, 26),
        issued_at=datetime.datetime(2025, 8, 20, 9, 30, tzinfo=datetime.UTC),
        signatories=(
            SignatoryData("علیرضا پارسا", "وزیر صنعت، معدن و تجارت"),
            SignatoryData("مریم توکلی", "دبیر ستاد برگزاری روز ملی صنعت و معدن"),
        ),
    )
    return dataclasses.replace(data, **changes)


def page_text(pdf: bytes, page: int = 0) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[page].extract_text().replace(ZWNJ, "")


def words(text: str) -> list[str]:
    return text.replace(ZWNJ, "").split()


def embedded_files(pdf: bytes) -> list[str]:
    """Names of everything embedded: the /EmbeddedFiles tree, /AF entries, file-attachment annotations."""
    reader = PdfReader(io.BytesIO(pdf))
    found = list(reader.attachments)
    found += [str(spec) for spec in reader.trailer["/Root"].get("/AF", [])]
    for page in reader.pages:
        for annotation in page.get("/Annots", []):
            if annotation.get_object().get("/Subtype") == "/FileAttachment":
                found.append(str(annotation.get_object().get("/FS")))
    return found
