"""Forms of the province workspace: the dossier, evidence upload, submit/withdraw buttons and list filters.

Numbers, years, codes and mobiles are typed in Persian or Latin digits and parsed with ``awards.persian``.
A field that cannot be parsed keeps exactly what was typed, so the page re-renders it beside its error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from awards import clock, persian
from awards.enums import NominationState, NomineeKind
from awards.evaluation.figures import carried_fields, value_field, year_field
from awards.fields import ParsedField
from awards.labels import LABELS
from awards.models import Indicator, IndicatorValue
from awards.nominations.queries import NominationFilters
from awards.nominations.services import DOSSIER_FIELDS

#: The Persian messages of ``awards.persian`` as translatable strings.
PERSIAN_MESSAGES = {
    persian.MSG_NATIONAL_CODE_FORMAT: _l("کد ملی باید ۱۰ رقم باشد."),
    persian.MSG_INVALID_NATIONAL_CODE: _l("کد ملی معتبر نیست؛ رقم کنترل آن درست درنمی‌آید."),
    persian.MSG_LEGAL_ID_FORMAT: _l("شناسه ملی باید ۱۱ رقم باشد."),
    persian.MSG_INVALID_LEGAL_ID: _l("شناسه ملی معتبر نیست؛ رقم کنترل آن درست درنمی‌آید."),
    persian.MSG_INVALID_MOBILE: _l("شماره همراه معتبر نیست؛ نمونه: ۰۹۱۲۱۲۳۴۵۶۷"),
}
MSG_NUMBER = _l("عدد معتبر وارد کنید (رقم‌های فارسی یا لاتین، بدون واحد).")
MSG_WHOLE_NUMBER = _l("عدد صحیح وارد کنید (رقم‌های فارسی یا لاتین، بدون واحد).")


def _display_digits(text: str) -> str:
    locale = get_locale()
    return persian.to_persian_digits(text) if locale is None or locale.language == "fa" else text


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class DossierField(ParsedField):
    """A parsed dossier input, written back in the interface's digits."""

    def show(self, value: Any) -> str:
        return _display_digits(str(value))


class IdentifierField(DossierField):
    """کد ملی, شناسه ملی or mobile: validated by an ``awards.persian`` function, stored in Latin digits."""

    def __init__(self, label=None, validators=None, *, check, **kwargs) -> None:
        super().__init__(label, validators, **kwargs)
        self.check = check

    def parse(self, text: str) -> str:
        try:
            return self.check(text)
        except ValueError as error:
            raise ValueError(PERSIAN_MESSAGES.get(str(error), str(error))) from error


class NumberField(DossierField):
    """A whole or decimal number within a range, typed with either digit set and optional separators."""

    def __init__(self, label=None, validators=None, *, minimum: int, maximum: int, decimal: bool = False,
                 **kwargs) -> None:
        super().__init__(label, validators, **kwargs)
        self.minimum, self.maximum, self.decimal = minimum, maximum, decimal

    def parse(self, text: str) -> int | Decimal:
        try:
            value = persian.parse_number(text, allow_decimal=self.decimal)
        except ValueError as error:
            raise ValueError(MSG_NUMBER if self.decimal else MSG_WHOLE_NUMBER) from error
        if not self.minimum <= value <= self.maximum:
            raise ValueError(_l("عددی از %(low)s تا %(high)s وارد کنید.",
                                low=persian.persian_number(self.minimum), high=persian.persian_number(self.maximum)))
        if self.decimal:
            value = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return value

    def show(self, value: int | Decimal) -> str:
        locale = get_locale()
        return persian.persian_number(value) if locale is None or locale.language == "fa" else f"{value:,}"


class JalaliYearField(DossierField):
    """A Jalali (solar hijri) year such as ۱۳۷۲, not later than the current one."""

    def parse(self, text: str) -> int:
        try:
            year = persian.parse_number(text)
        except ValueError as error:
            raise ValueError(_l("سال را با چهار رقم بنویسید؛ مانند ۱۳۷۲.")) from error
        this_year = persian.gregorian_to_jalali(clock.now())[0]
        if 1900 <= year <= 2100:
            raise ValueError(_l("سال را به تقویم شمسی بنویسید؛ مانند ۱۳۷۲ (نه میلادی)."))
        if not 1200 <= year <= this_year:
            raise ValueError(_l("سال شمسی باید از ۱۲۰۰ تا %(year)s باشد.",
                                year=persian.to_persian_digits(str(this_year))))
        return year


