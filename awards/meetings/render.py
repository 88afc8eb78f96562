"""The minutes as an A4 portrait PDF/A-3b: Persian, right to left, Vazirmatn embedded, a QR code of the public
confirmation page.

Reproducibility: the document is drawn only from the meeting's stored fields (names, tables and digests as the
minutes recorded them, never live data), always in Persian (no gettext: a reader's language must not change the
bytes), with the PDF's creation and modification dates taken from ``sealed_at`` (``recorded_at`` before sealing)
and WeasyPrint's content-derived PDF/A identifier and font subset tags. So sealed minutes print to the same bytes
every time (tested), without storing the file.

The HTML comes from an autoescaped template (``templates/meetings/minutes_pdf.html``) and WeasyPrint fetches
through the certificates' locked-down fetcher and their sRGB output intent: files under ``static/`` and ``data:``
URIs only, never the network.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

from flask import render_template
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import path2url

from awards.certificates.render import PDF_VARIANT, StaticOnlyURLFetcher, qr_data_uri
from awards.certificates.render.renderer import _OUTPUT_INTENT, _srgb_profiles
from awards.enums import CommitteeCode, DecisionKind, MeetingBody, MeetingState, Tier
from awards.models import Meeting
from awards.persian import amount_in_words, format_jalali_date, format_jalali_datetime, to_persian_digits

#: The PDF speaks Persian whatever the reader's language (see the module docstring).
COMMITTEE_FA = {
    CommitteeCode.WINNERS: "برگزیدگان",
    CommitteeCode.PROVINCIAL_AFFAIRS: "امور استان‌ها",
    CommitteeCode.MEDIA: "رسانه",
    CommitteeCode.OVERSIGHT: "نظارت و پیگیری",
    CommitteeCode.FINANCE: "مالی",
    CommitteeCode.CONTENT: "محتوا",
}
KIND_FA = {
    DecisionKind.CATEGORY_RANKING: "رتبه‌بندی رشتهٔ «{category}»",
    DecisionKind.TIE_ORDER: "ترتیب نامزدهای هم‌امتیاز رشتهٔ «{category}»",
    DecisionKind.SCREENING: "تصمیم‌های غربالگری رشتهٔ «{category}»",
    DecisionKind.COMPLIANCE: "تصمیم‌های انطباق رشتهٔ «{category}»",
    DecisionKind.BUDGET: "بودجهٔ جایزه‌های دوره",
    DecisionKind.GENERAL: "",
    DecisionKind.PROVINCIAL_RANKING: "رتبه‌بندی استانی و معرفی به دور ملی در رشتهٔ «{category}»",
}
COLUMN_FA = {
    "rank": "رتبه", "nominee": "نامزد", "province": "استان", "final_score": "امتیاز نهایی (F)", "tier": "سطح",
    "order": "ترتیب مصوب", "justification": "دلیل", "outcome": "نتیجه", "reason": "توضیح", "date": "تاریخ",
    "provincial_score": "امتیاز استانی", "forwarding": "تصمیم کارگروه",
}
VALUE_FA = {
    Tier.GOLD.value: "تندیس زرین ملی و لوح تقدیر", Tier.CERTIFICATE.value: "لوح تقدیر",
    "accepted": "پذیرفته", "returned": "بازگشت به استان", "passed": "تأیید انطباق", "failed": "رد انطباق",
    "forwarded": "معرفی به دور ملی", "kept": "ماندن در استان", "awaiting": "در انتظار تصمیم",
}


def _cell(column: str, value: Any) -> str:
    if value is None:
        return "—"
    if column == "order":
        return " ← ".join(value)
    if column in ("tier", "outcome", "forwarding"):
        return VALUE_FA.get(value, value)
    if column in ("final_score", "provincial_score"):
        return to_persian_digits(str(value).replace(".", "٫"))
    return to_persian_digits(str(value))


def decision_view(number: int, decision) -> dict[str, Any]:
    """A decision as printed: its number and title, text, amount in digits and words, and its table's cells."""
    table = decision.table or {}
    columns = table.get("columns", [])
    title = KIND_FA[decision.kind].format(category=decision.category.title if decision.category else "")
    amount = None
    if decision.amount is not None:
        value = int(decision.amount)
        amount = f"{to_persian_digits(f'{value:,}').replace(',', '٬')} ریال ({amount_in_words(value)} ریال)"
    return {
        "number": to_persian_digits(str(number)),
        "title": title,
        "text": decision.text,
        "amount": amount,
        "headings": [COLUMN_FA[c] for c in columns],
        "rows": [[_cell(c, v) for c, v in zip(columns, row, strict=True)] for row in table.get("rows", [])],
        "more": to_persian_digits(str(table["more"])) if table.get("more") else None,
        "digest": decision.result_digest,
        "empty": decision.kind is DecisionKind.CATEGORY_RANKING and not table.get("rows"),
    }


def _w3c(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def body_fa(meeting: Meeting) -> str:
    """The body that met, as the minutes name it: «کمیتهٔ برگزیدگان», «کارگروه استانی فارس»."""
    if meeting.body is MeetingBody.PROVINCIAL_GROUP:
        return f"کارگروه استانی {meeting.provincial_group.province.name_fa}"
    return f"کمیتهٔ {COMMITTEE_FA[meeting.committee.code]}"


def minutes_html(meeting: Meeting, *, public_url: str) -> str:
    """The minutes' HTML, from stored fields only (needs an app context for the template)."""
    sealed = meeting.state is MeetingState.SEALED
    body = body_fa(meeting)
    chair, member = (("رئیس کارگروه", "عضو کارگروه") if meeting.body is MeetingBody.PROVINCIAL_GROUP
                     else ("رئیس کمیته", "عضو کمیته"))
    return render_template(
        "meetings/minutes_pdf.html",
        title=f"صورتجلسهٔ {body} — {meeting.number}",
        body=body,
        cycle_title=to_persian_digits(meeting.cycle.title),
        number=meeting.number,
        held_on=format_jalali_date(meeting.held_on, long=True),
        place=meeting.place,
        agenda=meeting.agenda,
        attendees=[{"name": a.name, "role": chair if a.is_chair else member,
                    "signed": format_jalali_datetime(a.signed_at) if a.signed_at else None}
                   for a in meeting.attendees],
        decisions=[decision_view(n, d) for n, d in enumerate(meeting.decisions, start=1)],
        sealed=sealed,
        sealed_at=format_jalali_datetime(meeting.sealed_at) if sealed else None,
        digest=meeting.content_digest,
        public_url=public_url,
        qr=qr_data_uri(public_url),
        stamp=_w3c(meeting.sealed_at if sealed else meeting.recorded_at),
    )


def render_pdf(html: str, *, static_dir: Path) -> bytes:
    """Lay out ``html`` (relative addresses resolve under ``static_dir``) and return the PDF/A-3b, nothing
    attached."""
    root = Path(os.path.realpath(static_dir))
    document = HTML(string=html, base_url=path2url(str(root)), url_fetcher=StaticOnlyURLFetcher(root)).render(
        font_config=FontConfiguration(), color_profiles=_srgb_profiles(), presentational_hints=False,
        pdf_variant=PDF_VARIANT, output_intent=_OUTPUT_INTENT)
    document.metadata.attachments = []
    return document.write_pdf(pdf_variant=PDF_VARIANT, output_intent=_OUTPUT_INTENT, presentational_hints=False)
