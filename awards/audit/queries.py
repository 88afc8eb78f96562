"""Reading the audit log: filters, a page of events newest first, and Persian labels for what they record.

The log is append-only (database triggers refuse UPDATE and DELETE); nothing here or anywhere in the app
writes to it except ``awards.audit.services.record``.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session, joinedload

from awards import i18n
from awards.enums import CommitteeCode
from awards.labels import DOSSIER_FIELD_LABELS, LABELS, PROVINCIAL_FIELD_LABELS, TIMELINE_FIELD_LABELS
from awards.models import AuditChainHead, AuditEvent, Criterion, User
from awards.pagination import Page
from awards.persian import TEHRAN, normalize_text

PER_PAGE = 50

#: Persian names of the actions services record; unknown actions are shown by their code.
ACTION_LABELS = {
    "nomination.create": _l("ایجاد پرونده"),
    "evaluation.remind": _l("یادآوری برگه‌های ارزیابی به اعضای کمیته"),
    "nomination.edit": _l("ویرایش پرونده"),
    "nomination.submit": _l("ارسال پرونده"),
    "nomination.withdraw": _l("انصراف از نامزدی"),
    "nomination.accept": _l("پذیرش برای ارزیابی"),
    "nomination.return": _l("بازگشت به استان"),
    "nomination.pass_compliance": _l("تأیید انطباق"),
    "nomination.fail_compliance": _l("رد انطباق"),
    "nomination.shortlist": _l("ورود به فهرست نهایی"),
    "nomination.award": _l("اعطای جایزه"),
    "nomination.not_select": _l("انتخاب‌نشدن"),
    "nomination.forward": _l("معرفی به دور ملی"),
    "nomination.not_forward": _l("معرفی‌نشدن به دور ملی"),
    "nomination.provincial_award": _l("اعطای جایزهٔ استانی"),
    "provincial.round": _l("تنظیم دور استانی"),
    "provincial.group_create": _l("تشکیل کارگروه استانی"),
    "provincial.seat_add": _l("افزودن عضو کارگروه استانی"),
    "provincial.seat_remove": _l("برداشتن عضو کارگروه استانی"),
    "provincial.chair": _l("تعیین رئیس کارگروه استانی"),
    "provincial.rubric_add": _l("افزودن معیار ارزیابی استانی"),
    "provincial.rubric_update": _l("ویرایش معیارهای ارزیابی استانی"),
    "provincial.sheet_reopen": _l("بازگشایی برگهٔ امتیاز استانی"),
    "provincial.selection_close": _l("بستن انتخاب استانی یک رشته"),
    "provincial.sheet_save": _l("ذخیرهٔ برگهٔ امتیاز استانی"),
    "provincial.sheet_submit": _l("ارسال برگهٔ امتیاز استانی"),
    "provincial.award_issue": _l("صدور جایزهٔ استانی"),
    "provincial.award_revoke": _l("لغو جایزهٔ استانی"),
    "provincial.signatory_add": _l("افزودن امضاکنندهٔ لوح استانی"),
    "provincial.signatory_edit": _l("ویرایش امضاکنندهٔ لوح استانی"),
    "provincial.signatory_signature": _l("بارگذاری تصویر امضای لوح استانی"),
    "provincial.signatory_move": _l("جابه‌جایی امضاکنندهٔ لوح استانی"),
    "provincial.signatory_remove": _l("برداشتن امضاکنندهٔ لوح استانی"),
    "document.add": _l("افزودن مدرک"),
    "document.remove": _l("حذف مدرک"),
    "signatory.add": _l("افزودن امضاکننده"),
    "signatory.edit": _l("ویرایش امضاکننده"),
    "signatory.signature": _l("بارگذاری تصویر امضا"),
    "signatory.move": _l("جابه‌جایی امضاکننده"),
    "signatory.remove": _l("برداشتن امضاکننده"),
    "user.create": _l("ایجاد کاربر"),
    "user.login": _l("ورود به سامانه"),
    "user.enable": _l("فعال‌سازی کاربر"),
    "user.disable": _l("غیرفعال‌سازی کاربر"),
    "user.password": _l("تغییر گذرواژه"),
    "user.password_link": _l("ساخت پیوند تعیین گذرواژه"),
    "user.password_link_use": _l("تعیین گذرواژه با پیوند"),
    "import.users": _l("ورود گروهی کاربران"),
    "user.end_sessions": _l("پایان همهٔ نشست‌های کاربر"),
    "session.end": _l("پایان یک نشست"),
    "session.end_others": _l("پایان نشست‌های دیگر"),
    "cycle.timeline": _l("ویرایش زمان‌بندی"),
    "cycle.extend": _l("تمدید مهلت"),
    "cycle.postpone_ceremony": _l("تعویق آیین اهدا"),
    "cycle.create": _l("ساختن دوره"),
    "cycle.copy": _l("رونوشت دوره"),
    "cycle.archive": _l("بایگانی دوره"),
    "category.create": _l("ساختن رشته"),
    "category.edit": _l("ویرایش رشته"),
    "category.retire": _l("بازنشسته کردن رشته"),
    "category.restore": _l("بازگرداندن رشته"),
    "category.delete": _l("حذف رشته"),
    "membership.add": _l("افزودن عضو کمیته"),
    "membership.remove": _l("برداشتن عضو کمیته"),
    "membership.chair": _l("تعیین رئیس کمیته"),
    "user.organisation": _l("ثبت سازمان عضو"),
    "audit.verify": _l("وارسی زنجیرهٔ دفتر ممیزی"),
    "assignment.add": _l("واگذاری نامزد به داور"),
    "assignment.balance": _l("واگذاری خودکار داوران"),
    "assignment.remove": _l("برداشتن واگذاری"),
    "award.issue": _l("صدور جایزه"),
    "award.revoke": _l("لغو جایزه"),
    "certificates.print": _l("چاپ لوح‌ها"),
    "certificates.retry": _l("چاپ دوبارهٔ لوح‌ها"),
    "citation.write": _l("نوشتن متن لوح"),
    "citation.approve": _l("تأیید متن لوح"),
    "conflict.declare": _l("اعلام تعارض منافع"),
    "conflict.flag": _l("شناسایی تعارض منافع"),
    "conflict.override": _l("نادیده‌گرفتن تعارض منافع"),
    "import.batch": _l("ورود گروهی نامزدها"),
    "job.stale": _l("کار پس‌زمینهٔ ازکارافتاده"),
    "rubric.update": _l("ویرایش معیارهای ارزیابی"),
    "rubric.reset": _l("بازنشانی معیارهای ارزیابی"),
    "sheet.reopen": _l("بازگشایی برگهٔ امتیاز"),
    "sheet.save": _l("ذخیرهٔ برگهٔ امتیاز"),
    "results.propose": _l("پیشنهاد نتیجهٔ رشته"),
    "results.confirm": _l("تأیید نهایی نتیجهٔ رشته"),
    "results.resolve_tie": _l("تعیین ترتیب نامزدهای هم‌امتیاز"),
    "signoff.sign": _l("امضای امتیازهای کمیته در رشته"),
    "signoff.withdraw": _l("پس گرفتن امضای امتیازهای کمیته"),
    "results.export": _l("ساختن خروجی بزرگ نتایج رشته"),
    "publication.save_intro": _l("نوشتن متن آغاز خبرنامه"),
    "publication.approve": _l("تأیید فهرست برگزیدگان برای انتشار"),
    "publication.open": _l("باز کردن صفحهٔ عمومی برگزیدگان"),
    "budget.line_add": _l("افزودن ردیف بودجه"),
    "budget.line_edit": _l("ویرایش ردیف بودجه"),
    "budget.line_remove": _l("برداشتن ردیف بودجه"),
    "budget.submit": _l("فرستادن بودجه برای کمیتهٔ مالی"),
    "budget.approve": _l("تأیید بودجه"),
    "budget.return": _l("بازگرداندن بودجه به دبیرخانه"),
    "meeting.record": _l("ثبت صورتجلسه"),
    "meeting.edit": _l("ویرایش صورتجلسه"),
    "meeting.decide": _l("افزودن مصوبه به صورتجلسه"),
    "meeting.remove_decision": _l("برداشتن مصوبه از صورتجلسه"),
    "meeting.sign": _l("امضای صورتجلسه"),
    "meeting.seal": _l("مهر و موم صورتجلسه"),
    "meeting.reopen": _l("بازگرداندن صورتجلسه به نگارش"),
    "sheet.submit": _l("ارسال برگهٔ امتیاز"),
    "indicator.declare": _l("اظهار رقم شاخص"),
    "indicator.verify": _l("تأیید رقم شاخص"),
    "indicator.define": _l("تعریف شاخص"),
    "indicator.update": _l("ویرایش شاخص"),
    "indicator.rule": _l("تنظیم محاسبهٔ معیار از شاخص"),
    "user.two_factor_enrol": _l("فعال‌سازی ورود دومرحله‌ای"),
    "user.two_factor_disable": _l("غیرفعال‌سازی ورود دومرحله‌ای"),
    "user.two_factor_login": _l("ورود با کد دومرحله‌ای"),
    "user.two_factor_fail": _l("کد دومرحله‌ای نادرست"),
    "user.recovery_code_use": _l("ورود با کد بازیابی"),
    "user.recovery_codes_regenerate": _l("ساختن کدهای بازیابی تازه"),
}

OBJECT_LABELS = {
    "nomination": _l("پرونده"),
    "document": _l("مدرک"),
    "signatory": _l("امضاکننده"),
    "user": _l("کاربر"),
    "membership": _l("عضویت کمیته"),
    "cycle": _l("دوره"),
    "category": _l("رشته"),
    "award": _l("جایزه"),
    "sheet": _l("برگهٔ امتیاز"),
    "score_sheet": _l("برگهٔ امتیاز"),
    "audit": _l("دفتر ممیزی"),
    "assignment": _l("واگذاری"),
    "citation": _l("متن لوح"),
    "committee": _l("کمیته"),
    "conflict": _l("تعارض منافع"),
    "job": _l("کار پس‌زمینه"),
    "publication": _l("انتشار برگزیدگان"),
    "budget": _l("بودجهٔ جایزه‌ها"),
    "budget_line": _l("ردیف بودجه"),
    "indicator": _l("شاخص"),
    "indicator_value": _l("رقم شاخص"),
    "criterion": _l("معیار"),
    "meeting": _l("صورتجلسه"),
    "provincial_group": _l("کارگروه استانی"),
    "provincial_seat": _l("عضویت کارگروه استانی"),
    "provincial_sheet": _l("برگهٔ امتیاز استانی"),
    "provincial_award": _l("جایزهٔ استانی"),
    "provincial_signatory": _l("امضاکنندهٔ لوح استانی"),
}

#: Persian names of the fields events change (dossier, timeline, state).
FIELD_LABELS = {
    **DOSSIER_FIELD_LABELS,
    **TIMELINE_FIELD_LABELS,
    **PROVINCIAL_FIELD_LABELS,
    "enabled": _l("برگزاری"),
    "user": _l("کاربر"),
    "member": _l("عضو"),
    "not_forwarded": _l("پرونده‌های ماندنی در استان"),
    "chair": _l("رئیس"),
    "state": _l("وضعیت"),
    "category_id": _l("رشته"),
    "ceremony_postponed_from": _l("تاریخ نخست آیین"),
    "ceremony_postponed_reason": _l("دلیل تعویق"),
    "original_name": _l("نام پرونده"),
    "sha256": _l("اثر انگشت پرونده (برای وارسی دست‌نخوردگی)"),
    "username": _l("نام کاربری"),
    "is_organizer": _l("دبیرخانه"),
    "province_id": _l("استان"),
    "active": _l("فعال"),
    "result_digest": _l("چکیدهٔ نتیجه"),
    "audit_head_hash": _l("سر زنجیرهٔ ممیزی"),
    "ok": _l("زنجیره سالم"),
    "checked": _l("رویدادهای وارسی‌شده"),
    "bad_event_id": _l("نخستین رویداد نادرست"),
    "problem": _l("نوع ایراد"),
    # categories and the rubric
    "code": _l("کد"),
    "title": _l("عنوان"),
    "title_en": _l("عنوان انگلیسی"),
    "nominee_kind": _l("نوع نامزد"),
    "province_quota": _l("سهمیهٔ هر استان"),
    "gold_quota": _l("سهمیهٔ تندیس زرین"),
    "certificate_quota": _l("سهمیهٔ لوح تقدیر"),
    "min_score": _l("حداقل امتیاز"),
    "retired_at": _l("زمان بازنشستگی"),
    "conflict_same_province": _l("تعارض با هم‌استانی"),
    "weight": _l("وزن"),
    "aggregation": _l("روش جمع‌بندی"),
    "quorum": _l("حد نصاب"),
    "normalise": _l("نرمال‌سازی سخت‌گیری"),
    "reviewers_per_nomination": _l("تعداد داوران هر نامزد"),
    "guidance": _l("راهنمای داوری"),
    "max_points": _l("بیشینهٔ امتیاز"),
    "position": _l("ترتیب"),
    "locked": _l("قفل"),
    "reopened_sheets": _l("برگه‌های بازگشایی‌شده"),
    "rubric_reset_reason": _l("دلیل بازنشانی"),
    # cycles, committees and users
    "year": _l("سال"),
    "archived_at": _l("زمان بایگانی"),
    "source_cycle": _l("دورهٔ مبدأ"),
    "categories": _l("رشته‌ها"),
    "memberships": _l("عضویت‌ها"),
    "members": _l("اعضا"),
    "signatories": _l("امضاکنندگان"),
    "committee": _l("کمیته"),
    "user_id": _l("کاربر"),
    "user_ids": _l("کاربران"),
    "member_id": _l("داور"),
    "chair_user_id": _l("رئیس کمیته"),
    "is_chair": _l("رئیس"),
    "organisation": _l("سازمان"),
    "expires_at": _l("زمان انقضا"),
    "link_id": _l("پیوند"),
    "method": _l("روش"),
    "purpose": _l("منظور"),
    "remaining": _l("کدهای مانده"),
    "session": _l("نشست"),
    "sessions": _l("نشست‌ها"),
    # scoring, citations and results
    "comment": _l("یادداشت داور"),
    "text": _l("متن لوح"),
    "written_by_id": _l("نویسنده"),
    "approved": _l("تأییدشده"),
    "created": _l("ساخته‌شده"),
    "removed": _l("برداشته‌شده"),
    "short": _l("کمبود داور"),
    "source": _l("منشأ"),
    "overridden": _l("نادیده‌گرفته‌شده"),
    "rank": _l("رتبه"),
    "tier": _l("سطح جایزه"),
    "tiers": _l("سطح‌ها"),
    "final_score": _l("امتیاز نهایی"),
    "serial": _l("شمارهٔ لوح"),
    "proposal_digest": _l("چکیدهٔ پیشنهاد"),
    "proposed_at": _l("زمان پیشنهاد"),
    "finalised_at": _l("زمان نهایی‌شدن"),
    "snapshot": _l("چکیدهٔ امتیازهای امضاشده"),
    "signed_at": _l("زمان امضا"),
    "intro": _l("متن آغاز خبرنامه"),
    "category_ids": _l("رشته‌های منتشرشده"),
    "approved_at": _l("زمان تأیید"),
    "opened_at": _l("زمان باز شدن صفحهٔ عمومی"),
    "revoked_at": _l("زمان لغو"),
    # the award budget
    "kind": _l("نوع ردیف"),
    "label": _l("شرح"),
    "unit_cost": _l("مبلغ واحد (ریال)"),
    "total": _l("جمع کل (ریال)"),
    "approved_total": _l("جمع تأییدشده (ریال)"),
    "submitted_at": _l("زمان فرستادن برای کمیتهٔ مالی"),
    "returned_at": _l("زمان بازگرداندن"),
    "return_reason": _l("دلیل بازگرداندن"),
    # imports, printing and jobs
    "file": _l("پرونده"),
    "rows": _l("ردیف‌ها"),
    "nomination_ids": _l("پرونده‌ها"),
    "count": _l("تعداد"),
    "format": _l("قالب"),
    "table": _l("جدول"),
    "order": _l("ترتیب"),
    "name": _l("نام"),
    "error": _l("خطا"),
    "signature_file": _l("تصویر امضا"),
    # indicators
    "indicator": _l("شاخص"),
    "declared_value": _l("رقم اظهارشده"),
    "verified_value": _l("رقم تأییدشده"),
    "reason": _l("دلیل"),
    "decimals": _l("رقم‌های اعشار"),
    "min_value": _l("کمترین مقدار"),
    "max_value": _l("بیشترین مقدار"),
    "rule": _l("روش محاسبه"),
    "bands": _l("بازه‌ها"),
    # minutes of meetings
    "number": _l("شمارهٔ جلسه"),
    "held_on": _l("تاریخ جلسه"),
    "place": _l("محل جلسه"),
    "agenda": _l("دستور جلسه"),
    "attendees": _l("حاضران"),
    "decision": _l("مصوبه"),
    "signed_digest": _l("چکیدهٔ تأییدشده"),
    "content_digest": _l("چکیدهٔ محتوای صورتجلسه"),
    "signed_by": _l("امضاکنندگان"),
}

_COMMITTEE_CODES = frozenset(code.value for code in CommitteeCode)
#: The parts of a compound key (``winners.criterion:41.weight``) that name a place rather than a field.
_KEY_SCOPES = {"category": _l("رشته"), "cycle": _l("دوره")}

#: Fields whose values are enum codes shown through ``awards.labels.LABELS``.
LABELLED_FIELDS = frozenset({"state", "outcome", "tier", "kind"})
#: Fields whose values are machine codes, shown left to right as they are (digests shortened).
CODE_FIELDS = frozenset({"sha256", "stored_name", "content_type", "username", "serial", "token", "result_digest",
                         "proposal_digest", "snapshot", "signed_digest", "content_digest", "number",
                         "audit_head_hash", "problem"})


@dataclass(frozen=True)
class Change:
    """One changed field, ready to render: ``kind`` is "datetime", "label", "code" or "text"."""

    field: str
    label: Any
    before: Any
    after: Any
    kind: str


def _typed(name: str, value: Any) -> tuple[Any, str]:
    if isinstance(value, dict):  # e.g. a proposal's tiers, {nomination id: tier}: one readable line
        return i18n.join(f"{key}: {LABELS.get(item, item)}" for key, item in value.items()), "text"
    if isinstance(value, str) and name.endswith(("_at", "_from")):
        try:
            return datetime.fromisoformat(value), "datetime"
        except ValueError:
            return value, "text"
    if name in LABELLED_FIELDS:
        return value, "label"
    if name in CODE_FIELDS:
        return value, "code"
    return value, "text"


def _key_part_label(part: str, criteria: Mapping[int, str]) -> str:
    if part.startswith("criterion:"):
        ident = part.split(":", 2)[1]
        if ident == "new":
            return _("معیار تازه")
        title = criteria.get(int(ident)) if ident.isdigit() else None
        return _("معیار «%(title)s»", title=title) if title else _("معیار")
    if part in _KEY_SCOPES:
        return str(_KEY_SCOPES[part])
    if part in _COMMITTEE_CODES:
        return _("کمیتهٔ %(name)s", name=LABELS[CommitteeCode(part)])
    return str(FIELD_LABELS.get(part, part))


def field_label(key: str, criteria: Mapping[int, str] | None = None) -> str:
    """The reader's name for a changed field, compound keys included: ``winners.criterion:41.weight`` reads
    «کمیتهٔ برگزیدگان › معیار «نوآوری» › وزن». ``criteria`` maps criterion ids to titles."""
    if key in FIELD_LABELS:
        return str(FIELD_LABELS[key])
    return " › ".join(_key_part_label(part, criteria or {}) for part in key.split("."))


def criterion_ids(events: Iterable[Any]) -> set[int]:
    """Criterion ids named by the changes of ``events`` (score sheets and rubric edits name them in keys)."""
    found = set()
    for event in events:
        for key in event.changes or {}:
            found.update(int(m) for m in re.findall(r"criterion:(\d+)", key))
    return found


def criterion_titles(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(Criterion.id, Criterion.title).where(Criterion.id.in_(ids)))
    return {row.id: row.title for row in rows}


def describe_changes(changes: dict[str, Any] | None, criteria: Mapping[int, str] | None = None) -> list[Change]:
    """Turn an event's ``{field: [before, after]}`` into rows with labels in the reader's language and typed
    values."""
    rows = []
    for name, pair in (changes or {}).items():
        before, after = pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
        (before, kind_before), (after, kind_after) = _typed(name, before), _typed(name, after)
        kind = kind_after if after is not None else kind_before
        rows.append(Change(name, field_label(name, criteria), before, after, kind))
    return rows


def change_describer(session: Session, events: Iterable[Any]) -> Callable[[dict[str, Any] | None], list[Change]]:
    """:func:`describe_changes` for a page of events, with the criteria they name loaded in one query."""
    criteria = criterion_titles(session, criterion_ids(events))
    return functools.partial(describe_changes, criteria=criteria)


def action_label(action: str) -> Any:
    return ACTION_LABELS.get(action, action)


@dataclass
class AuditCriteria:
    action: str | None = None
    actor: str | None = None
    nomination_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    text: str | None = None


def tehran_day_start(day: date) -> datetime:
    """The UTC moment a Tehran calendar day begins."""
    return datetime.combine(day, time(0, 0), tzinfo=TEHRAN).astimezone(UTC)


def _filtered(query: Select, criteria: AuditCriteria) -> Select:
    if criteria.action:
        query = query.where(AuditEvent.action == criteria.action)
    if criteria.actor:
        usernames = select(User.id).where(func.lower(User.username) == criteria.actor.strip().lower())
        query = query.where(AuditEvent.actor_id.in_(usernames))
    if criteria.nomination_id is not None:
        query = query.where(AuditEvent.nomination_id == criteria.nomination_id)
    if criteria.date_from is not None:
        query = query.where(AuditEvent.at >= tehran_day_start(criteria.date_from))
    if criteria.date_to is not None:  # inclusive: up to the start of the next Tehran day
        query = query.where(AuditEvent.at < tehran_day_start(criteria.date_to + timedelta(days=1)))
    if criteria.text and (text := normalize_text(criteria.text)):
        query = query.where(AuditEvent.reason.icontains(text, autoescape=True))
    return query


#: The log's distinct actions by hopping along the action index: one seek per action, not a read of every event
#: (neither SQLite nor PostgreSQL skips through an index by itself; ``SELECT DISTINCT`` read all 230,000 events
#: of a year at ten times the national scale on every load of the page). Fixed text, no parameters.
_DISTINCT_ACTIONS = sql_text(
    "WITH RECURSIVE hop(action) AS ("
    " SELECT MIN(action) FROM audit_events"
    " UNION ALL"
    " SELECT (SELECT MIN(e.action) FROM audit_events e WHERE e.action > hop.action) FROM hop"
    " WHERE hop.action IS NOT NULL)"
    " SELECT action FROM hop WHERE action IS NOT NULL ORDER BY action")


def distinct_actions(session: Session) -> list[str]:
    """Every action the log holds, for the filter's select."""
    return list(session.scalars(_DISTINCT_ACTIONS))


