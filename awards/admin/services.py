"""Setting up a cycle: create or copy it, archive it, its categories and its committee seats.

Functions are keyword-only, take model objects and the acting organizer, flush but never commit, audit every
change and raise ``DomainError`` (``FormInvalid`` for several fields at once) with a Persian message and the
field it belongs to. Destructive actions (archive, retire, delete, remove a member) take ``confirm`` and refuse
without it, so the confirmation is checked here and not only in the browser.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, time
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from awards import clock, permissions
from awards.audit.services import diff, record, snapshot
from awards.cycles.services import FIELD_LABELS_FA
from awards.enums import Aggregation, CommitteeCode, NomineeKind
from awards.errors import DomainError, PermissionDenied
from awards.evaluation.conflicts import flag_conflicts_for_member
from awards.files import unlink_on_rollback
from awards.guards import ensure_cycle_writable
from awards.models import (
    Assignment,
    Category,
    CategoryCommittee,
    Citation,
    Committee,
    ComplianceDecision,
    Criterion,
    CriterionBand,
    Cycle,
    Indicator,
    MeetingDecision,
    Membership,
    Nomination,
    ScoreSheet,
    ScreeningDecision,
    Signatory,
    User,
)
from awards.models.cycle import TIMELINE_FIELDS
from awards.persian import (
    TEHRAN,
    gregorian_to_jalali,
    jalali_to_gregorian,
    normalize_text,
    persian_number,
    to_persian_digits,
)

YEAR_MIN, YEAR_MAX = 1380, 1500
#: The Tehran time of day each date of a new cycle gets (opening at dawn, deadlines at the day's end).
NEW_CYCLE_TIMES = {
    "nominations_open_at": time(0, 0),
    "nominations_close_at": time(23, 59),
    "screening_close_at": time(23, 59),
    "evaluation_close_at": time(23, 59),
    "results_final_at": time(12, 0),
    "ceremony_at": time(10, 0),
}
CODE_RE = re.compile(r"[a-z0-9_-]{1,32}")
CATEGORY_FIELDS = ("code", "title", "title_en", "nominee_kind", "province_quota", "gold_quota",
                   "certificate_quota", "min_score")
#: Fields that enter a category's result (the digest seals the code): frozen once the result is proposed.
RESULT_FIELDS = ("code", "nominee_kind", "province_quota", "gold_quota", "certificate_quota", "min_score")
MAX_QUOTA = 1000


class FormInvalid(DomainError):
    """Several fields refused at once: ``errors`` maps each field to its Persian message."""

    def __init__(self, errors: dict[str, str]) -> None:
        field, message = next(iter(errors.items()))
        super().__init__(message, field=field)
        self.errors = errors


def _require(actor: User) -> None:
    if not permissions.can_administer(actor):
        raise PermissionDenied(_("تنظیم دوره‌ها کار دبیرخانه است."))


def _require_confirm(confirm: bool) -> None:
    if not confirm:
        raise DomainError(_("برای انجام این کار، تأیید را علامت بزنید."), field="confirm")


def _fa(number: int) -> str:
    return persian_number(number, grouping=False)


# ---------------------------------------------------------------------------------------------------------------
# Cycles
# ---------------------------------------------------------------------------------------------------------------


def moment_of(day, field: str) -> datetime:
    """Return the aware UTC moment of a Gregorian ``day`` at the Tehran time of day a new cycle's ``field`` has."""
    return datetime.combine(day, NEW_CYCLE_TIMES[field], tzinfo=TEHRAN).astimezone(UTC)


def shift_jalali_years(moment: datetime, years: int) -> datetime:
    """Move an aware moment by whole Jalali years, keeping the Tehran wall-clock time.

    30 Esfand becomes 29 Esfand in a year that is not leap.
    """
    local = moment.astimezone(TEHRAN)
    year, month, day = gregorian_to_jalali(local.date())
    try:
        target = jalali_to_gregorian(year + years, month, day)
    except ValueError:
        target = jalali_to_gregorian(year + years, month, day - 1)
    return datetime.combine(target, local.time().replace(tzinfo=None), tzinfo=TEHRAN).astimezone(UTC)


