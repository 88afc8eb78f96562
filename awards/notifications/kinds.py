"""The kinds of notification: what users may opt out of, and which are security mail that nobody can refuse."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

DOSSIER_RETURNED = "dossier_returned"
DOSSIER_ACCEPTED = "dossier_accepted"
COMPLIANCE_FAILED = "compliance_failed"
SHEET_REOPENED = "sheet_reopened"
ASSIGNED = "assigned"
RESULTS_CONFIRMED = "results_confirmed"
AWARD_REVOKED = "award_revoked"
REMINDER = "reminder"
PASSWORD_LINK = "password_link"  # noqa: S105  (a kind's name, not a password)


@dataclass(frozen=True)
class Kind:
    code: str
    label: object
    security: bool = False


KINDS: dict[str, Kind] = {kind.code: kind for kind in (
    Kind(DOSSIER_RETURNED, _l("بازگشت پرونده به استان")),
    Kind(DOSSIER_ACCEPTED, _l("پذیرش پرونده برای ارزیابی")),
    Kind(COMPLIANCE_FAILED, _l("رد پرونده در بررسی انطباق")),
    Kind(SHEET_REOPENED, _l("بازگشایی برگهٔ امتیاز")),
    Kind(ASSIGNED, _l("سپردن پرونده برای ارزیابی")),
    Kind(RESULTS_CONFIRMED, _l("تأیید نتایج یک رشته")),
    Kind(AWARD_REVOKED, _l("لغو جایزه")),
    Kind(REMINDER, _l("یادآوری مهلت‌ها")),
    Kind(PASSWORD_LINK, _l("پیوند تعیین گذرواژه (امنیتی)"), security=True),
)}


def is_security(kind: str) -> bool:
    return KINDS[kind].security
