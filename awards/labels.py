"""Display labels for enum values, translatable through Flask-Babel."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from awards.enums import (
    Aggregation,
    CommitteeCode,
    ComplianceOutcome,
    NominationState,
    NomineeKind,
    Phase,
    PublicationState,
    ScreeningOutcome,
    Tier,
)

LABELS = {
    NominationState.DRAFT: _l("پیش‌نویس"),
    NominationState.SUBMITTED: _l("ارسال‌شده"),
    NominationState.IN_EVALUATION: _l("در حال ارزیابی"),
    NominationState.SHORTLISTED: _l("فهرست نهایی"),
    NominationState.AWARDED: _l("برگزیده"),
    NominationState.NOT_SELECTED: _l("انتخاب‌نشده"),
    NominationState.INELIGIBLE: _l("فاقد صلاحیت"),
    NominationState.WITHDRAWN: _l("انصراف‌داده"),
    NominationState.FORWARDED: _l("معرفی‌شده به دور ملی"),
    NominationState.NOT_FORWARDED: _l("معرفی‌نشده به دور ملی"),
    NominationState.PROVINCIALLY_AWARDED: _l("برگزیدهٔ استانی"),
    NomineeKind.LEGAL_ENTITY: _l("شخص حقوقی"),
    NomineeKind.PERSON: _l("شخص حقیقی"),
    NomineeKind.CLUSTER: _l("خوشه"),
    NomineeKind.PROJECT: _l("طرح"),
    CommitteeCode.WINNERS: _l("برگزیدگان"),
    CommitteeCode.PROVINCIAL_AFFAIRS: _l("امور استان‌ها"),
    CommitteeCode.MEDIA: _l("رسانه"),
    CommitteeCode.OVERSIGHT: _l("نظارت و پیگیری"),
    CommitteeCode.FINANCE: _l("مالی"),
    CommitteeCode.CONTENT: _l("محتوا"),
    Aggregation.MEAN: _l("میانگین"),
    Aggregation.MEDIAN: _l("میانه"),
    Aggregation.TRIMMED_MEAN: _l("میانگین پیراسته"),
    ScreeningOutcome.ACCEPTED: _l("پذیرفته"),
    ScreeningOutcome.RETURNED: _l("بازگشت به استان"),
    ComplianceOutcome.PASSED: _l("تأیید انطباق"),
    ComplianceOutcome.FAILED: _l("رد انطباق"),
    Tier.GOLD: _l("تندیس زرین ملی و لوح تقدیر"),
    Tier.CERTIFICATE: _l("لوح تقدیر"),
    PublicationState.PREPARING: _l("در دست تهیه"),
    PublicationState.APPROVED: _l("تأییدشده برای انتشار"),
    PublicationState.OPEN: _l("صفحهٔ عمومی باز است"),
    Phase.NOT_OPEN: _l("پیش از آغاز معرفی"),
    Phase.NOMINATION: _l("معرفی نامزدها"),
    Phase.PROVINCIAL_SCORING: _l("ارزیابی استانی"),
    Phase.PROVINCIAL_SELECTION: _l("انتخاب استانی"),
    Phase.SCREENING: _l("غربالگری"),
    Phase.EVALUATION: _l("ارزیابی کمیته‌ها"),
    Phase.RESULTS: _l("جمع‌بندی نتایج"),
    Phase.FINAL: _l("نتایج نهایی"),
}

#: Dossier fields, in the reader's language (messages, the audit log).
DOSSIER_FIELD_LABELS = {
    "nominee_name": _l("نام نامزد"),
    "legal_id": _l("شناسه ملی"),
    "national_code": _l("کد ملی"),
    "salutation": _l("عنوان خطاب"),
    "representative_name": _l("نام نماینده"),
    "representative_title": _l("سمت نماینده"),
    "city": _l("شهر"),
    "sector": _l("بخش فعالیت"),
    "founding_year": _l("سال تأسیس"),
    "employees": _l("تعداد کارکنان"),
    "annual_sales": _l("فروش سالانه"),
    "exports_value": _l("ارزش صادرات"),
    "growth_percent": _l("درصد رشد"),
    "narrative": _l("شرح دستاوردها"),
    "mobile": _l("تلفن همراه"),
}

#: The timeline's dates, in the reader's language.
TIMELINE_FIELD_LABELS = {
    "nominations_open_at": _l("آغاز معرفی نامزدها"),
    "nominations_close_at": _l("پایان معرفی نامزدها"),
    "screening_close_at": _l("پایان غربالگری"),
    "evaluation_close_at": _l("پایان ارزیابی"),
    "results_final_at": _l("نهایی‌شدن نتایج"),
    "ceremony_at": _l("آیین اهدا"),
}

#: The provincial round's dates (``awards.models.ProvincialRound``), in the reader's language.
PROVINCIAL_FIELD_LABELS = {
    "scoring_close_at": _l("پایان ارزیابی استانی"),
    "selection_close_at": _l("پایان انتخاب استانی"),
}
