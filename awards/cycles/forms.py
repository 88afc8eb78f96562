"""Timeline and ceremony forms, and the Jalali date field they (and the audit filters) use.

Dates are typed in Jalali with Persian or Latin digits (۱۴۰۴/۰۲/۳۱ or 1404-2-31). A timeline date keeps the
Tehran time of day its field has now (nominations open at 00:00, deadlines at 23:59, and so on): the form moves
days, not hours, so an extension to 1404/03/10 of a deadline at 23:59 ends at 23:59 on that day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from awards import persian
from awards.cycles.services import EDITABLE_FIELDS

MSG_BAD_DATE = _l("تاریخ شمسی معتبر نیست؛ نمونه: ۱۴۰۴/۰۲/۳۱")


class JalaliDateField(StringField):
    """A Jalali date input (with the date picker); ``data`` is the Gregorian date, the typed text is kept."""

    def __init__(self, label=None, validators=None, **kwargs) -> None:
        render_kw = {"data-jdp": "", "dir": "ltr", "autocomplete": "off", "placeholder": _l("سال/ماه/روز"),
                     "inputmode": "numeric", **kwargs.pop("render_kw", {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if text:
            try:
                self.data = persian.parse_jalali_date(text)
            except ValueError as exc:
                raise ValueError(MSG_BAD_DATE) from exc

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, date):
            locale = get_locale()
            return persian.format_jalali_date(self.data, persian_digits=locale is None or locale.language == "fa")
        return ""


def at_same_time_of_day(day: date, reference: datetime) -> datetime:
    """Return ``day`` at the Tehran wall-clock time of ``reference``, as aware UTC."""
    local_time = reference.astimezone(persian.TEHRAN).time()
    return datetime.combine(day, local_time, tzinfo=persian.TEHRAN).astimezone(UTC)


def _date_field(label):
    return JalaliDateField(label, validators=[InputRequired(_l("تاریخ را وارد کنید."))])


class TimelineForm(FlaskForm):
    nominations_open_at = _date_field(_l("آغاز معرفی نامزدها"))
    nominations_close_at = _date_field(_l("پایان معرفی نامزدها"))
    screening_close_at = _date_field(_l("پایان غربالگری"))
    evaluation_close_at = _date_field(_l("پایان ارزیابی"))
    results_final_at = _date_field(_l("نهایی‌شدن نتایج"))
    reason = TextAreaField(_l("دلیل تغییر"), validators=[Optional(), Length(max=2000)])

    def values(self, cycle) -> dict[str, datetime]:
        """The typed dates, each at the time of day its field has now."""
        return {name: at_same_time_of_day(getattr(self, name).data, getattr(cycle, name)) for name in EDITABLE_FIELDS}


class PostponeForm(FlaskForm):
    new_date = _date_field(_l("تاریخ تازهٔ آیین"))
    reason = TextAreaField(_l("دلیل تعویق"), validators=[DataRequired(_l("دلیل تعویق آیین را بنویسید.")),
                                                        Length(max=2000)])