def timeline_order_errors(values: dict[str, datetime | None]) -> dict[str, str]:
    """Check open < close <= screening <= evaluation <= results <= ceremony; blame the later field of a pair."""
    errors: dict[str, str] = {}
    for earlier, later in pairwise(TIMELINE_FIELDS):
        first, second = values.get(earlier), values.get(later)
        if first is None or second is None or later in errors:
            continue
        strict = earlier == "nominations_open_at"
        if second > first or (not strict and second == first):
            continue
        names = {"earlier": FIELD_LABELS_FA[earlier], "later": FIELD_LABELS_FA[later]}
        if strict:
            errors[later] = _("«%(later)s» باید پس از «%(earlier)s» باشد.", **names)
        else:
            errors[later] = _("«%(later)s» باید پس از یا هم‌زمان با «%(earlier)s» باشد.", **names)
    return errors


def _year_errors(session: Session, year: int | None) -> dict[str, str]:
    if year is None or not YEAR_MIN <= year <= YEAR_MAX:
        return {"year": _("سال شمسی باید عددی از ۱۳۸۰ تا ۱۵۰۰ باشد.")}
    if session.scalar(select(Cycle.id).where(Cycle.year == year)) is not None:
        return {"year": _("دورهٔ سال %(year)s پیش‌تر ساخته شده است.", year=_fa(year))}
    return {}


def _insert_cycle(session: Session, cycle: Cycle) -> None:
    """Add the cycle; a racing request that took the year first becomes a refusal beside the year."""
    try:
        with session.begin_nested():
            session.add(cycle)
            session.flush()
    except IntegrityError as exc:
        raise FormInvalid({"year": _("دورهٔ سال %(year)s پیش‌تر ساخته شده است.", year=_fa(cycle.year))}) from exc


def cycle_errors(session: Session, *, year: int | None, title: str | None,
                 timeline: dict[str, datetime | None]) -> dict[str, str]:
    """What is wrong with a new cycle's year, title and timeline, field by field (empty when nothing)."""
    errors = _year_errors(session, year)
    title = normalize_text(title or "")
    if not title:
        errors["title"] = _("عنوان دوره را بنویسید.")
    elif len(title) > 200:
        errors["title"] = _("عنوان دوره حداکثر ۲۰۰ نویسه است.")
    for name in TIMELINE_FIELDS:
        if timeline.get(name) is None:
            errors[name] = _("تاریخ را وارد کنید.")
    for name, message in timeline_order_errors(timeline).items():
        errors.setdefault(name, message)
    return errors


def create_cycle(session: Session, *, actor: User, year: int | None, title: str,
                 timeline: dict[str, datetime | None], conflict_same_province: bool) -> Cycle:
    """Create an empty cycle with its whole timeline (aware datetimes), audited as ``cycle.create``.

    Refuses, field by field: a year outside 1380..1500 or already used, an empty title, a missing date, and
    dates out of order.
    """
    _require(actor)
    if errors := cycle_errors(session, year=year, title=title, timeline=timeline):
        raise FormInvalid(errors)
    title = normalize_text(title or "")
    cycle = Cycle(year=year, title=title, conflict_same_province=bool(conflict_same_province),
                  **{name: timeline[name] for name in TIMELINE_FIELDS})
    _insert_cycle(session, cycle)
    record(session, actor=actor, action="cycle.create", object_type="cycle", object_id=cycle.id, cycle_id=cycle.id,
           changes={name: [None, getattr(cycle, name)]
                    for name in ("year", "title", *TIMELINE_FIELDS, "conflict_same_province")})
    return cycle


def default_copy_title(source: Cycle, year: int) -> str:
    """The source's title with its year (in either digit set) replaced by ``year``."""
    title = source.title.replace(to_persian_digits(str(source.year)), to_persian_digits(str(year)))
    return title.replace(str(source.year), str(year))


def _copy_signature(name: str | None, upload_dir: Path, session: Session) -> str | None:
    """Copy a stored signature image into a new file (removed again if the transaction rolls back)."""
    if not name:
        return None
    folder = upload_dir / "signatures"
    source = folder / name
    if not source.is_file():
        return None
    new_name = secrets.token_hex(16) + source.suffix
    (folder / new_name).write_bytes(source.read_bytes())
    unlink_on_rollback(session, folder / new_name)
    return new_name


