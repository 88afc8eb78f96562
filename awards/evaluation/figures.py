"""Indicators in use: a cycle's indicators, a dossier's declared figures, the committee's verification, and the
rule of a criterion computed from an indicator.

Functions are keyword-only, take model objects and the acting user, flush but never commit, and raise
``DomainError`` (``FormErrors`` keyed by form field) with a message in the reader's language. Every change is
audited; a verification records the declared and the verified figure and the reason, so both stay visible.

Choices (PROCESS.md leaves them open):

* Declared figures are optional at submission: a category without a computed criterion on an indicator does not
  need it, and a missing figure of a computed criterion can be entered by the committee (with a reason).
* Any member of a committee owning a computed criterion on the indicator, in the nomination's category, verifies
  the figure while they may score the nomination (same window and conflict rules as the sheet). A verification
  may be redone (corrected again) with a reason; a dossier sent back to draft and edited by its province loses
  the verification of each figure it changes.
* An indicator's definition stays editable, but never so that a saved figure becomes invalid: once a figure is
  declared or verified its code is fixed, and its decimals and lowest/highest value may change only while every
  saved figure still fits (:func:`update_indicator`). Names and units are always free.
* An indicator may carry one of the dossier's key figures (``Indicator.dossier_field``: employees, sales,
  exports, growth). The dossier form then asks that figure once, as the indicator, and :func:`declare_figures`
  writes the declared figure to the dossier field too; a value the dossier already holds stays until the
  indicator's figure is declared. A cycle whose indicators carry nothing asks both, as before.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from awards import clock, i18n, permissions
from awards.audit.services import record
from awards.enums import IndicatorRule, NominationState
from awards.errors import DomainError, InvalidTransition, PermissionDenied
from awards.evaluation import indicators as rules
from awards.evaluation.rubric import rubric_locked
from awards.evaluation.services import FormErrors, check_scoring_allowed, criteria_of
from awards.guards import ensure_cycle_writable, lock_open_category
from awards.labels import LABELS
from awards.models import Category, Committee, Criterion, CriterionBand, Indicator, IndicatorValue, Nomination, User
from awards.persian import gregorian_to_jalali, normalize_text, persian_number

#: Years a figure may refer to.
FIRST_YEAR = 1300


def _plain(value: Decimal | None) -> str | None:
    """A figure for the audit log, the same on every backend: 12.5, 40 (never 40.00)."""
    if value is None:
        return None
    value = Decimal(value)
    return format(value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize(), "f")


def _show(value: Decimal) -> str:
    return persian_number(Decimal(_plain(value))) if i18n.persian_ui() else _plain(value)


def cycle_indicators(session: Session, *, cycle_id: int) -> list[Indicator]:
    """The cycle's indicators in order (none: the cycle works exactly as without indicators)."""
    return list(session.scalars(select(Indicator).where(Indicator.cycle_id == cycle_id)
                                .order_by(Indicator.position, Indicator.id)))


def figures_of(session: Session, *, nomination_id: int) -> dict[int, IndicatorValue]:
    """The nomination's figures by indicator id."""
    return {v.indicator_id: v for v in session.scalars(
        select(IndicatorValue).where(IndicatorValue.nomination_id == nomination_id))}


def figure_problem(indicator: Indicator, value: Decimal) -> str | None:
    """Why ``value`` is not a figure of ``indicator`` (decimals, lowest or highest value), or None."""
    value = Decimal(value)
    if value != value.quantize(Decimal(1).scaleb(-indicator.decimals)):
        if indicator.decimals == 0:
            return _("عدد صحیح وارد کنید (رقم‌های فارسی یا لاتین، بدون واحد).")
        return _("حداکثر %(n)s رقم اعشار.", n=persian_number(indicator.decimals) if i18n.persian_ui()
                 else indicator.decimals)
    if indicator.min_value is not None and value < indicator.min_value:
        return _("کمترین مقدار مجاز %(low)s است.", low=_show(indicator.min_value))
    if indicator.max_value is not None and value > indicator.max_value:
        return _("بیشترین مقدار مجاز %(high)s است.", high=_show(indicator.max_value))
    return None


