"""Forms of the evaluation area: score sheets, reasons, the rubric, assignments and citations.

Numbers are typed in Persian or Latin digits and parsed with ``awards.persian``; a value that cannot be parsed
keeps exactly what was typed, so the page shows it again beside its error.
"""

from __future__ import annotations

import re
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from awards import persian
from awards.enums import Aggregation, IndicatorRule
from awards.evaluation.figures import IndicatorSpec
from awards.evaluation.indicators import Band
from awards.evaluation.rubric import (
    COMMITTEE_DEFAULTS,
    CommitteeInput,
    CriterionInput,
    RubricInput,
    scoring_committees,
)
from awards.fields import ParsedField
from awards.labels import LABELS
from awards.models import CategoryCommittee, Criterion

MSG_NUMBER = _l("عدد معتبر وارد کنید (رقم‌های فارسی یا لاتین).")
MSG_WHOLE = _l("عدد صحیح وارد کنید (رقم‌های فارسی یا لاتین).")
MSG_SCORE = _l("نمره را به صورت عدد بنویسید؛ مانند ۱۲ یا ۱۲٫۵ (رقم‌های فارسی یا لاتین).")


def _persian_ui() -> bool:
    locale = get_locale()
    return locale is None or locale.language == "fa"


def show_number(value: int | Decimal | None) -> str:
    """Show a number for an input: 12 or ۱۲٫۵, never 12.50, in the interface's digits."""
    if value is None:
        return ""
    value = Decimal(value)
    value = Decimal(int(value)) if value == value.to_integral_value() else value.normalize()
    text = format(value, "f")
    return persian.to_persian_digits(text.replace(".", persian.PERSIAN_DECIMAL_SEPARATOR)) if _persian_ui() else text


class NumberInput(ParsedField):
    """A parsed number input, written back as 12 or ۱۲٫۵."""

    def show(self, value: Any) -> str:
        return show_number(value)


class NumberField(NumberInput):
    """A whole (or, with ``decimal``, decimal) number in either digit set."""

    def __init__(self, label=None, validators=None, *, decimal: bool = False, **kwargs) -> None:
        super().__init__(label, validators, **kwargs)
        self.decimal = decimal

    def parse(self, text: str) -> int | Decimal:
        try:
            return persian.parse_number(text.replace("/", "."), allow_decimal=self.decimal)
        except ValueError as error:
            raise ValueError(MSG_NUMBER if self.decimal else MSG_WHOLE) from error


_SCORE_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?|-[0-9]+(?:\.[0-9]+)?")


class ScoreField(NumberInput):
    """A criterion value: «۱۲٫۵», "12.5" and "12/5" (the slash Persian keyboards type) all read as 12.5."""

    def parse(self, text: str) -> Decimal:
        candidate = persian.to_latin_digits(text).replace("\u2212", "-").replace(" ", "")
        candidate = candidate.replace(persian.PERSIAN_DECIMAL_SEPARATOR, ".").replace("/", ".")
        if not _SCORE_RE.fullmatch(candidate):
            raise ValueError(MSG_SCORE)
        return Decimal(candidate)


class SheetForm(FlaskForm):
    """A score sheet; one ``c<criterion id>`` field per criterion is added by :func:`sheet_form`."""

    comment = TextAreaField(_l("توضیح ارزیاب"), validators=[Optional(), Length(
        max=4000, message=_l("توضیح حداکثر ۴۰۰۰ نویسه است."))])


def sheet_form(criteria, *, scores: dict[int, Decimal] | None = None, comment: str = "",
               formdata: Any = None) -> SheetForm:
    """Build the sheet form of these criteria, filled from the saved sheet (GET) or the request (POST)."""

    class _SheetForm(SheetForm):
        pass

    for criterion in criteria:
        setattr(_SheetForm, f"c{criterion.id}", ScoreField(criterion.title))
    data = {f"c{cid}": value for cid, value in (scores or {}).items()}
    data["comment"] = comment
    if formdata is not None:
        return _SheetForm(formdata=formdata)
    return _SheetForm(data=data)


class VerifyFigureForm(FlaskForm):
    """The committee's check of a declared figure: empty confirms it as declared; another value corrects it."""

    value = NumberField(_l("رقم تأییدشده"), decimal=True)
    year = NumberField(_l("سال رقم (شمسی)"))
    reason = TextAreaField(_l("دلیل اصلاح"), validators=[Length(max=1000, message=_l("دلیل حداکثر ۱۰۰۰ نویسه است."))])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("دلیل"), validators=[InputRequired(_l("دلیل را بنویسید.")), Length(
        max=1000, message=_l("دلیل حداکثر ۱۰۰۰ نویسه است."))])


class ConflictForm(ReasonForm):
    """A member's declaration; ``committee`` only says which sheet page to return to."""

    committee = HiddenField()


