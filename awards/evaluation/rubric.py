"""Rubric set-up by organizers: criteria per committee, committee weights and aggregation, tier quotas.

The rubric (criteria, committee weights, aggregation, quorum, normalisation) is locked once scoring has started
in the category (any score sheet exists), until an organizer resets it with a reason: the reset reopens every
submitted sheet as a draft and unlocks the rubric until a sheet is submitted again. Tier quotas, the minimum
score, k (reviewers per nomination) and the cycle's same-province rule are not part of the scoring formula of a
sheet and stay editable until the category is final.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from awards import clock, permissions
from awards.audit.services import record
from awards.enums import Aggregation, CommitteeCode, ConflictSource, SheetState
from awards.errors import DomainError, InvalidTransition, PermissionDenied
from awards.evaluation.conflicts import flag_conflicts
from awards.evaluation.services import FormErrors
from awards.guards import lock_open_category
from awards.models import Category, CategoryCommittee, Committee, Criterion, Nomination, Score, ScoreSheet, User
from awards.persian import normalize_text

#: Committee settings that change how sheets turn into scores: locked with the criteria.
SCORING_SETTINGS = ("weight", "aggregation", "quorum", "normalise")
CRITERION_FIELDS = ("title", "guidance", "max_points", "weight", "position")
#: What a committee without a settings row in the category amounts to (it takes no part in the final score).
COMMITTEE_DEFAULTS = {"weight": Decimal("0"), "aggregation": Aggregation.MEAN, "quorum": None, "normalise": False,
                      "reviewers_per_nomination": None}


@dataclass
class CriterionInput:
    """One criterion row of the form; ``id`` None is a new row, ``prefix`` names its form fields."""

    prefix: str
    id: int | None = None
    title: str = ""
    guidance: str = ""
    max_points: Decimal | None = None
    weight: Decimal | None = None
    position: int | None = None
    remove: bool = False

    @property
    def blank(self) -> bool:
        return (not self.title.strip() and self.max_points is None and self.weight is None
                and not (self.guidance or "").strip())


@dataclass
class CommitteeInput:
    prefix: str
    committee_id: int
    weight: Decimal | None = None
    aggregation: Aggregation = Aggregation.MEAN
    quorum: int | None = None
    normalise: bool = False
    reviewers_per_nomination: int | None = None
    criteria: list[CriterionInput] = field(default_factory=list)


@dataclass
class RubricInput:
    gold_quota: int | None
    certificate_quota: int | None
    min_score: Decimal | None
    conflict_same_province: bool
    committees: list[CommitteeInput] = field(default_factory=list)


def _plain(value):
    """Audit form of a value: numbers as 2.5 or 20 (not 20.00) on every backend, dicts likewise."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def sheet_query(category_id: int):
    return select(ScoreSheet.id).join(Nomination, Nomination.id == ScoreSheet.nomination_id).where(
        Nomination.category_id == category_id)


def scoring_started(session: Session, *, category: Category) -> bool:
    """Any score sheet exists for a nomination of the category."""
    return bool(session.scalar(select(exists(sheet_query(category.id)))))


def rubric_locked(session: Session, *, category: Category) -> bool:
    """Locked once scoring has started, unless reset and no sheet has been submitted since the reset."""
    if not scoring_started(session, category=category):
        return False
    if category.rubric_reset_reason is None:
        return True
    return bool(session.scalar(select(exists(sheet_query(category.id).where(
        ScoreSheet.state == SheetState.SUBMITTED)))))


def scoring_committees(session: Session) -> list[Committee]:
    """Committees that can carry criteria: all but the oversight gate, in their usual order."""
    return list(session.scalars(select(Committee).where(Committee.code != CommitteeCode.OVERSIGHT)
                                .order_by(Committee.position)))


def _validate(data: RubricInput, committees: dict[int, Committee],
              criteria: dict[int, Criterion]) -> dict[str, str]:
    errors: dict[str, str] = {}
    _validate_category_figures(data, errors)
    for entry in data.committees:
        if entry.committee_id not in committees:
            errors[f"{entry.prefix}-weight"] = _("کمیتهٔ نامعتبر.")
            continue
        _validate_committee_settings(entry, errors)
        for row in entry.criteria:
            if row.id is not None and (row.id not in criteria or criteria[row.id].committee_id != entry.committee_id):
                errors[f"{row.prefix}-title"] = _("معیار نامعتبر.")
                continue
            if row.remove or (row.id is None and row.blank):
                continue
            _validate_criterion(row, errors)
    return errors