def year_problem(year: int) -> str | None:
    this_year = gregorian_to_jalali(clock.now())[0]
    if not FIRST_YEAR <= year <= this_year:
        return _("سال شمسی باید از %(low)s تا %(high)s باشد.",
                 low=persian_number(FIRST_YEAR, grouping=False) if i18n.persian_ui() else FIRST_YEAR,
                 high=persian_number(this_year, grouping=False) if i18n.persian_ui() else this_year)
    return None


def value_field(indicator: Indicator) -> str:
    """The form field (and import column) of an indicator's figure; ``year_field`` names its year."""
    return f"ind_{indicator.code}"


def year_field(indicator: Indicator) -> str:
    return f"ind_{indicator.code}_year"


Figures = Mapping[int, tuple[Decimal | None, int | None]]


def check_figures(indicators: list[Indicator], figures: Figures) -> dict[str, str]:
    """Per form field: a figure without a year (or the reverse), off the indicator's rules, or a bad year."""
    errors: dict[str, str] = {}
    for indicator in indicators:
        value, year = figures.get(indicator.id, (None, None))
        if value is not None and (reason := figure_problem(indicator, value)):
            errors[value_field(indicator)] = reason
        if value is not None and year is None:
            errors[year_field(indicator)] = _("سالی را که این رقم مربوط به آن است بنویسید.")
        elif year is not None and value is None:
            errors[value_field(indicator)] = _("رقم این شاخص را بنویسید یا سال را خالی بگذارید.")
        elif year is not None and (reason := year_problem(year)):
            errors[year_field(indicator)] = reason
    return errors


def declare_figures(session: Session, *, actor: User, nomination: Nomination, figures: Figures) -> int:
    """Write the draft dossier's declared figures (value and year per indicator id); return how many changed.

    A figure left empty (value and year None) is removed. Side effects: one ``indicator.declare`` audit event per
    changed figure with the before and after; a changed figure loses any earlier verification; the dossier key
    figure an indicator carries takes the declared figure (None when it does not fit that field), in the same
    audit event.
    """
    if not permissions.owns_nomination(actor, nomination):
        raise PermissionDenied(_("این پرونده متعلق به استان شما نیست."))
    ensure_cycle_writable(nomination.cycle)
    if nomination.state != NominationState.DRAFT:
        raise InvalidTransition(_("فقط پیش‌نویس قابل ویرایش است."))
    indicators = cycle_indicators(session, cycle_id=nomination.cycle_id)
    if errors := check_figures(indicators, figures):
        raise FormErrors(errors)
    existing = figures_of(session, nomination_id=nomination.id)
    changed = 0
    for indicator in indicators:
        if indicator.id not in figures:
            continue
        value, year = figures[indicator.id]
        row = existing.get(indicator.id)
        before = (row.declared_value, row.year) if row is not None else (None, None)
        if value is not None and before[0] is not None and Decimal(value) == before[0] and year == before[1]:
            continue
        if value is None and row is None:
            continue
        if value is None:
            session.delete(row)
        elif row is None:
            row = IndicatorValue(nomination_id=nomination.id, indicator_id=indicator.id, declared_value=value,
                                 year=year)
            session.add(row)
        else:
            row.declared_value, row.year = value, year
            row.verified_value = row.verified_at = row.verified_by_id = row.reason = None
        changes = {"indicator": [None, indicator.name_fa],
                   "declared_value": [_plain(before[0]), _plain(value)], "year": [before[1], year]}
        if (name := carried_field(indicator)) is not None:
            # The dossier's own key figure follows the indicator that carries it (the form asks it once).
            old, new = getattr(nomination, name), _key_figure(name, value)
            if old != new:
                setattr(nomination, name, new)
                changes[name] = [_plain(old) if old is not None else None, _plain(new) if new is not None else None]
        session.flush()
        changed += 1
        record(session, actor=actor, action="indicator.declare", object_type="indicator_value",
               object_id=row.id if value is not None else None, nomination_id=nomination.id,
               cycle_id=nomination.cycle_id, province_id=nomination.province_id, changes=changes)
    return changed


# ------------------------------------------------------------------------------------------------ verification


def owning_committees(session: Session, *, category_id: int, indicator_id: int) -> set[int]:
    """Committee ids with a criterion computed from the indicator in the category."""
    return set(session.scalars(select(Criterion.committee_id).where(
        Criterion.category_id == category_id, Criterion.indicator_id == indicator_id)))


