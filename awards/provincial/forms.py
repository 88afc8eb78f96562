"""Forms of the provincial round: the organizer's switch and dates, the officer's seats."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, FormField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from awards.cycles.forms import JalaliDateField
from awards.evaluation.forms import CriterionRow, NumberField


class RoundForm(FlaskForm):
    enabled = BooleanField(_l("دور استانی در این دوره برگزار می‌شود"))
    scoring_close_at = JalaliDateField(_l("پایان ارزیابی استانی"),
                                       validators=[InputRequired(_l("تاریخ را وارد کنید."))])
    selection_close_at = JalaliDateField(_l("پایان انتخاب استانی"),
                                         validators=[InputRequired(_l("تاریخ را وارد کنید."))])


class SeatForm(FlaskForm):
    username = StringField(_l("نام کاربری عضو"), validators=[InputRequired(_l("نام کاربری را وارد کنید.")),
                                                            Length(max=64)])
    organisation = StringField(_l("سازمان عضو"), validators=[InputRequired(_l("سازمان عضو را بنویسید.")),
                                                            Length(max=160)])
    is_chair = BooleanField(_l("رئیس کارگروه"))


class ButtonForm(FlaskForm):
    """A CSRF-carrying button (remove a seat, make a member the chair)."""

    submit = SubmitField(_l("تأیید"))


class ForwardForm(FlaskForm):
    justification = TextAreaField(_l("دلیل معرفی"), validators=[Optional(), Length(
        max=2000, message=_l("دلیل حداکثر ۲۰۰۰ نویسه است."))])


class CriterionForm(FlaskForm):
    title = StringField(_l("عنوان معیار"), validators=[InputRequired(_l("عنوان معیار را بنویسید.")),
                                                       Length(max=200)])
    max_points = NumberField(_l("سقف نمره"), decimal=True, validators=[InputRequired(_l("سقف نمره را بنویسید."))])
    weight = NumberField(_l("وزن"), decimal=True, validators=[InputRequired(_l("وزن را بنویسید."))])


class RubricEditForm(FlaskForm):
    """The lines of a provincial rubric not yet frozen: each one's title, guidance, maximum, weight, order, removal
    (the national rubric's row, :class:`awards.evaluation.forms.CriterionRow`)."""

    criteria = FieldList(FormField(CriterionRow))


class CloseSelectionForm(FlaskForm):
    """The chair's confirmation that every dossier still awaiting a decision in a category stays in the province;
    ``expected`` carries the ids the chair saw, so a list that changed meanwhile is refused."""

    expected = HiddenField()
    confirm = BooleanField(_l("تأیید می‌کنم که همهٔ این پرونده‌ها در استان بمانند."),
                           validators=[DataRequired(_l("برای بستن انتخاب، این گزینه را تأیید کنید."))])