def _validate_category_figures(data: RubricInput, errors: dict[str, str]) -> None:
    """Tier quotas and the minimum score."""
    if data.gold_quota is None or data.gold_quota < 0:
        errors["gold_quota"] = _("سهمیهٔ تندیس زرین را به صورت عدد صحیح نامنفی وارد کنید.")
    if data.certificate_quota is None or data.certificate_quota < 0:
        errors["certificate_quota"] = _("سهمیهٔ لوح تقدیر را به صورت عدد صحیح نامنفی وارد کنید.")
    if data.min_score is not None and not (0 <= data.min_score <= 100):
        errors["min_score"] = _("حداقل امتیاز باید بین ۰ تا ۱۰۰ باشد یا خالی بماند.")


def _validate_committee_settings(entry: CommitteeInput, errors: dict[str, str]) -> None:
    """A committee's weight, quorum and reviewers per nomination."""
    if entry.weight is None or entry.weight < 0:
        errors[f"{entry.prefix}-weight"] = _("وزن کمیته باید صفر یا بیشتر باشد.")
    if entry.quorum is not None and entry.quorum < 1:
        errors[f"{entry.prefix}-quorum"] = _("حد نصاب باید دست‌کم ۱ باشد یا خالی بماند.")
    if entry.reviewers_per_nomination is not None and entry.reviewers_per_nomination < 1:
        errors[f"{entry.prefix}-reviewers_per_nomination"] = _("تعداد داوران باید دست‌کم ۱ باشد یا خالی بماند.")


def _validate_criterion(row: CriterionInput, errors: dict[str, str]) -> None:
    """A kept or new criterion row: its title, maximum and weight."""
    if not normalize_text(row.title):
        errors[f"{row.prefix}-title"] = _("عنوان معیار را بنویسید.")
    elif len(normalize_text(row.title)) > 200:
        errors[f"{row.prefix}-title"] = _("عنوان معیار حداکثر ۲۰۰ نویسه است.")
    if row.max_points is None or row.max_points <= 0:
        errors[f"{row.prefix}-max_points"] = _("بیشترین نمره باید بزرگ‌تر از صفر باشد.")
    elif row.max_points * 2 != (row.max_points * 2).to_integral_value() or row.max_points > 1000:
        errors[f"{row.prefix}-max_points"] = _("بیشترین نمره باید مضربی از ۰٫۵ و حداکثر ۱۰۰۰ باشد.")
    if row.weight is None or row.weight <= 0:
        errors[f"{row.prefix}-weight"] = _("وزن معیار باید بزرگ‌تر از صفر باشد.")
    elif row.weight > 1000:
        errors[f"{row.prefix}-weight"] = _("وزن معیار حداکثر ۱۰۰۰ است.")


#: The criterion rules and the audit form of values, shared with the provincial rubric (awards.provincial.sheets).
criterion_errors = _validate_criterion
audit_value = _plain


@dataclass
class _RubricDiff:
    """What the form changes: ``changes`` as audited, and which of them touch scoring (locked) by form field."""

    changes: dict[str, list] = field(default_factory=dict)
    scoring_changes: dict[str, str] = field(default_factory=dict)  # change key -> form field that made it

    def note(self, key: str, before, after, field_name: str | None = None) -> None:
        if before != after:
            self.changes[key] = [_plain(before), _plain(after)]
            if field_name:
                self.scoring_changes[key] = field_name


