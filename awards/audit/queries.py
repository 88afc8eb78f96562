"""Reading the audit log: filters, a page of events newest first, and Persian labels for what they record.

The log is append-only (database triggers refuse UPDATE and DELETE); nothing here or anywhere in the app
writes to it except ``awards.audit.services.record``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload

from awards.labels import DOSSIER_FIELD_LABELS, TIMELINE_FIELD_LABELS
from awards.models import AuditChainHead, AuditEvent, User
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
    "audit": _l("دفتر ممیزی"),
}

#: Persian names of the fields events change (dossier, timeline, state).
FIELD_LABELS = {
    **DOSSIER_FIELD_LABELS,
    **TIMELINE_FIELD_LABELS,
    "state": _l("وضعیت"),
    "category_id": _l("رشته"),
    "ceremony_postponed_from": _l("تاریخ نخست آیین"),
    "ceremony_postponed_reason": _l("دلیل تعویق"),
    "original_name": _l("نام پرونده"),
    "sha256": _l("چکیدهٔ SHA-256"),
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
}

#: Fields whose values are enum codes shown through ``awards.labels.LABELS``.
LABELLED_FIELDS = frozenset({"state", "outcome", "tier"})
#: Fields whose values are machine codes, shown left to right as they are (digests shortened).
CODE_FIELDS = frozenset({"sha256", "stored_name", "content_type", "username", "serial", "token", "result_digest",
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


def describe_changes(changes: dict[str, Any] | None) -> list[Change]:
    """Turn an event's ``{field: [before, after]}`` into rows with Persian labels and typed values."""
    rows = []
    for name, pair in (changes or {}).items():
        before, after = pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
        (before, kind_before), (after, kind_after) = _typed(name, before), _typed(name, after)
        kind = kind_after if after is not None else kind_before
        rows.append(Change(name, FIELD_LABELS.get(name, name), before, after, kind))
    return rows


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


def distinct_actions(session: Session) -> list[str]:
    """Every action the log holds, for the filter's select."""
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


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
    since = session.scalar(select(func.count()).select_from(AuditEvent)
                           .where(AuditEvent.id > (head.verified_event_id or 0))) or 0
    return ChainStatus(head.last_event_id, head.verified_at, head.verified_event_id, head.verified_ok,
                       head.verified_bad_event_id, head.verified_problem, since)
