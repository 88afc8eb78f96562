"""Forms of the «مدیریت» area: a cycle (new or copied), a category, a committee seat, and confirmations.

Dates reuse the Jalali field of the timeline form and numbers the Persian-or-Latin number field of the rubric.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from awards.admin.services import moment_of
from awards.cycles.forms import JalaliDateField, TimelineForm
from awards.enums import NomineeKind
from awards.evaluation.forms import NumberField
from awards.labels import LABELS
from awards.models.cycle import TIMELINE_FIELDS

MSG_DATE_REQUIRED = _l("تاریخ را وارد کنید.")


def _id_or_none(value) -> int | None:
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isdigit() else None


class CycleForm(FlaskForm):
    """A new cycle: the Jalali year, the title and the whole timeline."""

    year = NumberField(_l("سال شمسی دوره"), validators=[InputRequired(_l("سال را وارد کنید."))],
                       render_kw={"inputmode": "numeric", "dir": "ltr", "placeholder": _l("مانند ۱۴۰۵")})
    title = StringField(_l("عنوان دوره"), validators=[InputRequired(_l("عنوان دوره را بنویسید.")),
                                                      Length(max=200, message=_l("حداکثر ۲۰۰ نویسه."))])
    nominations_open_at = TimelineForm.nominations_open_at
    nominations_close_at = TimelineForm.nominations_close_at
    screening_close_at = TimelineForm.screening_close_at
    evaluation_close_at = TimelineForm.evaluation_close_at
    results_final_at = TimelineForm.results_final_at
    ceremony_at = JalaliDateField(_l("آیین اهدا"), validators=[InputRequired(MSG_DATE_REQUIRED)])
    conflict_same_province = BooleanField(
        _l("تعارض منافع: عضوی که کارشناس همان استان است، به پرونده‌های آن استان امتیاز نمی‌دهد"))

    def timeline(self) -> dict[str, datetime | None]:
        """The typed dates at the time of day each field of a new cycle has (00:00, 23:59, 12:00, 10:00)."""
        return {name: moment_of(self[name].data, name) if self[name].data else None for name in TIMELINE_FIELDS}


class CopyCycleForm(FlaskForm):
    source = SelectField(_l("دورهٔ مبدأ"), coerce=int, validators=[InputRequired(_l("دورهٔ مبدأ را برگزینید."))])
    year = NumberField(_l("سال شمسی دورهٔ تازه"), validators=[InputRequired(_l("سال را وارد کنید."))],
                       render_kw={"inputmode": "numeric", "dir": "ltr"})
    title = StringField(_l("عنوان دورهٔ تازه"),
                        validators=[Optional(), Length(max=200, message=_l("حداکثر ۲۰۰ نویسه."))])

    def offer(self, cycles) -> None:
        self.source.choices = [SelectChoice(c.id, c.title) for c in cycles]


class CategoryForm(FlaskForm):
    code = StringField(_l("کد رشته"), validators=[InputRequired(_l("کد رشته را بنویسید.")), Length(max=32)],
                       render_kw={"dir": "ltr", "autocomplete": "off", "pattern": "[a-z0-9_-]+"})
    title = StringField(_l("عنوان فارسی"), validators=[InputRequired(_l("عنوان فارسی رشته را بنویسید.")),
                                                       Length(max=200, message=_l("حداکثر ۲۰۰ نویسه."))])
    title_en = StringField(_l("عنوان انگلیسی"),
                           validators=[Optional(), Length(max=200, message=_l("حداکثر ۲۰۰ نویسه."))],
                           render_kw={"dir": "ltr", "lang": "en"})
    nominee_kind = SelectField(_l("نوع نامزد"), choices=[SelectChoice(k.value, LABELS[k]) for k in NomineeKind],
                               validators=[InputRequired(_l("نوع نامزد را برگزینید."))])
    province_quota = NumberField(_l("سهمیهٔ هر استان"), validators=[InputRequired(_l("عدد را وارد کنید."))],
                                 render_kw={"inputmode": "numeric"})
    gold_quota = NumberField(_l("سهمیهٔ تندیس زرین"), validators=[InputRequired(_l("عدد را وارد کنید."))],
                             render_kw={"inputmode": "numeric"})
    certificate_quota = NumberField(_l("سهمیهٔ لوح تقدیر"), validators=[InputRequired(_l("عدد را وارد کنید."))],
                                    render_kw={"inputmode": "numeric"})
    min_score = NumberField(_l("کمینهٔ امتیاز"), decimal=True, validators=[Optional()],
                            render_kw={"inputmode": "decimal"})

    def values(self) -> dict:
        return {name: self[name].data for name in ("code", "title", "title_en", "nominee_kind", "province_quota",
                                                    "gold_quota", "certificate_quota", "min_score")}


class ConfirmForm(FlaskForm):
    """A destructive action's confirmation; the service refuses it unless ``confirm`` is ticked."""

    confirm = BooleanField(_l("بله، مطمئنم"))


class MemberForm(FlaskForm):
    user_id = SelectField(_l("کاربر"), coerce=_id_or_none, validate_choice=False,
                          validators=[InputRequired(_l("کاربری را برگزینید."))])
    is_chair = BooleanField(_l("رئیس کمیته باشد (رئیس کنونی عضو عادی می‌شود)"))

    def offer(self, users) -> None:
        self.user_id.choices = [SelectChoice("", _l("— برگزینید —"))] + [
            SelectChoice(u.id, f"{u.full_name} ({u.username})") for u in users]


class OrganisationForm(FlaskForm):
    organisation = StringField(_l("سازمان"), validators=[Length(max=160, message=_l("حداکثر ۱۶۰ نویسه."))])


class EmptyForm(FlaskForm):
    """A button that posts (CSRF only)."""