def update_rubric(session: Session, *, category: Category, actor: User, data: RubricInput) -> dict[str, list]:
    """Apply the organizer's rubric form to the category; return the audited changes ``{key: [before, after]}``.

    Refuses (:class:`FormErrors` keyed by form field name) invalid numbers, and any change to criteria or to a
    committee's scoring settings while the rubric is locked (see the module docstring).
    """
    if not permissions.can_manage_rubric(actor):
        raise PermissionDenied(_("فقط دبیرخانه معیارهای ارزیابی را تنظیم می‌کند."))
    lock_open_category(session, category=category)
    committees = {c.id: c for c in scoring_committees(session)}
    criteria = {c.id: c for c in session.scalars(select(Criterion).where(Criterion.category_id == category.id))}
    settings = {s.committee_id: s for s in session.scalars(
        select(CategoryCommittee).where(CategoryCommittee.category_id == category.id))}
    if errors := _validate(data, committees, criteria):
        raise FormErrors(errors)

    diff = _RubricDiff()
    _diff_category(diff, category, data)
    for entry in data.committees:
        code = committees[entry.committee_id].code.value
        _diff_committee(diff, entry, code, settings.get(entry.committee_id))
        _diff_criteria(diff, entry, code, criteria)
    changes = diff.changes
    if diff.scoring_changes and rubric_locked(session, category=category):
        message = _("ارزیابی این رشته آغاز شده است؛ برای تغییر معیارها و وزن‌ها ابتدا معیارها را با ذکر دلیل "
                    "بازنشانی کنید.")
        raise FormErrors(dict.fromkeys(diff.scoring_changes.values(), message), message)
    if not changes:
        return changes

    _apply_category(category, data)
    for entry in data.committees:
        code = committees[entry.committee_id].code.value
        if entry.committee_id not in settings and not any(key.startswith(f"{code}.") for key in changes):
            continue  # nothing set for a committee that takes no part: no settings row
        _apply_committee_settings(session, category, entry, settings.get(entry.committee_id))
        _apply_criteria(session, category, entry, criteria)
    session.flush()
    record(session, actor=actor, action="rubric.update", object_type="category", object_id=category.id,
           cycle_id=category.cycle_id, changes=changes)
    if changes.get("cycle.conflict_same_province") == [False, True]:  # the rule is on: raise its flags now
        flag_conflicts(session, cycle=category.cycle, sources=(ConflictSource.SAME_PROVINCE,))
    return changes


def _diff_category(diff: _RubricDiff, category: Category, data: RubricInput) -> None:
    for name in ("gold_quota", "certificate_quota", "min_score"):
        diff.note(f"category.{name}", getattr(category, name), getattr(data, name))
    diff.note("cycle.conflict_same_province", category.cycle.conflict_same_province, data.conflict_same_province)


def _diff_committee(diff: _RubricDiff, entry: CommitteeInput, code: str, setting: CategoryCommittee | None) -> None:
    wanted = {"weight": entry.weight, "aggregation": entry.aggregation, "quorum": entry.quorum,
              "normalise": entry.normalise, "reviewers_per_nomination": entry.reviewers_per_nomination}
    for name, after in wanted.items():
        before = getattr(setting, name) if setting is not None else COMMITTEE_DEFAULTS[name]
        diff.note(f"{code}.{name}", before, after, f"{entry.prefix}-{name}" if name in SCORING_SETTINGS else None)


def _diff_criteria(diff: _RubricDiff, entry: CommitteeInput, code: str, criteria: dict[int, Criterion]) -> None:
    for row in entry.criteria:
        if row.id is None:
            if not row.blank and not row.remove:
                diff.note(f"{code}.criterion:new:{row.prefix}", None,
                          {"title": normalize_text(row.title), "max_points": row.max_points, "weight": row.weight},
                          f"{row.prefix}-title")
            continue
        criterion = criteria[row.id]
        if row.remove:
            diff.note(f"{code}.criterion:{row.id}", {"title": criterion.title}, None, f"{row.prefix}-remove")
            continue
        after_values = {"title": normalize_text(row.title), "guidance": normalize_text(row.guidance or ""),
                        "max_points": row.max_points, "weight": row.weight,
                        "position": row.position if row.position is not None else criterion.position}
        for name in CRITERION_FIELDS:
            diff.note(f"{code}.criterion:{row.id}.{name}", getattr(criterion, name), after_values[name],
                      f"{row.prefix}-{name}")


def _apply_category(category: Category, data: RubricInput) -> None:
    category.gold_quota = data.gold_quota
    category.certificate_quota = data.certificate_quota
    category.min_score = data.min_score
    category.cycle.conflict_same_province = data.conflict_same_province