def copy_cycle(session: Session, *, actor: User, source: Cycle, year: int | None, title: str | None,
               upload_dir: Path) -> Cycle:
    """Create the cycle of ``year`` from the set-up of ``source``, every date moved by the years between them.

    Copies: the timeline (the current ceremony date; not the postponement), the same-province conflict rule,
    the categories that are not retired (code, titles, kind, quotas, minimum score, position) with their
    committee settings and criteria, the seats of active users (with the chair flag), and the signatories (each
    signature image into a new file). Copies nothing of the source's run: nominations, sheets, conflicts,
    citations, awards, tie orderings, proposals and finalisations. Audited as ``cycle.copy``.
    """
    _require(actor)
    errors = _year_errors(session, year)
    if errors:
        raise FormInvalid(errors)
    title = normalize_text(title or "") or default_copy_title(source, year)
    if len(title) > 200:
        raise FormInvalid({"title": _("عنوان دوره حداکثر ۲۰۰ نویسه است.")})
    years = year - source.year
    cycle = Cycle(year=year, title=title, conflict_same_province=source.conflict_same_province,
                  **{name: shift_jalali_years(getattr(source, name), years) for name in TIMELINE_FIELDS})
    _insert_cycle(session, cycle)

    categories = [c for c in session.scalars(
        select(Category).where(Category.cycle_id == source.id).order_by(Category.position, Category.id)
    ) if c.retired_at is None]
    # The cycle's indicators come along, and criteria computed from them keep their rule and bands.
    indicators = {}
    for old in session.scalars(select(Indicator).where(Indicator.cycle_id == source.id).order_by(Indicator.id)):
        indicators[old.id] = Indicator(cycle_id=cycle.id, code=old.code, name_fa=old.name_fa, name_en=old.name_en,
                                       unit_fa=old.unit_fa, unit_en=old.unit_en, decimals=old.decimals,
                                       min_value=old.min_value, max_value=old.max_value, position=old.position)
        session.add(indicators[old.id])
    for old in categories:
        new = Category(cycle_id=cycle.id, code=old.code, title=old.title, title_en=old.title_en,
                       nominee_kind=old.nominee_kind, province_quota=old.province_quota, gold_quota=old.gold_quota,
                       certificate_quota=old.certificate_quota, min_score=old.min_score, position=old.position)
        for setting in old.committee_settings:
            new.committee_settings.append(CategoryCommittee(
                committee_id=setting.committee_id, weight=setting.weight, aggregation=setting.aggregation,
                quorum=setting.quorum, normalise=setting.normalise,
                reviewers_per_nomination=setting.reviewers_per_nomination))
        for criterion in old.criteria:
            copy = Criterion(committee_id=criterion.committee_id, title=criterion.title,
                             guidance=criterion.guidance, max_points=criterion.max_points,
                             weight=criterion.weight, position=criterion.position)
            if criterion.rule is not None:
                copy.indicator, copy.rule = indicators[criterion.indicator_id], criterion.rule
                copy.linear_origin, copy.linear_slope = criterion.linear_origin, criterion.linear_slope
                copy.bands = [CriterionBand(lower=b.lower, lower_inclusive=b.lower_inclusive, upper=b.upper,
                                            upper_inclusive=b.upper_inclusive, points=b.points, position=b.position)
                              for b in criterion.bands]
            new.criteria.append(copy)
        session.add(new)
    seats = session.execute(
        select(Membership.committee_id, Membership.user_id, Membership.is_chair)
        .join(User, User.id == Membership.user_id)
        .where(Membership.cycle_id == source.id, User.active.is_(True))
        .order_by(Membership.id)
    ).all()
    for committee_id, user_id, is_chair in seats:
        session.add(Membership(cycle_id=cycle.id, committee_id=committee_id, user_id=user_id, is_chair=is_chair))
    for signatory in source.signatories:
        session.add(Signatory(cycle_id=cycle.id, name=signatory.name, title=signatory.title,
                              position=signatory.position,
                              signature_file=_copy_signature(signatory.signature_file, upload_dir, session)))
    session.flush()
    record(session, actor=actor, action="cycle.copy", object_type="cycle", object_id=cycle.id, cycle_id=cycle.id,
           changes={"source_cycle": [None, source.year], "year": [None, year], "title": [None, title],
                    "categories": [None, len(categories)], "memberships": [None, len(seats)],
                    "signatories": [None, len(source.signatories)]})
    return cycle