def verify_figure(session: Session, *, actor: User, nomination: Nomination, committee: Committee,
                  indicator: Indicator, value: Decimal | None, year: int | None = None,
                  reason: str = "") -> IndicatorValue:
    """Verify a figure against the evidence: as declared (``value`` None or equal), or corrected with a reason.

    Refuses a member who may not score the nomination for ``committee`` now, a committee without a criterion
    computed from the indicator in the category, a correction without a reason, and a figure off the
    indicator's rules. A nomination without a declared figure gets the committee's figure (a correction: year and
    reason needed). Side effects: sets the verified figure, who and when; one ``indicator.verify`` audit event
    with the declared value, the verified one before and after, and the reason; the category's results stamp.
    """
    if not permissions.can_verify_figure(actor, nomination, committee):
        raise PermissionDenied(_("شما عضو این کمیته در این دوره نیستید."))
    lock_open_category(session, category=nomination.category)
    criteria = criteria_of(session, category_id=nomination.category_id, committee_id=committee.id)
    check_scoring_allowed(session, nomination=nomination, committee=committee, actor=actor, criteria=criteria)
    if indicator.cycle_id != nomination.cycle_id or not any(c.indicator_id == indicator.id for c in criteria):
        raise DomainError(_("این کمیته در این رشته معیاری بر پایهٔ این شاخص ندارد."))
    row = figures_of(session, nomination_id=nomination.id).get(indicator.id)
    declared = row.declared_value if row is not None else None
    value = declared if value is None else Decimal(value)
    reason = normalize_text(reason or "").strip()
    errors: dict[str, str] = {}
    if value is None:
        errors["value"] = _("رقمی اظهار نشده است؛ رقم تأییدشده را بنویسید.")
    elif (problem := figure_problem(indicator, value)) is not None:
        errors["value"] = problem
    corrected = value is not None and (declared is None or value != declared)
    if corrected and not reason:
        errors["reason"] = _("برای اصلاح رقم، دلیل را بنویسید.")
    if row is None and year is None:
        errors["year"] = _("سالی را که این رقم مربوط به آن است بنویسید.")
    elif year is not None and (problem := year_problem(year)) is not None:
        errors["year"] = problem
    if errors:
        raise FormErrors(errors)
    before = row.verified_value if row is not None else None
    if row is None:
        row = IndicatorValue(nomination_id=nomination.id, indicator_id=indicator.id, declared_value=None,
                             year=year)
        session.add(row)
    elif year is not None:
        row.year = year
    row.verified_value = value
    row.verified_by_id = actor.id
    row.verified_at = clock.now()
    row.reason = reason or None
    session.flush()
    record(session, actor=actor, action="indicator.verify", object_type="indicator_value", object_id=row.id,
           nomination_id=nomination.id, cycle_id=nomination.cycle_id, province_id=nomination.province_id,
           changes={"indicator": [None, indicator.name_fa], "committee": [None, committee.code],
                    "declared_value": [_plain(declared), _plain(declared)],
                    "verified_value": [_plain(before), _plain(value)], "reason": [None, reason or None]})
    return row


# ------------------------------------------------------------------------------------------------ definitions


@dataclass(frozen=True)
class IndicatorSpec:
    """An indicator as the organizer defines it."""

    code: str
    name_fa: str
    name_en: str = ""
    unit_fa: str = ""
    unit_en: str = ""
    decimals: int = 0
    min_value: Decimal | None = Decimal(0)
    max_value: Decimal | None = None
    #: The dossier key figure it carries (one of ``CARRIED_FIELDS``), or None.
    dossier_field: str | None = None


#: An indicator's code: it names the dossier form's fields and the import's columns (``ind_<code>``).
CODE_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,31}")

#: Dossier key figures an indicator may carry (``Indicator.dossier_field``): the dossier form then asks the figure
#: once (the indicator's field) and the declared figure is written to the dossier field as well, so the dossier
#: page, the sheet's key figures and the checks before submission keep reading it where they always did.
CARRIED_FIELDS = ("employees", "annual_sales", "exports_value", "growth_percent")
#: What each key figure's dossier field holds: (lowest, highest, decimals), as the dossier form checks it.
KEY_FIGURE_LIMITS = {"employees": (Decimal(0), Decimal(10_000_000), 0),
                     "annual_sales": (Decimal(0), Decimal(10**15), 0),
                     "exports_value": (Decimal(0), Decimal(10**12), 0),
                     "growth_percent": (Decimal(-100), Decimal(10_000), 2)}