def audit_page(session: Session, *, criteria: AuditCriteria, page: int = 1, per_page: int = PER_PAGE
               ) -> Page[AuditEvent]:
    """One page of matching events, newest first, with their actors: two queries whatever the page holds."""
    total = session.scalar(_filtered(select(func.count()).select_from(AuditEvent), criteria)) or 0
    number = min(max(page, 1), max(1, math.ceil(total / per_page)))
    events = session.scalars(
        _filtered(select(AuditEvent), criteria)
        .options(joinedload(AuditEvent.actor).lazyload(User.memberships))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset((number - 1) * per_page)
        .limit(per_page)
    ).all()
    return Page(items=list(events), number=number, size=per_page, total=total)


@dataclass(frozen=True)
class ChainStatus:
    """What the audit page says about the hash chain: the last stored verification and what came after it."""

    head_event_id: int | None
    verified_at: datetime | None
    verified_event_id: int | None
    ok: bool | None
    bad_event_id: int | None
    problem: str | None
    events_since: int


def chain_status(session: Session) -> ChainStatus:
    """The chain head's last verification (``flask audit verify`` or the page's button) and events since: reads."""
    head = session.scalars(select(AuditChainHead).where(AuditChainHead.id == 1)
                           .execution_options(populate_existing=True)).one_or_none()
    if head is None:
        return ChainStatus(None, None, None, None, None, None, 0)
    # Never verified: every event counts, and a plain count reads an index; after a verification only the tail
    # since is read (``id > n`` walks the table's own pages, 40 ms for the whole log of a year at 10x scale).
    counted = select(func.count()).select_from(AuditEvent)
    if head.verified_event_id:
        counted = counted.where(AuditEvent.id > head.verified_event_id)
    since = session.scalar(counted) or 0
    return ChainStatus(head.last_event_id, head.verified_at, head.verified_event_id, head.verified_ok,
                       head.verified_bad_event_id, head.verified_problem, since)