def _apply_committee_settings(session: Session, category: Category, entry: CommitteeInput,
                              setting: CategoryCommittee | None) -> None:
    if setting is None:
        setting = CategoryCommittee(category_id=category.id, committee_id=entry.committee_id)
        session.add(setting)
    setting.weight = entry.weight
    setting.aggregation = entry.aggregation
    setting.quorum = entry.quorum
    setting.normalise = entry.normalise
    setting.reviewers_per_nomination = entry.reviewers_per_nomination


def _apply_criteria(session: Session, category: Category, entry: CommitteeInput,
                    criteria: dict[int, Criterion]) -> None:
    """Add the new rows (after the category's last position unless given), remove and update the others."""
    next_position = max((c.position for c in criteria.values()), default=-1) + 1
    for row in entry.criteria:
        if row.id is None:
            if row.blank or row.remove:
                continue
            session.add(Criterion(category_id=category.id, committee_id=entry.committee_id,
                                  title=normalize_text(row.title), guidance=normalize_text(row.guidance or ""),
                                  max_points=row.max_points, weight=row.weight,
                                  position=row.position if row.position is not None else next_position))
            next_position += 1
        elif row.remove:
            session.execute(delete(Score).where(Score.criterion_id == row.id),
                            execution_options=_results_of(category.id))
            session.delete(criteria[row.id])
        else:
            _update_criterion(session, criteria[row.id], row)


def _results_of(category_id: int) -> dict[str, tuple[int]]:
    """Tell the results cache (awards.results.cache) that a bulk statement changes this category's inputs only."""
    return {"results_categories": (category_id,)}


def _update_criterion(session: Session, criterion: Criterion, row: CriterionInput) -> None:
    criterion.title = normalize_text(row.title)
    criterion.guidance = normalize_text(row.guidance or "")
    criterion.weight = row.weight
    if row.position is not None:
        criterion.position = row.position
    if criterion.max_points != row.max_points:
        # Only reachable while unlocked after a reset: draft values that still fit follow the new maximum.
        criterion.max_points = row.max_points
        session.execute(delete(Score).where(Score.criterion_id == criterion.id, Score.value > row.max_points),
                        execution_options=_results_of(criterion.category_id))
        session.execute(Score.__table__.update().where(Score.criterion_id == criterion.id)
                        .values(max_points=row.max_points), execution_options=_results_of(criterion.category_id))


def reset_rubric(session: Session, *, category: Category, actor: User, reason: str) -> int:
    """Unlock a rubric whose scoring has started: reopen every submitted sheet of the category as a draft.

    Records the reason on the category and on each reopened sheet, and audits the reset with before/after;
    returns how many sheets were reopened.
    """
    reason = normalize_text(reason or "")
    if not permissions.can_manage_rubric(actor):
        raise PermissionDenied(_("فقط دبیرخانه معیارهای ارزیابی را بازنشانی می‌کند."))
    if not reason:
        raise DomainError(_("دلیل بازنشانی را بنویسید."), field="reason")
    lock_open_category(session, category=category)
    if not rubric_locked(session, category=category):
        raise InvalidTransition(_("معیارهای ارزیابی این رشته قفل نیست؛ نیازی به بازنشانی نیست."))
    sheets = list(session.scalars(
        select(ScoreSheet).join(Nomination, Nomination.id == ScoreSheet.nomination_id)
        .where(Nomination.category_id == category.id, ScoreSheet.state == SheetState.SUBMITTED)
        .order_by(ScoreSheet.id).with_for_update(of=ScoreSheet)
    ))
    now = clock.now()
    for sheet in sheets:
        sheet.state = SheetState.DRAFT
        sheet.submitted_at = None
        sheet.reopened_reason = reason
        sheet.updated_at = now
        record(session, actor=actor, action="sheet.reopen", object_type="score_sheet", object_id=sheet.id,
               nomination_id=sheet.nomination_id, cycle_id=category.cycle_id,
               changes={"state": [SheetState.SUBMITTED, SheetState.DRAFT]}, reason=reason)
    before = category.rubric_reset_reason
    category.rubric_reset_reason = reason
    session.flush()
    record(session, actor=actor, action="rubric.reset", object_type="category", object_id=category.id,
           cycle_id=category.cycle_id,
           changes={"rubric_reset_reason": [before, reason], "reopened_sheets": [None, [s.id for s in sheets]],
                    "locked": [True, False]},
           reason=reason)
    return len(sheets)