def carried_field(indicator: Indicator) -> str | None:
    """The dossier key figure (model field name) this indicator carries, or None."""
    return indicator.dossier_field if indicator.dossier_field in CARRIED_FIELDS else None


def carried_fields(indicators: list[Indicator]) -> dict[str, Indicator]:
    """Dossier key figure -> the cycle's indicator carrying it (the first, should two codes name one field)."""
    found: dict[str, Indicator] = {}
    for indicator in indicators:
        if (name := carried_field(indicator)) is not None:
            found.setdefault(name, indicator)
    return found


def _key_figure(name: str, value: Decimal | None) -> int | Decimal | None:
    """The declared figure as its dossier field holds it; None when it does not fit that field."""
    if value is None:
        return None
    low, high, decimals = KEY_FIGURE_LIMITS[name]
    value = Decimal(value)
    if not low <= value <= high or value != value.quantize(Decimal(1).scaleb(-decimals)):
        return None
    return int(value) if decimals == 0 else value


def _check_spec(session: Session, *, cycle, spec: IndicatorSpec, indicator: Indicator | None = None) -> dict[str, str]:
    """Per form field: what is wrong with the spec (the code unique in the cycle, names, decimals, limits)."""
    errors: dict[str, str] = {}
    if not CODE_PATTERN.fullmatch(spec.code or ""):
        errors["code"] = _("کد با حرف کوچک لاتین آغاز شود و فقط حرف کوچک لاتین، رقم و _ داشته باشد (حداکثر ۳۲).")
    elif session.scalar(select(Indicator.id).where(Indicator.cycle_id == cycle.id, Indicator.code == spec.code,
                                                   Indicator.id != (indicator.id if indicator else -1))):
        errors["code"] = _("شاخصی با این کد در این دوره هست.")
    if not spec.name_fa:
        errors["name_fa"] = _("نام فارسی شاخص را بنویسید.")
    for name, limit in (("name_fa", 120), ("name_en", 120), ("unit_fa", 60), ("unit_en", 60)):
        if len(getattr(spec, name) or "") > limit and name not in errors:
            errors[name] = _("حداکثر %(n)s نویسه.", n=persian_number(limit) if i18n.persian_ui() else limit)
    if spec.decimals not in (0, 1, 2):
        errors["decimals"] = _("تعداد رقم اعشار ۰، ۱ یا ۲ است.")
    for name in ("min_value", "max_value"):
        value = getattr(spec, name)
        if value is not None and (abs(value) >= Decimal(10) ** 16 or value != value.quantize(Decimal("0.01"))):
            errors[name] = _("عددی با حداکثر دو رقم اعشار و کمتر از ۱۶ رقم بنویسید.")
    if (spec.min_value is not None and spec.max_value is not None and spec.min_value > spec.max_value
            and "max_value" not in errors):
        errors["max_value"] = _("بیشترین مقدار نباید از کمترین مقدار کمتر باشد.")
    if spec.dossier_field is not None:
        errors.update(_check_carried(session, cycle=cycle, spec=spec, indicator=indicator))
    return errors


def _check_carried(session: Session, *, cycle, spec: IndicatorSpec, indicator: Indicator | None) -> dict[str, str]:
    """A key figure is carried by one indicator of the cycle, whose figures all fit the dossier field."""
    if spec.dossier_field not in CARRIED_FIELDS:
        return {"dossier_field": _("یکی از گزینه‌های فهرست را برگزینید.")}
    if session.scalar(select(Indicator.id).where(Indicator.cycle_id == cycle.id,
                                                 Indicator.dossier_field == spec.dossier_field,
                                                 Indicator.id != (indicator.id if indicator else -1))):
        return {"dossier_field": _("شاخص دیگری از این دوره جای همین رقم پرونده را گرفته است.")}
    low, _high, decimals = KEY_FIGURE_LIMITS[spec.dossier_field]
    if spec.decimals > decimals:
        return {"dossier_field": _("این رقم پرونده عدد صحیح است؛ شاخصِ جایگزین آن باید بدون اعشار باشد.")}
    if spec.min_value is None or spec.min_value < low:
        return {"dossier_field": _("کمترین مقدار شاخص باید دست‌کم %(low)s باشد تا جای این رقم پرونده را بگیرد.",
                                   low=_show(low))}
    return {}