class OverrideForm(ReasonForm):
    conflict_id = HiddenField(validators=[InputRequired()])


class ActionForm(FlaskForm):
    """A button that only needs its CSRF token."""


AGGREGATION_CHOICES = [SelectChoice(a.value, LABELS[a]) for a in Aggregation]


class CriterionRow(Form):
    id = HiddenField()
    title = StringField(_l("عنوان معیار"), validators=[Length(max=200, message=_l("حداکثر ۲۰۰ نویسه."))])
    guidance = TextAreaField(_l("راهنمای امتیازدهی"), validators=[Length(max=2000, message=_l("حداکثر ۲۰۰۰ نویسه."))])
    max_points = NumberField(_l("سقف نمره"), decimal=True)
    weight = NumberField(_l("وزن"), decimal=True)
    position = NumberField(_l("ترتیب"))
    remove = BooleanField(_l("حذف"))


class CommitteeRubric(Form):
    committee_id = HiddenField()
    weight = NumberField(_l("وزن کمیته (W)"), decimal=True)
    aggregation = SelectField(_l("روش تجمیع"), choices=AGGREGATION_CHOICES, default=Aggregation.MEAN.value)
    quorum = NumberField(_l("حد نصاب"))
    normalise = BooleanField(_l("نرمال‌سازی سخت‌گیری ارزیاب‌ها"))
    reviewers_per_nomination = NumberField(_l("داوران هر نامزد (k)"))
    criteria = FieldList(FormField(CriterionRow))


class RubricForm(FlaskForm):
    gold_quota = NumberField(_l("سهمیهٔ تندیس زرین"))
    certificate_quota = NumberField(_l("سهمیهٔ لوح تقدیر"))
    min_score = NumberField(_l("حداقل امتیاز برای جایزه (۰ تا ۱۰۰)"), decimal=True)
    conflict_same_province = BooleanField(_l("تعارض منافع با نامزدهای استان خود عضو"))
    committees = FieldList(FormField(CommitteeRubric))


class BalanceForm(FlaskForm):
    committee_id = HiddenField(validators=[InputRequired()])
    k = NumberField(_l("داوران هر نامزد (k)"), validators=[InputRequired(_l("تعداد داوران را وارد کنید."))])


class AddAssignmentForm(FlaskForm):
    committee_id = HiddenField(validators=[InputRequired()])
    nomination_id = HiddenField(validators=[InputRequired()])
    member_id = SelectField(_l("عضو"), coerce=int, validate_choice=False)


class RemoveAssignmentForm(FlaskForm):
    assignment_id = HiddenField(validators=[InputRequired()])


class CitationForm(FlaskForm):
    text = TextAreaField(_l("متن لوح"), validators=[InputRequired(_l("متن لوح را بنویسید.")), Length(
        max=600, message=_l("متن لوح حداکثر ۶۰۰ نویسه است."))])


def rubric_form(session, *, category) -> RubricForm:
    """Fill the rubric form from the category: every scoring committee, its criteria and one blank row."""
    settings = {s.committee_id: s for s in session.scalars(
        select(CategoryCommittee).where(CategoryCommittee.category_id == category.id))}
    criteria = list(session.scalars(select(Criterion).where(Criterion.category_id == category.id)
                                    .order_by(Criterion.position, Criterion.id)))
    committees = []
    for committee in scoring_committees(session):
        setting = settings.get(committee.id)
        values = {name: getattr(setting, name) if setting else default for name, default in COMMITTEE_DEFAULTS.items()}
        rows = [SimpleNamespace(id=str(c.id), title=c.title, guidance=c.guidance, max_points=c.max_points,
                                weight=c.weight, position=c.position, remove=False)
                for c in criteria if c.committee_id == committee.id]
        rows.append(SimpleNamespace(id="", title="", guidance="", max_points=None, weight=None, position=None,
                                    remove=False))
        committees.append(SimpleNamespace(committee_id=str(committee.id), weight=values["weight"],
                                          aggregation=Aggregation(values["aggregation"]).value,
                                          quorum=values["quorum"], normalise=values["normalise"],
                                          reviewers_per_nomination=values["reviewers_per_nomination"],
                                          criteria=rows))
    return RubricForm(formdata=None, obj=SimpleNamespace(
        gold_quota=category.gold_quota, certificate_quota=category.certificate_quota, min_score=category.min_score,
        conflict_same_province=category.cycle.conflict_same_province, committees=committees))


def _optional_int(text: str | None) -> int | None:
    try:
        return int(text) if text not in (None, "") else None
    except ValueError:
        return -1  # an id that cannot exist: the service refuses it beside its field