def archive_refusal(session: Session, *, cycle: Cycle) -> str | None:
    """Why ``cycle`` cannot be archived yet, or None.

    A cycle is finished when every category is final, or when its ceremony has passed (a category nobody
    finalised by then will not be).
    """
    if cycle.archived_at is not None:
        return _("این دوره پیش‌تر بایگانی شده است.")
    if cycle.ceremony_at <= clock.now():
        return None
    open_count = session.scalar(select(func.count(Category.id)).where(
        Category.cycle_id == cycle.id, Category.finalised_at.is_(None), Category.retired_at.is_(None)))
    total = session.scalar(select(func.count(Category.id)).where(Category.cycle_id == cycle.id))
    if total and not open_count:
        return None
    return _("دوره هنوز تمام نشده است: آیین اهدا برگزار نشده و %(count)s رشته هنوز نهایی نشده است.",
             count=_fa(open_count or 0))


def archive_cycle(session: Session, *, actor: User, cycle: Cycle, confirm: bool) -> None:
    """Make a finished cycle read-only (see :func:`archive_refusal`); audited as ``cycle.archive``."""
    _require(actor)
    _require_confirm(confirm)
    if (reason := archive_refusal(session, cycle=cycle)) is not None:
        raise DomainError(reason)
    cycle.archived_at = clock.now()
    cycle.archived_by_id = actor.id
    session.flush()
    record(session, actor=actor, action="cycle.archive", object_type="cycle", object_id=cycle.id, cycle_id=cycle.id,
           changes={"archived_at": [None, cycle.archived_at]})


# ---------------------------------------------------------------------------------------------------------------
# Categories
# ---------------------------------------------------------------------------------------------------------------