def _normalized(spec: IndicatorSpec) -> IndicatorSpec:
    return IndicatorSpec(code=(spec.code or "").strip(), name_fa=normalize_text(spec.name_fa or "").strip(),
                         name_en=(spec.name_en or "").strip(), unit_fa=normalize_text(spec.unit_fa or "").strip(),
                         unit_en=(spec.unit_en or "").strip(), decimals=spec.decimals, min_value=spec.min_value,
                         max_value=spec.max_value, dossier_field=spec.dossier_field or None)


def define_indicator(session: Session, *, actor: User, cycle, spec: IndicatorSpec) -> Indicator:
    """Add an indicator to the cycle (code unique in it). Side effect: an ``indicator.define`` audit event.

    Refuses (``FormErrors`` keyed by spec field) a code that is not lower-case Latin letters, digits and _, or is
    taken in the cycle; a missing Persian name; decimals other than 0 to 2; a lowest value above the highest; a
    dossier key figure another indicator carries or that the indicator's figures would not fit.
    """
    if not permissions.can_manage_indicators(actor):
        raise PermissionDenied(_("فقط دبیرخانه می‌تواند شاخص تعریف کند."))
    ensure_cycle_writable(cycle)
    spec = _normalized(spec)
    if errors := _check_spec(session, cycle=cycle, spec=spec):
        raise FormErrors(errors)
    position = len(cycle_indicators(session, cycle_id=cycle.id))
    indicator = Indicator(cycle_id=cycle.id, position=position, code=spec.code, name_fa=spec.name_fa,
                          name_en=spec.name_en, unit_fa=spec.unit_fa, unit_en=spec.unit_en, decimals=spec.decimals,
                          min_value=spec.min_value, max_value=spec.max_value, dossier_field=spec.dossier_field)
    session.add(indicator)
    session.flush()
    record(session, actor=actor, action="indicator.define", object_type="indicator", object_id=indicator.id,
           cycle_id=cycle.id, changes={"indicator": [None, spec.name_fa], "decimals": [None, spec.decimals],
                                       "min_value": [None, _plain(spec.min_value)],
                                       "max_value": [None, _plain(spec.max_value)],
                                       **({"dossier_field": [None, spec.dossier_field]} if spec.dossier_field else {})})
    return indicator


def indicator_use(session: Session, *, indicator: Indicator) -> tuple[int, int]:
    """(figures declared or verified for the indicator, criteria computed from it)."""
    figures_count = session.scalar(select(func.count(IndicatorValue.id))
                                   .where(IndicatorValue.indicator_id == indicator.id)) or 0
    criteria_count = session.scalar(select(func.count(Criterion.id))
                                    .where(Criterion.indicator_id == indicator.id)) or 0
    return figures_count, criteria_count