class DossierForm(FlaskForm):
    """The dossier of PROCESS.md; only the name is needed to save a draft, the rest is checked at submit."""

    nominee_name = StringField(_l("نام نامزد"), filters=[_strip], validators=[
        InputRequired(_l("نام نامزد را وارد کنید.")), Length(max=200, message=_l("حداکثر ۲۰۰ نویسه."))])
    legal_id = IdentifierField(_l("شناسه ملی"), check=persian.validate_legal_id)
    national_code = IdentifierField(_l("کد ملی"), check=persian.validate_national_code)
    salutation = SelectField(_l("عنوان خطاب در لوح"), choices=[SelectChoice("", _l("بدون عنوان")),
                                                           SelectChoice("جناب آقای", "جناب آقای"),
                                                           SelectChoice("سرکار خانم", "سرکار خانم")],
                             filters=[lambda value: value or None], validate_choice=False)  # the service checks it
    representative_name = StringField(_l("نام نماینده"), filters=[_strip],
                                      validators=[Length(max=120, message=_l("حداکثر ۱۲۰ نویسه."))])
    representative_title = StringField(_l("سمت نماینده"), filters=[_strip],
                                       validators=[Length(max=200, message=_l("حداکثر ۲۰۰ نویسه."))])
    city = StringField(_l("شهر"), filters=[_strip], validators=[Length(max=80, message=_l("حداکثر ۸۰ نویسه."))])
    sector = StringField(_l("بخش فعالیت"), filters=[_strip],
                         validators=[Length(max=120, message=_l("حداکثر ۱۲۰ نویسه."))])
    founding_year = JalaliYearField(_l("سال تأسیس (شمسی)"))
    employees = NumberField(_l("تعداد کارکنان"), minimum=0, maximum=10_000_000)
    annual_sales = NumberField(_l("فروش سالانه (میلیون ریال)"), minimum=0, maximum=10**15)
    exports_value = NumberField(_l("ارزش صادرات (هزار دلار)"), minimum=0, maximum=10**12)
    growth_percent = NumberField(_l("رشد فروش (درصد)"), minimum=-100, maximum=10_000, decimal=True)
    narrative = TextAreaField(_l("شرح دستاوردها"), filters=[_strip],
                              validators=[Length(max=10_000, message=_l("حداکثر ۱۰٬۰۰۰ نویسه."))])
    mobile = IdentifierField(_l("تلفن همراه"), check=persian.validate_mobile)

    indicators: list[Indicator] = []
    #: Dossier key figure -> the indicator that carries it (its own field is then left out of the form).
    carried: dict[str, Indicator] = {}

    def values(self) -> dict[str, Any]:
        """The dossier values typed, by model field name (only fields this form has)."""
        return {name: self[name].data for name in DOSSIER_FIELDS if name in self}

    def carried_by(self, indicator: Indicator) -> str | None:
        """The dossier key figure ``indicator`` stands for on this form, or None."""
        return next((name for name, carrier in self.carried.items() if carrier.id == indicator.id), None)

    def figures(self) -> dict[int, tuple[Decimal | None, int | None]]:
        """The declared figures typed: indicator id -> (figure, year), for ``figures.declare_figures``."""
        return {i.id: (self[value_field(i)].data, self[year_field(i)].data) for i in self.indicators}


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _indicator_fields(indicator: Indicator) -> dict[str, Any]:
    unit = f" ({indicator.unit_fa})" if indicator.unit_fa else ""
    low = indicator.min_value if indicator.min_value is not None else -(10**15)
    high = indicator.max_value if indicator.max_value is not None else 10**15
    return {value_field(indicator): NumberField(f"{indicator.name_fa}{unit}", minimum=low, maximum=high,
                                                decimal=indicator.decimals > 0),
            year_field(indicator): JalaliYearField(_l("سال رقم «%(name)s» (شمسی)", name=indicator.name_fa))}


class EditDossierForm(DossierForm):
    category_id = SelectField(_l("رشته"), coerce=_int_or_none, validate_choice=False)

    def validate_category_id(self, field: SelectField) -> None:
        if field.data not in {key for key, _label in field.choices}:
            raise ValidationError(_l("یکی از رشته‌های فهرست را برگزینید."))