def rubric_row_input(row) -> CriterionInput:
    """One criterion row (a :class:`CriterionRow` entry) as the service's plain input; also the provincial rubric's."""
    return CriterionInput(prefix=row.name, id=_optional_int(row.form.id.data), title=row.form.title.data or "",
                          guidance=row.form.guidance.data or "", max_points=row.form.max_points.data,
                          weight=row.form.weight.data, position=row.form.position.data,
                          remove=bool(row.form.remove.data))


def rubric_input(form: RubricForm):
    """Turn a validated rubric form into the service's plain input."""
    committees = []
    for entry in form.committees.entries:
        sub = entry.form
        rows = [rubric_row_input(row) for row in sub.criteria.entries]
        committees.append(CommitteeInput(
            prefix=entry.name, committee_id=_optional_int(sub.committee_id.data) or -1, weight=sub.weight.data,
            aggregation=Aggregation(sub.aggregation.data), quorum=sub.quorum.data, normalise=bool(sub.normalise.data),
            reviewers_per_nomination=sub.reviewers_per_nomination.data, criteria=rows))
    return RubricInput(gold_quota=form.gold_quota.data, certificate_quota=form.certificate_quota.data,
                       min_score=form.min_score.data, conflict_same_province=bool(form.conflict_same_province.data),
                       committees=committees)


# ------------------------------------------------------------------------------------------------ indicators

DECIMAL_CHOICES = [SelectChoice("0", _l("بدون اعشار (عدد صحیح)")), SelectChoice("1", _l("تا ۱ رقم اعشار")),
                   SelectChoice("2", _l("تا ۲ رقم اعشار"))]
#: Dossier key figures an indicator may carry, with the dossier form's labels.
DOSSIER_FIELD_CHOICES = [SelectChoice("", _l("هیچ‌کدام")), SelectChoice("employees", _l("تعداد کارکنان")),
                         SelectChoice("annual_sales", _l("فروش سالانه (میلیون ریال)")),
                         SelectChoice("exports_value", _l("ارزش صادرات (هزار دلار)")),
                         SelectChoice("growth_percent", _l("رشد فروش (درصد)"))]


def _text(value: str | None) -> str:
    return (value or "").strip()


class IndicatorForm(FlaskForm):
    """An indicator as the organizer defines or edits it; the service checks the rest beside each field."""

    code = StringField(_l("کد (لاتین)"), filters=[_text], validators=[
        InputRequired(_l("کد شاخص را بنویسید.")), Length(max=32, message=_l("حداکثر ۳۲ نویسه."))])
    name_fa = StringField(_l("نام فارسی"), filters=[_text], validators=[
        InputRequired(_l("نام فارسی شاخص را بنویسید.")), Length(max=120, message=_l("حداکثر ۱۲۰ نویسه."))])
    name_en = StringField(_l("نام انگلیسی"), filters=[_text],
                          validators=[Length(max=120, message=_l("حداکثر ۱۲۰ نویسه."))])
    unit_fa = StringField(_l("واحد (فارسی)"), filters=[_text],
                          validators=[Length(max=60, message=_l("حداکثر ۶۰ نویسه."))])
    unit_en = StringField(_l("واحد (انگلیسی)"), filters=[_text],
                          validators=[Length(max=60, message=_l("حداکثر ۶۰ نویسه."))])
    decimals = SelectField(_l("رقم اعشار مجاز"), choices=DECIMAL_CHOICES, default="0")
    min_value = NumberField(_l("کمترین مقدار"), decimal=True)
    max_value = NumberField(_l("بیشترین مقدار"), decimal=True)
    dossier_field = SelectField(_l("جای این رقم پرونده را می‌گیرد"), choices=DOSSIER_FIELD_CHOICES, default="")

    def spec(self):
        """The service's input (``figures.IndicatorSpec``)."""
        return IndicatorSpec(code=self.code.data or "", name_fa=self.name_fa.data or "",
                             name_en=self.name_en.data or "", unit_fa=self.unit_fa.data or "",
                             unit_en=self.unit_en.data or "", decimals=int(self.decimals.data or 0),
                             min_value=_decimal(self.min_value.data), max_value=_decimal(self.max_value.data),
                             dossier_field=self.dossier_field.data or None)


def _decimal(value) -> Decimal | None:
    return Decimal(value) if value is not None else None


def indicator_form(indicator=None, **kwargs) -> IndicatorForm:
    """The form filled from ``indicator`` (GET), or from the request (POST); a new indicator starts at lowest 0."""
    if indicator is None:
        return IndicatorForm(data={"min_value": Decimal(0), "decimals": "0"}, **kwargs)
    return IndicatorForm(data={"code": indicator.code, "name_fa": indicator.name_fa, "name_en": indicator.name_en,
                               "unit_fa": indicator.unit_fa, "unit_en": indicator.unit_en,
                               "decimals": str(indicator.decimals), "min_value": indicator.min_value,
                               "max_value": indicator.max_value, "dossier_field": indicator.dossier_field or ""},
                         **kwargs)