def update_indicator(session: Session, *, actor: User, indicator: Indicator, spec: IndicatorSpec) -> dict[str, list]:
    """Change an indicator's definition; return the audited changes ``{field: [before, after]}`` (empty: none).

    The same checks as :func:`define_indicator` (and, for a carried key figure, one indicator per field of the
    cycle, whole numbers for a whole-number field, a lowest value the field accepts), and, so that no figure
    already in a dossier becomes invalid:
    once any figure is declared or verified the code stays (it names the dossier's and the import's fields and
    the audit trail reads by it), and fewer decimals, a higher lowest value or a lower highest value are refused
    when a saved figure (declared or verified) would fall outside them. Names and units stay editable: they
    change no figure and no point. Side effects: an ``indicator.update`` audit event with before and after.
    """
    if not permissions.can_manage_indicators(actor):
        raise PermissionDenied(_("فقط دبیرخانه می‌تواند شاخص تعریف کند."))
    cycle = indicator.cycle
    ensure_cycle_writable(cycle)
    spec = _normalized(spec)
    errors = _check_spec(session, cycle=cycle, spec=spec, indicator=indicator)
    saved = [v for row in session.scalars(select(IndicatorValue).where(IndicatorValue.indicator_id == indicator.id))
             for v in (row.declared_value, row.verified_value) if v is not None]
    if saved and spec.code != indicator.code and "code" not in errors:
        errors["code"] = _("برای این شاخص رقم ثبت شده است؛ کد آن دیگر تغییر نمی‌کند.")
    if saved and not errors:
        trial = Indicator(code=spec.code, name_fa=spec.name_fa, decimals=spec.decimals, min_value=spec.min_value,
                          max_value=spec.max_value)
        off = [v for v in saved if figure_problem(trial, v) is not None]
        if off:
            message = _("%(n)s رقم ثبت‌شده با این تعریف نامعتبر می‌شود (مانند %(value)s)؛ تعریف را چنان بگذارید "
                        "که رقم‌های ثبت‌شده در آن بگنجند.",
                        n=persian_number(len(off)) if i18n.persian_ui() else len(off), value=_show(off[0]))
            field = ("decimals" if any(v != Decimal(v).quantize(Decimal(1).scaleb(-spec.decimals)) for v in off)
                     else "min_value" if spec.min_value is not None and any(v < spec.min_value for v in off)
                     else "max_value")
            errors[field] = message
    if errors:
        raise FormErrors(errors)
    changes: dict[str, list] = {}
    for name in ("code", "name_fa", "name_en", "unit_fa", "unit_en", "decimals", "min_value", "max_value",
                 "dossier_field"):
        before, after = getattr(indicator, name), getattr(spec, name)
        if name in ("min_value", "max_value"):
            before, after = _plain(before), _plain(after)
        if before != after:
            changes[name] = [before, after]
            setattr(indicator, name, getattr(spec, name))
    if not changes:
        return changes
    session.flush()
    record(session, actor=actor, action="indicator.update", object_type="indicator", object_id=indicator.id,
           cycle_id=cycle.id, changes=changes)
    return changes


def _rule_problems(criterion: Criterion, rule: IndicatorRule | None, bands: list[rules.Band],
                   origin: Decimal | None, slope: Decimal | None) -> dict[str, str]:
    """Per key (``band-<index>``, ``bands``, ``origin``, ``slope``): what is wrong with the rule."""
    messages = {rules.OVERLAP: _("این بازه با بازهٔ بالاتر هم‌پوشانی دارد."),
                rules.EMPTY: _("این بازه هیچ رقمی را در بر نمی‌گیرد."),
                rules.ABOVE_MAX: _("امتیاز بازه از سقف نمرهٔ معیار بیشتر است.")}
    errors = {f"band-{index}": str(messages[problem]) for index, problem in
              rules.band_problems(bands, criterion.max_points)}
    for index, band in enumerate(bands):
        if any(v is not None and v != v.quantize(rules.TWO_PLACES) for v in (band.lower, band.upper, band.points)):
            errors[f"band-{index}"] = _("حدها و امتیاز بازه حداکثر دو رقم اعشار دارند.")
        elif band.points < 0:
            errors[f"band-{index}"] = _("امتیاز بازه نمی‌تواند منفی باشد.")
        elif band.lower is not None and band.upper is not None and band.lower > band.upper:
            errors[f"band-{index}"] = _("حد پایین بازه از حد بالای آن بیشتر است.")
    if rule is IndicatorRule.BANDS and not bands:
        errors["bands"] = _("دست‌کم یک بازه تعریف کنید.")
    if rule is IndicatorRule.LINEAR and (slope is None or slope <= 0 or origin is None):
        errors["slope"] = _("مبدأ و شیب مثبت مقیاس خطی را بنویسید.")
    elif rule is IndicatorRule.LINEAR and (origin != origin.quantize(rules.TWO_PLACES) or abs(origin) >= 10 ** 16):
        errors["origin"] = _("مبدأ حداکثر دو رقم اعشار دارد.")
    elif rule is IndicatorRule.LINEAR and (slope != slope.quantize(Decimal("0.000001")) or slope >= 10 ** 6):
        errors["slope"] = _("شیب حداکثر شش رقم اعشار دارد و کمتر از یک میلیون است.")
    return errors