def dossier_form(kind: NomineeKind, *, edit: bool = False, indicators: Sequence[Indicator] = (),
                 figures: Mapping[int, IndicatorValue] | None = None, **kwargs) -> DossierForm:
    """Build the dossier form for a kind of nominee: a person has a national code, others a legal id.

    With the cycle's ``indicators``, each gets a figure and a year field (``ind_<code>``, ``ind_<code>_year``),
    filled from the saved ``figures``; :meth:`DossierForm.figures` reads them back. A key figure (employees,
    sales, exports, growth) that an indicator carries (``figures.CARRIED_FIELDS``) loses its own field: the
    figure is asked once, and ``figures.declare_figures`` writes it to the dossier field too.
    """
    base = EditDossierForm if edit else DossierForm
    if indicators:
        base = type("IndicatorDossierForm", (base,), {
            name: field for indicator in indicators for name, field in _indicator_fields(indicator).items()})
        saved = figures or {}
        kwargs.setdefault("data", {})
        for indicator in indicators:
            row = saved.get(indicator.id)
            if row is not None and row.declared_value is not None:
                value = row.declared_value
                whole = value == value.to_integral_value()
                kwargs["data"][value_field(indicator)] = int(value) if whole else value.normalize()
                kwargs["data"][year_field(indicator)] = row.year
    form = base(**kwargs)
    form.indicators = list(indicators)
    # A key figure an indicator carries is asked once, as that indicator; the dossier keeps its stored value.
    form.carried = carried_fields(form.indicators)
    for name in form.carried:
        delattr(form, name)
    if kind is NomineeKind.PERSON:
        del form.legal_id
        form.founding_year.label.text = _l("سال آغاز فعالیت (شمسی)")
    else:
        del form.national_code
    return form


class WithdrawForm(FlaskForm):
    confirm = BooleanField(_l("انصراف این نامزد را تأیید می‌کنم؛ این کار بازگشت‌پذیر نیست."),
                           validators=[DataRequired(_l("برای انصراف، تأیید را علامت بزنید."))])
    reason = StringField(_l("دلیل انصراف (اختیاری)"), filters=[_strip],
                           validators=[Length(max=2000, message=_l("حداکثر ۲۰۰۰ نویسه."))])


class UploadForm(FlaskForm):
    file = FileField(_l("پروندهٔ مدرک"), validators=[FileRequired(_l("پرونده‌ای انتخاب کنید."))])


class FilterForm(FlaskForm):
    """The list's filters, read from the query string (a GET form: no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("جستجوی نام یا شناسه"), filters=[_strip])
    cycle = SelectField(_l("دوره"), validate_choice=False)
    category = SelectField(_l("رشته"), validate_choice=False)
    province = SelectField(_l("استان"), validate_choice=False)
    state = SelectField(_l("وضعیت"), validate_choice=False)

    def offer(self, cycles: list, categories: list, provinces: list) -> None:
        """Fill the selects with what the user may filter by (provinces only for an organizer)."""
        several = len(cycles) > 1
        self.cycle.choices = [("", _l("همهٔ دوره‌ها"))] + [(str(c.id), c.title) for c in cycles]
        self.category.choices = [("", _l("همهٔ رشته‌ها"))] + [
            (str(c.id), f"{c.title} ({_display_digits(str(c.cycle.year))})" if several else c.title)
            for c in categories
        ]
        self.province.choices = [("", _l("همهٔ استان‌ها"))] + [(str(p.id), p.name_fa) for p in provinces]
        self.state.choices = [("", _l("همهٔ وضعیت‌ها"))] + [(s.value, LABELS[s]) for s in NominationState]

    def filters(self) -> NominationFilters:
        """The narrowing asked for; a value that is not among the choices is ignored."""
        return NominationFilters(cycle_id=self.chosen_id("cycle"), category_id=self.chosen_id("category"),
                                 province_id=self.chosen_id("province"), state=self.chosen_state(),
                                 search=(self.q.data or "")[:100])

    def chosen_id(self, name: str) -> int | None:
        """The id chosen in a select, or None when it is empty or not one of the choices offered."""
        value = self[name].data or ""
        offered = {key for key, _label in self[name].choices}
        return int(value) if value in offered and value.isdigit() else None

    def chosen_state(self) -> NominationState | None:
        try:
            return NominationState(self.state.data) if self.state.data else None
        except ValueError:
            return None