def _clean_category(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    code = (values.get("code") or "").strip()
    if not CODE_RE.fullmatch(code):
        errors["code"] = _("کد رشته فقط حروف کوچک لاتین، رقم، - و _ است (حداکثر ۳۲ نویسه).")
    cleaned["code"] = code
    for name, limit in (("title", 200), ("title_en", 200)):
        cleaned[name] = normalize_text(values.get(name) or "")
        if len(cleaned[name]) > limit:
            errors[name] = _("حداکثر ۲۰۰ نویسه.")
    if not cleaned["title"]:
        errors["title"] = _("عنوان فارسی رشته را بنویسید.")
    kind = values.get("nominee_kind")
    try:
        cleaned["nominee_kind"] = NomineeKind(kind)
    except ValueError:
        errors["nominee_kind"] = _("نوع نامزد را برگزینید.")
    for name in ("province_quota", "gold_quota", "certificate_quota"):
        value = values.get(name)
        if value is None or not isinstance(value, int) or not 0 <= value <= MAX_QUOTA:
            errors[name] = _("عددی درست از ۰ تا ۱۰۰۰ بنویسید.")
        cleaned[name] = value
    min_score = values.get("min_score")
    if min_score is not None:
        min_score = Decimal(min_score)
        if not Decimal(0) <= min_score <= Decimal(100) or min_score != min_score.quantize(Decimal("0.01")):
            errors["min_score"] = _("کمینهٔ امتیاز عددی از ۰ تا ۱۰۰ با حداکثر دو رقم اعشار است.")
    cleaned["min_score"] = min_score
    return cleaned, errors


def _code_taken(session: Session, *, cycle_id: int, code: str, category_id: int | None = None) -> bool:
    query = select(Category.id).where(Category.cycle_id == cycle_id, Category.code == code)
    if category_id is not None:
        query = query.where(Category.id != category_id)
    return session.scalar(query) is not None


def _code_taken_message(code: str) -> str:
    return _("رشته‌ای با کد «%(code)s» در این دوره هست.", code=code)


def create_category(session: Session, *, actor: User, cycle: Cycle, values: dict[str, Any]) -> Category:
    """Add a category to ``cycle`` with a settings row per committee (weight 1, mean; the oversight gate 0).

    The rubric is then set on the evaluation rubric page. Audited as ``category.create``.
    """
    _require(actor)
    ensure_cycle_writable(cycle)
    cleaned, errors = _clean_category(values)
    if "code" not in errors and _code_taken(session, cycle_id=cycle.id, code=cleaned["code"]):
        errors["code"] = _code_taken_message(cleaned["code"])
    if errors:
        raise FormInvalid(errors)
    position = session.scalar(select(func.max(Category.position)).where(Category.cycle_id == cycle.id))
    category = Category(cycle_id=cycle.id, position=(position + 1) if position is not None else 0, **cleaned)
    for committee in session.scalars(select(Committee).order_by(Committee.position)):
        category.committee_settings.append(CategoryCommittee(
            committee_id=committee.id, aggregation=Aggregation.MEAN,
            weight=Decimal(0) if committee.code == CommitteeCode.OVERSIGHT else Decimal(1)))
    try:
        with session.begin_nested():
            session.add(category)
            session.flush()
    except IntegrityError as exc:
        raise FormInvalid({"code": _code_taken_message(cleaned["code"])}) from exc
    record(session, actor=actor, action="category.create", object_type="category", object_id=category.id,
           cycle_id=cycle.id, changes={name: [None, getattr(category, name)] for name in CATEGORY_FIELDS})
    return category


def nomination_count(session: Session, *, category: Category) -> int:
    return session.scalar(select(func.count(Nomination.id)).where(Nomination.category_id == category.id)) or 0


def update_category(session: Session, *, actor: User, category: Category, values: dict[str, Any]) -> dict:
    """Edit a category; audited as ``category.edit`` with before/after.

    Refuses any change to the fields that enter the result (code, kind, quotas, minimum score) once the result
    is proposed or final, and a change of kind while the category holds nominations (their forms differ).
    """
    _require(actor)
    ensure_cycle_writable(category.cycle)
    cleaned, errors = _clean_category(values)
    if "code" not in errors and _code_taken(session, cycle_id=category.cycle_id, code=cleaned["code"],
                                            category_id=category.id):
        errors["code"] = _code_taken_message(cleaned["code"])
    if errors:
        raise FormInvalid(errors)
    changed = [name for name in CATEGORY_FIELDS if cleaned[name] != getattr(category, name)]
    frozen = category.finalised_at is not None or category.proposed_at is not None
    if frozen:
        message = (_("نتیجهٔ این رشته نهایی شده است؛ این مقدار دیگر تغییر نمی‌کند.") if category.finalised_at
                   else _("نتیجهٔ این رشته پیشنهاد شده است؛ این مقدار دیگر تغییر نمی‌کند."))
        if blocked := {name: message for name in changed if name in RESULT_FIELDS}:
            raise FormInvalid(blocked)
    if "nominee_kind" in changed and nomination_count(session, category=category):
        raise FormInvalid({"nominee_kind": _("این رشته پرونده دارد؛ نوع نامزد آن تغییر نمی‌کند.")})
    before = snapshot(category, CATEGORY_FIELDS)
    for name in changed:
        setattr(category, name, cleaned[name])
    changes = diff(category, CATEGORY_FIELDS, before)
    session.flush()
    if changes:
        record(session, actor=actor, action="category.edit", object_type="category", object_id=category.id,
               cycle_id=category.cycle_id, changes=changes)
    return changes


def retire_category(session: Session, *, actor: User, category: Category, confirm: bool) -> None:
    """Stop offering a category for new nominations and imports; its dossiers stay. Audited."""
    _require(actor)
    ensure_cycle_writable(category.cycle)
    _require_confirm(confirm)
    if category.retired_at is not None:
        raise DomainError(_("این رشته پیش‌تر بازنشسته شده است."))
    category.retired_at = clock.now()
    session.flush()
    record(session, actor=actor, action="category.retire", object_type="category", object_id=category.id,
           cycle_id=category.cycle_id, changes={"retired_at": [None, category.retired_at]})


def restore_category(session: Session, *, actor: User, category: Category) -> None:
    """Offer a retired category again. Audited."""
    _require(actor)
    ensure_cycle_writable(category.cycle)
    if category.retired_at is None:
        raise DomainError(_("این رشته بازنشسته نیست."))
    before = category.retired_at
    category.retired_at = None
    session.flush()
    record(session, actor=actor, action="category.restore", object_type="category", object_id=category.id,
           cycle_id=category.cycle_id, changes={"retired_at": [before, None]})


def delete_refusal(session: Session, *, category: Category) -> str | None:
    """Why ``category`` cannot be deleted (it holds nominations, or a proposed or final result), or None."""
    if category.finalised_at is not None or category.proposed_at is not None:
        return _("نتیجهٔ این رشته پیشنهاد یا نهایی شده است و حذف نمی‌شود.")
    count = nomination_count(session, category=category)
    if count:
        return _("این رشته %(count)s پرونده دارد و حذف نمی‌شود؛ به جای حذف، آن را بازنشسته کنید.",
                 count=_fa(count))
    if session.scalar(select(MeetingDecision.id).where(MeetingDecision.category_id == category.id).limit(1)):
        return _("مصوبهٔ صورتجلسه‌ای به این رشته پیوسته است و رشته حذف نمی‌شود؛ به جای حذف، آن را بازنشسته کنید.")
    return None


def delete_category(session: Session, *, actor: User, category: Category, confirm: bool) -> None:
    """Delete a category that holds no nominations (with its settings and criteria). Audited."""
    _require(actor)
    ensure_cycle_writable(category.cycle)
    _require_confirm(confirm)
    if (reason := delete_refusal(session, category=category)) is not None:
        raise DomainError(reason)
    record(session, actor=actor, action="category.delete", object_type="category", object_id=category.id,
           cycle_id=category.cycle_id,
           changes={name: [getattr(category, name), None] for name in CATEGORY_FIELDS})
    session.delete(category)
    session.flush()


# ---------------------------------------------------------------------------------------------------------------
# Committee seats
# ---------------------------------------------------------------------------------------------------------------


def _seat_changes(membership: Membership) -> dict[str, list]:
    return {"committee": [None, membership.committee.code], "user_id": [None, membership.user_id]}


def _clear_chair(session: Session, *, cycle: Cycle, committee: Committee) -> None:
    session.execute(Membership.__table__.update()
                    .where(Membership.cycle_id == cycle.id, Membership.committee_id == committee.id,
                           Membership.is_chair.is_(True))
                    .values(is_chair=False))
    session.flush()


def add_member(session: Session, *, actor: User, cycle: Cycle, committee: Committee, user: User | None,
               is_chair: bool = False) -> Membership:
    """Seat an active user on a committee in a cycle (as its chair, replacing the chair, when asked).

    Side effects: the seat, a ``membership.add`` audit event, and the rule conflict flags the new member raises.
    """
    _require(actor)
    ensure_cycle_writable(cycle)
    if user is None or not user.active:
        raise DomainError(_("کاربری فعال را برگزینید."), field="user_id")
    exists = session.scalar(select(Membership.id).where(
        Membership.cycle_id == cycle.id, Membership.committee_id == committee.id, Membership.user_id == user.id))
    if exists is not None:
        raise DomainError(_("«%(name)s» پیش‌تر عضو این کمیته است.", name=user.full_name), field="user_id")
    if is_chair:
        _clear_chair(session, cycle=cycle, committee=committee)
    membership = Membership(cycle_id=cycle.id, committee_id=committee.id, user_id=user.id, is_chair=bool(is_chair))
    try:
        with session.begin_nested():
            session.add(membership)
            session.flush()
    except IntegrityError as exc:
        raise DomainError(_("«%(name)s» پیش‌تر عضو این کمیته است.", name=user.full_name), field="user_id") from exc
    session.refresh(user)
    record(session, actor=actor, action="membership.add", object_type="membership", object_id=membership.id,
           cycle_id=cycle.id, changes={**_seat_changes(membership), "is_chair": [None, membership.is_chair]})
    flag_conflicts_for_member(session, cycle=cycle, user=user)
    return membership


def member_work(session: Session, *, membership: Membership) -> dict[str, int]:
    """What the member has done for this committee in this cycle: sheets, citations, screening and compliance."""
    nominations = select(Nomination.id).where(Nomination.cycle_id == membership.cycle_id).scalar_subquery()
    user_id = membership.user_id
    work = {"sheets": session.scalar(select(func.count(ScoreSheet.id)).where(
        ScoreSheet.member_id == user_id, ScoreSheet.committee_id == membership.committee_id,
        ScoreSheet.nomination_id.in_(nominations))) or 0}
    code = membership.committee.code
    if code == CommitteeCode.CONTENT:
        work["citations"] = session.scalar(select(func.count(Citation.id)).where(
            (Citation.written_by_id == user_id) | (Citation.approved_by_id == user_id),
            Citation.nomination_id.in_(nominations))) or 0
    if code == CommitteeCode.PROVINCIAL_AFFAIRS:
        work["decisions"] = session.scalar(select(func.count(ScreeningDecision.id)).where(
            ScreeningDecision.decided_by_id == user_id, ScreeningDecision.nomination_id.in_(nominations))) or 0
    if code == CommitteeCode.OVERSIGHT:
        work["decisions"] = session.scalar(select(func.count(ComplianceDecision.id)).where(
            ComplianceDecision.decided_by_id == user_id, ComplianceDecision.nomination_id.in_(nominations))) or 0
    return {kind: count for kind, count in work.items() if count}


def removal_refusal(session: Session, *, membership: Membership) -> str | None:
    """Why a member cannot leave the committee (their work in the cycle would lose its author), or None."""
    work = member_work(session, membership=membership)
    if not work:
        return None
    names = {"sheets": _("برگهٔ امتیاز"), "citations": _("متن لوح"), "decisions": _("تصمیم")}
    parts = "، ".join(f"{_fa(count)} {names[kind]}" for kind, count in work.items())
    return _("«%(name)s» در این دوره %(parts)s ثبت کرده است و از کمیته برداشته نمی‌شود.",
             name=membership.user.full_name, parts=parts)


def remove_member(session: Session, *, actor: User, membership: Membership, confirm: bool) -> None:
    """Take a member off a committee (and their open assignments), unless they have work in the cycle. Audited."""
    _require(actor)
    ensure_cycle_writable(membership.cycle)
    _require_confirm(confirm)
    if (reason := removal_refusal(session, membership=membership)) is not None:
        raise DomainError(reason)
    nominations = select(Nomination.id).where(Nomination.cycle_id == membership.cycle_id).scalar_subquery()
    session.execute(delete(Assignment).where(
        Assignment.member_id == membership.user_id, Assignment.committee_id == membership.committee_id,
        Assignment.nomination_id.in_(nominations)))
    record(session, actor=actor, action="membership.remove", object_type="membership", object_id=membership.id,
           cycle_id=membership.cycle_id,
           changes={"committee": [membership.committee.code, None], "user_id": [membership.user_id, None],
                    "is_chair": [membership.is_chair, None]})
    user = membership.user
    session.delete(membership)
    session.flush()
    session.refresh(user)


def set_chair(session: Session, *, actor: User, membership: Membership) -> None:
    """Make this member the committee's chair in the cycle; the previous chair becomes a member. Audited."""
    _require(actor)
    ensure_cycle_writable(membership.cycle)
    if membership.is_chair:
        return
    previous = session.scalar(select(Membership.user_id).where(
        Membership.cycle_id == membership.cycle_id, Membership.committee_id == membership.committee_id,
        Membership.is_chair.is_(True)))
    try:
        with session.begin_nested():  # a racing request that seated another chair first wins; this one is refused
            _clear_chair(session, cycle=membership.cycle, committee=membership.committee)
            session.refresh(membership)
            membership.is_chair = True
            session.flush()
    except IntegrityError as exc:
        raise DomainError(_("رئیس این کمیته هم‌زمان تغییر کرد؛ صفحه را دوباره باز کنید.")) from exc
    record(session, actor=actor, action="membership.chair", object_type="membership", object_id=membership.id,
           cycle_id=membership.cycle_id,
           changes={"committee": [None, membership.committee.code], "chair_user_id": [previous, membership.user_id]})


def set_organisation(session: Session, *, actor: User, cycle: Cycle, user: User, organisation: str) -> bool:
    """Set a member's organisation (used by the same-organisation conflict rule), then raise the new flags in
    every cycle the member sits in and that is not archived.

    Returns whether it changed. Audited as ``user.organisation``.
    """
    _require(actor)
    ensure_cycle_writable(cycle)
    organisation = normalize_text(organisation or "")
    if len(organisation) > 160:
        raise DomainError(_("نام سازمان حداکثر ۱۶۰ نویسه است."), field="organisation")
    if organisation == user.organisation:
        return False
    before = user.organisation
    user.organisation = organisation
    session.flush()
    record(session, actor=actor, action="user.organisation", object_type="user", object_id=user.id,
           cycle_id=cycle.id, changes={"organisation": [before, organisation]})
    seated_in = select(Membership.cycle_id).where(Membership.user_id == user.id)
    for seated in list(session.scalars(select(Cycle).where(Cycle.id.in_(seated_in), Cycle.archived_at.is_(None)))):
        flag_conflicts_for_member(session, cycle=seated, user=user)  # the organisation counts in every open cycle
    return True