def set_criterion_rule(session: Session, *, actor: User, criterion: Criterion, indicator: Indicator | None,
                       rule: IndicatorRule | None, bands: list[rules.Band] = (), origin: Decimal | None = None,
                       slope: Decimal | None = None) -> Criterion:
    """Make a criterion computed from ``indicator`` by a banded table or a capped linear scale (or judged again).

    Refused once the rubric is locked (as any rubric change), for an indicator of another cycle, and for bands
    that overlap, hold no figure or are worth more than the criterion's maximum (``FormErrors`` keyed
    ``band-<index>``). Side effects: replaces the criterion's bands; an ``indicator.rule`` audit event; the
    category's results stamp.
    """
    if not permissions.is_organizer(actor):
        raise PermissionDenied(_("فقط دبیرخانه می‌تواند معیارها را تنظیم کند."))
    category: Category = criterion.category
    lock_open_category(session, category=category)
    if rubric_locked(session, category=category):
        raise InvalidTransition(_("امتیازدهی این رشته آغاز شده و معیارها قفل است؛ نخست معیارها را بازنشانی کنید."))
    if (indicator is None) != (rule is None):
        raise DomainError(_("شاخص و روش محاسبه را با هم برگزینید."), field="indicator")
    if indicator is not None and indicator.cycle_id != category.cycle_id:
        raise DomainError(_("این شاخص از دورهٔ این رشته نیست."), field="indicator")
    bands = list(bands) if rule is IndicatorRule.BANDS else []
    errors = _rule_problems(criterion, rule, bands, origin, slope)
    if errors:
        raise FormErrors(errors)
    before = {"indicator": criterion.indicator.name_fa if criterion.indicator else None,
              "rule": str(LABELS[criterion.rule]) if criterion.rule else None, "bands": len(criterion.bands)}
    criterion.indicator = indicator
    criterion.rule = rule
    criterion.linear_origin = origin if rule is IndicatorRule.LINEAR else None
    criterion.linear_slope = slope if rule is IndicatorRule.LINEAR else None
    criterion.bands.clear()
    session.flush()
    for position, band in enumerate(bands):
        criterion.bands.append(CriterionBand(lower=band.lower, upper=band.upper, points=band.points,
                                             lower_inclusive=band.lower_inclusive,
                                             upper_inclusive=band.upper_inclusive, position=position))
    session.flush()
    record(session, actor=actor, action="indicator.rule", object_type="criterion", object_id=criterion.id,
           cycle_id=category.cycle_id,
           changes={"indicator": [before["indicator"], indicator.name_fa if indicator else None],
                    "rule": [before["rule"], str(LABELS[rule]) if rule else None],
                    "bands": [before["bands"], len(bands)]})
    return criterion


# ------------------------------------------------------------------------------------------------ reading


def rule_of(criterion: Criterion) -> rules.Rule:
    """The pure rule of a computed criterion (its bands loaded from the criterion)."""
    return rules.Rule(criterion.rule, criterion.max_points,
                      tuple(rules.Band(b.lower, b.upper, b.points, b.lower_inclusive, b.upper_inclusive)
                            for b in criterion.bands),
                      criterion.linear_origin, criterion.linear_slope)


@dataclass
class ComputedLine:
    """A computed criterion of a sheet: the figure declared and verified, and the points they give."""

    criterion: Criterion
    figure: IndicatorValue | None
    #: Points of the verified figure (None while unverified: the criterion does not count yet).
    points: Decimal | None
    #: What the declared figure would give, shown beside it before verification.
    declared_points: Decimal | None

    @property
    def indicator(self) -> Indicator:
        return self.criterion.indicator


def computed_lines(session: Session, *, nomination: Nomination, criteria: list[Criterion]) -> list[ComputedLine]:
    """The computed criteria among ``criteria`` with the nomination's figures and their points."""
    computed = [c for c in criteria if c.is_computed]
    if not computed:
        return []
    saved = figures_of(session, nomination_id=nomination.id)
    lines = []
    for criterion in computed:
        figure = saved.get(criterion.indicator_id)
        rule = rule_of(criterion)
        lines.append(ComputedLine(
            criterion=criterion, figure=figure,
            points=rules.points(rule, figure.verified_value) if figure is not None and figure.is_verified else None,
            declared_points=rules.points(rule, figure.declared_value)
            if figure is not None and figure.declared_value is not None else None))
    return lines