# ------------------------------------------------------------------------------------------------ computed criteria

LIMIT_CHOICES = [SelectChoice("inclusive", _l("با خودِ حد")), SelectChoice("exclusive", _l("بدون خودِ حد"))]
RULE_CHOICES = [SelectChoice("", _l("داوری‌شده (اعضا نمره می‌دهند)")),
                SelectChoice(IndicatorRule.BANDS.value, _l("جدول بازه‌ای")),
                SelectChoice(IndicatorRule.LINEAR.value, _l("مقیاس خطی با سقف"))]
#: Blank band rows offered below the saved ones.
SPARE_BANDS = 2


class BandRow(Form):
    """One band: each limit empty (open), or a number taken with or without itself; the points."""

    lower = NumberField(_l("از"), decimal=True)
    lower_kind = SelectField(_l("نوع حد پایین"), choices=LIMIT_CHOICES, default="inclusive")
    upper = NumberField(_l("تا"), decimal=True)
    upper_kind = SelectField(_l("نوع حد بالا"), choices=LIMIT_CHOICES, default="exclusive")
    points = NumberField(_l("امتیاز"), decimal=True)

    @property
    def blank(self) -> bool:
        return self.lower.data is None and self.upper.data is None and self.points.data is None and not (
            (self.lower.raw_data and self.lower.raw_data[0].strip()) or (self.upper.raw_data and
            self.upper.raw_data[0].strip()) or (self.points.raw_data and self.points.raw_data[0].strip()))


class CriterionRuleForm(FlaskForm):
    indicator_id = SelectField(_l("شاخص"), choices=[], validate_choice=False)
    rule = SelectField(_l("روش امتیاز"), choices=RULE_CHOICES, default="")
    origin = NumberField(_l("مبدأ (رقمی که امتیاز از آن آغاز می‌شود)"), decimal=True)
    slope = NumberField(_l("شیب (امتیاز به ازای هر واحد)"), decimal=True)
    bands = FieldList(FormField(BandRow))


def rule_form(criterion, indicators, *, formdata=None) -> CriterionRuleForm:
    """The rule form of ``criterion``: its saved rule and bands plus blank rows (GET), or the request (POST)."""
    if formdata is not None:
        form = CriterionRuleForm(formdata=formdata)
    else:
        bands = [{"lower": b.lower, "lower_kind": "inclusive" if b.lower_inclusive else "exclusive",
                  "upper": b.upper, "upper_kind": "inclusive" if b.upper_inclusive else "exclusive",
                  "points": b.points} for b in criterion.bands]
        bands += [{"lower_kind": "inclusive", "upper_kind": "exclusive"}] * SPARE_BANDS
        form = CriterionRuleForm(formdata=None, data={
            "indicator_id": str(criterion.indicator_id or ""), "rule": criterion.rule.value if criterion.rule else "",
            "origin": criterion.linear_origin, "slope": criterion.linear_slope, "bands": bands})
    form.indicator_id.choices = [SelectChoice("", _l("— بدون شاخص —"))] + [
        SelectChoice(str(i.id), f"{i.name_fa} ({i.unit_fa})" if i.unit_fa else i.name_fa) for i in indicators]
    return form


def rule_input(form: CriterionRuleForm, indicators) -> dict[str, Any]:
    """The service's keywords (``figures.set_criterion_rule`` less actor and criterion), and the form field of
    each band index sent (blank rows dropped), so a band's refusal lands beside its row."""
    chosen = next((i for i in indicators if str(i.id) == (form.indicator_id.data or "")), None)
    rule = IndicatorRule(form.rule.data) if form.rule.data else None
    kept = [row for row in form.bands.entries if not row.form.blank]
    bands = [Band(lower=_decimal(row.form.lower.data), upper=_decimal(row.form.upper.data),
                  points=_decimal(row.form.points.data) if row.form.points.data is not None else Decimal(0),
                  lower_inclusive=row.form.lower_kind.data != "exclusive",
                  upper_inclusive=row.form.upper_kind.data == "inclusive") for row in kept]
    return {"indicator": chosen if rule is not None else None, "rule": rule, "bands": bands,
            "origin": _decimal(form.origin.data), "slope": _decimal(form.slope.data),
            "rows": {f"band-{index}": row.name for index, row in enumerate(kept)}}


def check_band_rows(form: CriterionRuleForm) -> bool:
    """A band row with limits but no points gets its message beside the points; True when every row is fine."""
    fine = True
    for row in form.bands.entries:
        if not row.form.blank and row.form.points.data is None and not row.form.points.errors:
            row.form.points.errors = [*row.form.points.errors, _l("امتیاز این بازه را بنویسید.")]
            fine = False
    return fine
